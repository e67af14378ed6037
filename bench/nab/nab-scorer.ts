/**
 * The Numenta Anomaly Benchmark's scoring, as NAB's own scorer computes it (described in
 * ../shared/datasets/nab/README.md): probation, sigmoid-weighted windows where only the earliest
 * detection counts, false positives weighed by their distance from the last window that ended
 * before them, one threshold shared by every file and chosen to maximize the total, and the total
 * normalized between a detector that never fires (0) and one that fires at every window's first
 * row (100).
 */

export interface NabProfile {
  name: string;
  tpWeight: number;
  fpWeight: number;
  fnWeight: number;
}

export const NAB_PROFILES: readonly NabProfile[] = [
  { name: 'standard', tpWeight: 1, fpWeight: 0.11, fnWeight: 1 },
  { name: 'reward_low_FP_rate', tpWeight: 1, fpWeight: 0.22, fnWeight: 1 },
  { name: 'reward_low_FN_rate', tpWeight: 1, fpWeight: 0.11, fnWeight: 2 },
];

/** One scored file: a score per row, and its anomaly windows as inclusive row-index ranges. */
export interface NabFile {
  name: string;
  scores: ArrayLike<number>;
  windows: readonly (readonly [number, number])[];
}

/** NAB's scaled sigmoid: 1 well before a window's end, −1 far after it. */
export function scaledSigmoid(y: number): number {
  if (y > 3) return -1;
  return 2 / (1 + Math.exp(5 * y)) - 1;
}

/** Rows NAB leaves unscored at the start of a file: the detector is still learning there. */
export function probationRows(rows: number): number {
  return Math.min(Math.floor(0.15 * rows), 750);
}

/**
 * For each row: the window it lies in (−1 outside every window) and the weight a detection there
 * earns (positive inside a window, negative outside).
 */
export function rowWeights(
  rows: number,
  windows: readonly (readonly [number, number])[],
  profile: NabProfile,
): { window: Int32Array; weight: Float64Array } {
  const window = new Int32Array(rows).fill(-1);
  const weight = new Float64Array(rows);
  const sorted = windows.map(([l, r], i) => ({ l, r, i })).sort((a, b) => a.l - b.l);
  for (const { l, r, i } of sorted) {
    const width = r - l + 1;
    for (let row = Math.max(0, l); row <= Math.min(rows - 1, r); row++) {
      window[row] = i;
      weight[row] = (profile.tpWeight * scaledSigmoid(-(r - row + 1) / width)) / scaledSigmoid(-1);
    }
  }
  let last: { l: number; r: number } | null = null;
  let next = 0;
  for (let row = 0; row < rows; row++) {
    while (next < sorted.length && (sorted[next]?.r ?? Infinity) < row) {
      const w = sorted[next];
      if (w !== undefined) last = w;
      next++;
    }
    if (window[row] !== -1) continue;
    if (last === null) {
      weight[row] = -profile.fpWeight;
    } else {
      const width = last.r - last.l + 1;
      // A one-row window gives no scale to measure distance by: every false positive counts fully.
      const y = width > 1 ? Math.abs(last.r - row) / (width - 1) : Infinity;
      weight[row] = profile.fpWeight * scaledSigmoid(y);
    }
  }
  return { window, weight };
}

export interface NabFileResult {
  name: string;
  score: number;
  truePositives: number;
  falseNegatives: number;
  falsePositives: number;
}

/** One file's raw score at a given threshold: detections are rows scoring at least `threshold`. */
export function scoreFileAt(file: NabFile, threshold: number, profile: NabProfile): NabFileResult {
  const rows = file.scores.length;
  const { window, weight } = rowWeights(rows, file.windows, profile);
  const best = new Array<number | null>(file.windows.length).fill(null);
  let score = 0;
  let falsePositives = 0;
  for (let row = probationRows(rows); row < rows; row++) {
    if ((file.scores[row] ?? 0) < threshold) continue;
    const w = window[row] ?? -1;
    const value = weight[row] ?? 0;
    if (w === -1) {
      score += value;
      falsePositives++;
    } else {
      const current = best[w];
      best[w] = current === null || current === undefined ? value : Math.max(current, value);
    }
  }
  let truePositives = 0;
  for (const b of best) {
    if (b === null) score -= profile.fnWeight;
    else {
      score += b;
      truePositives++;
    }
  }
  return {
    name: file.name,
    score,
    truePositives,
    falseNegatives: best.length - truePositives,
    falsePositives,
  };
}

export interface NabResult {
  profile: string;
  /** Normalized: 0 for a detector that never fires, 100 for a perfect one. */
  score: number;
  /** The threshold that maximized the total; Infinity when firing nowhere was best. */
  threshold: number;
  total: number;
  perfect: number;
  null: number;
  truePositives: number;
  falseNegatives: number;
  falsePositives: number;
  files: NabFileResult[];
}

/**
 * Scores a corpus under one profile: sweeps the threshold down through every distinct score
 * (keeping the running total incrementally, so the sweep costs one sort) and keeps the best.
 */
export function scoreNab(files: readonly NabFile[], profile: NabProfile): NabResult {
  const windowCount = files.reduce((n, f) => n + f.windows.length, 0);
  const nullTotal = -profile.fnWeight * windowCount;
  const perfect = profile.tpWeight * windowCount;

  // Every scored row, with its window (numbered across the corpus) and weight.
  const candidates: { score: number; window: number; weight: number }[] = [];
  let windowOffset = 0;
  for (const file of files) {
    const rows = file.scores.length;
    const { window, weight } = rowWeights(rows, file.windows, profile);
    for (let row = probationRows(rows); row < rows; row++) {
      const w = window[row] ?? -1;
      candidates.push({
        score: file.scores[row] ?? 0,
        window: w === -1 ? -1 : w + windowOffset,
        weight: weight[row] ?? 0,
      });
    }
    windowOffset += file.windows.length;
  }
  candidates.sort((a, b) => b.score - a.score);

  const best = new Array<number | null>(windowCount).fill(null);
  let total = nullTotal;
  let bestTotal = nullTotal;
  let bestThreshold = Infinity;
  for (let i = 0; i < candidates.length;) {
    const threshold = candidates[i]?.score ?? 0;
    for (; i < candidates.length && candidates[i]?.score === threshold; i++) {
      const c = candidates[i];
      if (c === undefined) continue;
      if (c.window === -1) {
        total += c.weight;
        continue;
      }
      const current = best[c.window] ?? null;
      if (current === null) {
        total += c.weight + profile.fnWeight;
        best[c.window] = c.weight;
      } else if (c.weight > current) {
        total += c.weight - current;
        best[c.window] = c.weight;
      }
    }
    if (total > bestTotal) {
      bestTotal = total;
      bestThreshold = threshold;
    }
  }

  const fileResults = files.map((f) => scoreFileAt(f, bestThreshold, profile));
  const sum = (key: 'truePositives' | 'falseNegatives' | 'falsePositives') =>
    fileResults.reduce((n, r) => n + r[key], 0);
  return {
    profile: profile.name,
    score: perfect === nullTotal ? 0 : (100 * (bestTotal - nullTotal)) / (perfect - nullTotal),
    threshold: bestThreshold,
    total: bestTotal,
    perfect,
    null: nullTotal,
    truePositives: sum('truePositives'),
    falseNegatives: sum('falseNegatives'),
    falsePositives: sum('falsePositives'),
    files: fileResults,
  };
}
