import { describe, expect, it } from 'vitest';
import {
  NAB_PROFILES,
  probationRows,
  rowWeights,
  scaledSigmoid,
  scoreNab,
  type NabFile,
  type NabProfile,
} from '../../bench/nab/nab-scorer.js';

/* The NAB scorer of bench/nab, checked against its definition and cases worked by hand. */

function profile(name: string): NabProfile {
  const found = NAB_PROFILES.find((p) => p.name === name);
  if (found === undefined) throw new Error(`no profile ${name}`);
  return found;
}
const STANDARD = profile('standard');
const LOW_FP = profile('reward_low_FP_rate');
const LOW_FN = profile('reward_low_FN_rate');

/** Files shaped like the corpus: several windows, probation, rows outside every window. */
function corpus(score: (file: number, row: number, windows: [number, number][]) => number) {
  const shapes: { rows: number; windows: [number, number][] }[] = [
    { rows: 4032, windows: [[2787, 3189]] },
    {
      rows: 1643,
      windows: [
        [347, 387],
        [729, 769],
        [1256, 1296],
      ],
    },
    { rows: 4032, windows: [] },
    {
      rows: 22695,
      windows: [
        [2126, 2692],
        [16057, 16623],
      ],
    },
  ];
  return shapes.map((s, f): NabFile => ({
    name: `file-${f}`,
    windows: s.windows,
    scores: Array.from({ length: s.rows }, (_, row) => score(f, row, s.windows)),
  }));
}

describe('NAB scorer', () => {
  it('follows the scaled sigmoid: 1 before a window, 0 at its end, −1 far after', () => {
    expect(scaledSigmoid(0)).toBe(0);
    expect(scaledSigmoid(-1)).toBeCloseTo(0.986614, 6);
    expect(scaledSigmoid(1)).toBeCloseTo(-0.986614, 6);
    expect(scaledSigmoid(3.5)).toBe(-1);
    expect(probationRows(4032)).toBe(604);
    expect(probationRows(22695)).toBe(750);
  });

  it('scores a constant detector 0 on every profile', () => {
    for (const value of [0, 0.5, 1]) {
      const files = corpus(() => value);
      for (const profile of NAB_PROFILES) expect(scoreNab(files, profile).score).toBe(0);
    }
  });

  it('scores 100 for a detector firing exactly at every window’s first row', () => {
    const files = corpus((_f, row, windows) => (windows.some(([l]) => l === row) ? 1 : 0));
    for (const profile of NAB_PROFILES) {
      const result = scoreNab(files, profile);
      expect(result.score).toBeCloseTo(100, 10);
      expect(result.falsePositives).toBe(0);
      expect(result.falseNegatives).toBe(0);
    }
  });

  it('matches a small case worked by hand', () => {
    // 20 rows, probation 3 rows, one window over rows 10–13 (width 4). Detections: row 1 (in
    // probation: ignored), row 5 (before any window: −fpWeight), row 11 (inside: position
    // −(13−11+1)/4 = −0.75) and row 16 (after the window: position |13−16|/(4−1) = 1).
    const scores = new Array<number>(20).fill(0);
    for (const row of [1, 5, 11, 16]) scores[row] = 0.9;
    scores[12] = 0.4; // a later, weaker detection in the window: never counted above row 11
    const file: NabFile = { name: 'hand', scores, windows: [[10, 13]] };

    // σ(x) = 1/(1+e^−x); S(y) = 2σ(−5y) − 1.
    // S(−1) = 2σ(5) − 1 = 0.9866142982; S(−0.75) = 2σ(3.75) − 1 = 0.9540452602;
    // S(1) = −0.9866142982.
    const tp = 0.9540452602 / 0.9866142982; // 0.9669890878
    const { weight } = rowWeights(20, [[10, 13]], STANDARD);
    expect(weight[11]).toBeCloseTo(tp, 9);
    expect(weight[5]).toBeCloseTo(-0.11, 12);
    expect(weight[16]).toBeCloseTo(0.11 * -0.9866142982, 9);

    // Standard: 0.9669890878 − 0.11 − 0.1085275728 = 0.7484615150 against a null of −1 and a
    // perfect of 1: 100 × 1.7484615150 / 2 = 87.4230757.
    const standard = scoreNab([file], STANDARD);
    expect(standard.threshold).toBe(0.9);
    expect(standard.total).toBeCloseTo(0.748461515, 8);
    expect(standard.score).toBeCloseTo(87.4230757, 6);
    expect(standard.falsePositives).toBe(2);
    // Low FP rate: 0.9669890878 − 0.22 − 0.2170551456 = 0.5299339422 → 76.4966971.
    expect(scoreNab([file], LOW_FP).score).toBeCloseTo(76.4966971, 6);
    // Low FN rate: null −2, perfect 1: 100 × (0.748461515 + 2) / 3 = 91.6153838.
    expect(scoreNab([file], LOW_FN).score).toBeCloseTo(91.6153838, 6);
  });

  it('keeps the best threshold, which may be to fire nowhere', () => {
    // Every row of a long file scores high and the window is missed either way: firing costs.
    const scores = new Array<number>(200).fill(0.8);
    const result = scoreNab([{ name: 'noisy', scores, windows: [[100, 109]] }], STANDARD);
    expect(result.score).toBe(0);
    expect(result.threshold).toBe(Infinity);
  });
});
