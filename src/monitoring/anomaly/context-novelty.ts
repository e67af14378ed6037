/**
 * Sequence novelty in the manner of the Contextual Anomaly Detector (CAD OSE): values are
 * quantized into coarse levels, and each recent run of levels (the last 1, 2, … `maxContext`
 * levels) is a context. The novelty of a point is the share of its contexts never seen before:
 * 0 when the series repeats what it has done, 1 when it does something new. A value at a new
 * level, a pattern cut short, a period that fails to come all count.
 */
export interface ContextNoveltyOptions {
  /** Levels across the range seen while calibrating. */
  levels: number;
  /** Longest run of levels remembered as a context. */
  maxContext: number;
  /** Points seen before the level width is fixed. */
  calibration: number;
  /** Contexts remembered per series, oldest forgotten first (bounds memory). */
  capacity: number;
}

export const DEFAULT_CONTEXT_NOVELTY_OPTIONS: ContextNoveltyOptions = {
  levels: 12,
  maxContext: 7,
  calibration: 100,
  capacity: 20_000,
};

export interface ContextNoveltyState {
  /** Values seen while calibrating (emptied once the width is fixed). */
  calibrating: number[];
  origin: number;
  width: number;
  /** The last `maxContext` levels, newest last. */
  recent: number[];
  /** Seen contexts, a ring in the order first seen (the oldest is overwritten when full). */
  seen: string[];
  seenHead: number;
  /** How many distinct levels the contexts use; too many means the width is too fine. */
  distinctLevels: number[];
}

export function createContextNoveltyState(): ContextNoveltyState {
  return {
    calibrating: [],
    origin: 0,
    width: 0,
    recent: [],
    seen: [],
    seenHead: 0,
    distinctLevels: [],
  };
}

/** A view of the seen contexts as a set, rebuilt after a restore (not part of the state). */
const indexes = new WeakMap<ContextNoveltyState, Set<string>>();

function indexOf(state: ContextNoveltyState): Set<string> {
  let index = indexes.get(state);
  if (index === undefined) {
    index = new Set(state.seen);
    indexes.set(state, index);
  }
  return index;
}

function calibrate(state: ContextNoveltyState, options: ContextNoveltyOptions): void {
  let min = Infinity;
  let max = -Infinity;
  for (const v of state.calibrating) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const span = max - min;
  // A flat start gives no scale: take one from the magnitude instead.
  const scale = span > 0 ? span : Math.max(Math.abs(max), 1e-6);
  state.width = scale / options.levels;
  state.origin = min;
  state.calibrating = [];
}

/** Feeds one value; returns its novelty in [0, 1] (0 while calibrating). */
export function updateContextNovelty(
  state: ContextNoveltyState,
  value: number,
  options: ContextNoveltyOptions,
): number {
  if (state.width === 0) {
    state.calibrating.push(value);
    if (state.calibrating.length >= options.calibration) calibrate(state, options);
    return 0;
  }
  let level = Math.floor((value - state.origin) / state.width);
  if (!state.distinctLevels.includes(level)) {
    state.distinctLevels.push(level);
    // The series has outgrown its calibration: coarsen, and start remembering afresh.
    if (state.distinctLevels.length > 4 * options.levels) {
      state.width *= 2;
      state.distinctLevels = [];
      state.seen = [];
      state.seenHead = 0;
      state.recent = state.recent.map((l) => Math.floor(l / 2));
      indexes.delete(state);
      level = Math.floor((value - state.origin) / state.width);
      state.distinctLevels.push(level);
    }
  }
  state.recent.push(level);
  if (state.recent.length > options.maxContext) state.recent.shift();

  const index = indexOf(state);
  let novel = 0;
  let key = '';
  const n = state.recent.length;
  for (let k = 1; k <= n; k++) {
    key = `${key}${state.recent[n - k] ?? 0},`;
    if (index.has(key)) continue;
    novel++;
    index.add(key);
    if (state.seen.length < options.capacity) {
      state.seen.push(key);
    } else {
      const oldest = state.seen[state.seenHead];
      if (oldest !== undefined) index.delete(oldest);
      state.seen[state.seenHead] = key;
      state.seenHead = (state.seenHead + 1) % options.capacity;
    }
  }
  return novel / options.maxContext;
}
