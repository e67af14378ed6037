import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startScheduled } from './start-scheduled.js';

describe('startScheduled', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs every interval, sooner when a run names an earlier moment, and when poked', async () => {
    const runs: number[] = [];
    let next: Date | null = null;
    const scheduled = startScheduled(
      1000,
      () => {
        runs.push(Date.now());
        return Promise.resolve(next);
      },
      () => undefined,
    );
    // The first run says something starts at 1250: the next run is then, not a second later.
    next = new Date(1250);
    await vi.advanceTimersByTimeAsync(1000);
    expect(runs).toEqual([1000]);
    next = null;
    await vi.advanceTimersByTimeAsync(1000);
    expect(runs).toEqual([1000, 1250]);
    // A moment already past is no reason to run again at once.
    next = new Date(100);
    await vi.advanceTimersByTimeAsync(1000);
    expect(runs).toEqual([1000, 1250, 2250]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(runs).toEqual([1000, 1250, 2250, 3250]);
    next = null;
    scheduled.poke(50);
    await vi.advanceTimersByTimeAsync(50);
    expect(runs.at(-1)).toBe(4050);
    await scheduled.stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(runs).toHaveLength(5);
  });

  it('runs once more after a run during which it was poked, never two at once', async () => {
    let active = 0;
    let most = 0;
    const runs: number[] = [];
    const scheduled = startScheduled(
      10_000,
      async () => {
        active++;
        most = Math.max(most, active);
        runs.push(Date.now());
        await new Promise((resolve) => setTimeout(resolve, 100));
        active--;
        return null;
      },
      () => undefined,
    );
    scheduled.poke(0);
    await vi.advanceTimersByTimeAsync(20);
    expect(runs).toEqual([10]);
    scheduled.poke(0);
    await vi.advanceTimersByTimeAsync(200);
    // Asked for during the first run: run as soon as it ended, after the 10 ms floor.
    expect(runs).toEqual([10, 120]);
    expect(most).toBe(1);
    // A poke waits at least four times the last run's length: a busy system cannot keep it running.
    scheduled.poke(0);
    await vi.advanceTimersByTimeAsync(399);
    expect(runs).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(runs).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(100);
    await scheduled.stop();
  });

  it('reports a failing run and carries on', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const scheduled = startScheduled(
      100,
      () => {
        calls++;
        return calls === 1 ? Promise.reject(new Error('boom')) : Promise.resolve(null);
      },
      (error) => errors.push(error),
    );
    await vi.advanceTimersByTimeAsync(250);
    expect(calls).toBe(2);
    expect(errors).toHaveLength(1);
    await scheduled.stop();
  });
});
