import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAnomalyDetector, type AnomalyDetectorState } from './create-anomaly-detector.js';

const FIVE_MINUTES = 300_000;
const START = Date.UTC(2024, 0, 1);

/** A repeatable pseudo-random normal sample (Box–Muller over a small LCG). */
function noise(seed: number): () => number {
  let x = seed;
  const uniform = () => {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    return (x + 1) / 2_147_483_649;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** A daily cycle (288 points a day) around 50 with unit noise. */
function dailySeries(length: number, seed = 7): number[] {
  const next = noise(seed);
  return Array.from({ length }, (_, i) => 50 + 10 * Math.sin((2 * Math.PI * i) / 288) + next());
}

function score(values: readonly number[]) {
  const detector = createAnomalyDetector();
  return values.map((v, i) => {
    const s = detector.update(START + i * FIVE_MINUTES, v);
    return { score: s, reason: detector.reason };
  });
}

const max = (xs: readonly number[]) => xs.reduce((a, b) => Math.max(a, b), 0);

describe('createAnomalyDetector', () => {
  it('keeps every score in [0, 1] and learns before it judges', () => {
    const scores = score(dailySeries(1200));
    expect(scores.every((s) => s.score >= 0 && s.score <= 1)).toBe(true);
    expect(scores[10]).toEqual({ score: 0, reason: 'learning' });
  });

  it('stays low on a flat series and on a clean cycle', () => {
    const flat = score(new Array<number>(2000).fill(3));
    expect(max(flat.map((s) => s.score))).toBe(0);
    const cycle = score(
      Array.from({ length: 3000 }, (_, i) => 5 + Math.sin((2 * Math.PI * i) / 288)),
    );
    // 0.3 is a p-value of 1/1001: as surprising as the most surprising of the last 1000 points.
    expect(max(cycle.slice(400).map((s) => s.score))).toBeLessThan(0.4);
  });

  it('rarely alarms on plain noise around a cycle', () => {
    const scores = score(dailySeries(4000)).slice(600);
    expect(scores.filter((s) => s.score >= 0.5).length).toBeLessThanOrEqual(2);
  });

  it('flags a spike at the spike itself, and says so', () => {
    const values = dailySeries(2000);
    values[1500] = (values[1500] ?? 0) + 12;
    const scores = score(values);
    const at = scores[1500];
    expect(at?.score).toBeGreaterThanOrEqual(0.5);
    expect(['spike', 'out of range']).toContain(at?.reason);
    expect(at?.score).toBe(max(scores.slice(300).map((s) => s.score)));
  });

  it('flags a level shift within a few points of the shift', () => {
    const values = dailySeries(2000).map((v, i) => (i >= 1500 ? v + 6 : v));
    const scores = score(values).map((s) => s.score);
    expect(max(scores.slice(1500, 1510))).toBeGreaterThanOrEqual(0.5);
    // Noise alone makes a new extreme now and then (out of range): rare, but not never.
    expect(scores.slice(600, 1500).filter((s) => s >= 0.5).length).toBeLessThanOrEqual(2);
  });

  it('flags a cycle that stops, though every value stays in range', () => {
    const values = dailySeries(3000).map((v, i) => (i >= 2200 && i < 2500 ? 50 + (v % 1) : v));
    const scores = score(values).map((s) => s.score);
    const quiet = scores.slice(700, 2200).filter((s) => s < 0.5);
    expect(max(scores.slice(2200, 2320))).toBeGreaterThan(max(quiet));
  });

  it('judges a point by the point and the window together, where each alone is moderate', () => {
    // Five hours running one noise unit high: no point is far off, the window only somewhat
    // unusual; together the point and its window say more than either alone.
    const values = dailySeries(2500).map((v, i) => (i >= 2000 && i < 2060 ? v + 1 : v));
    const run = (jointEvidence: boolean) => {
      const detector = createAnomalyDetector({ jointEvidence });
      return values.map((v, i) => detector.update(START + i * FIVE_MINUTES, v));
    };
    const apart = max(run(false).slice(2000, 2060));
    expect(max(run(true).slice(2000, 2060))).toBeGreaterThan(apart + 0.1);
  });

  it('holds down the alarms that follow an alarm', () => {
    const values = dailySeries(2000);
    values[1500] = (values[1500] ?? 0) + 12;
    values[1520] = (values[1520] ?? 0) + 12;
    const scores = score(values);
    expect(scores[1500]?.score).toBeGreaterThanOrEqual(0.5);
    expect(scores[1520]?.score).toBeLessThan(0.5);
  });

  it('is causal: appending points never changes an earlier score', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), {
          minLength: 1,
          maxLength: 400,
        }),
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { maxLength: 100 }),
        (prefix, suffix) => {
          const short = score(prefix).map((s) => s.score);
          const long = score([...prefix, ...suffix]).map((s) => s.score);
          expect(long.slice(0, prefix.length)).toEqual(short);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('resumes from a snapshot that went through JSON exactly where it stopped', () => {
    const values = dailySeries(1500);
    values[1200] = 90;
    const whole = score(values).map((s) => s.score);
    const first = createAnomalyDetector();
    for (let i = 0; i < 1000; i++) first.update(START + i * FIVE_MINUTES, values[i] ?? 0);
    const stored = JSON.parse(JSON.stringify(first.snapshot())) as AnomalyDetectorState;
    const resumed = createAnomalyDetector({}, stored);
    const rest = values
      .slice(1000)
      .map((v, i) => resumed.update(START + (1000 + i) * FIVE_MINUTES, v));
    expect(rest).toEqual(whole.slice(1000));
  });
});
