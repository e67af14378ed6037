import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { SYSTEM } from '../../src/core/principal.js';
import { startMonitoringTimer } from '../../src/runtime/monitoring-timer.js';
import { FakeMetricReader } from '../support/fake-metric-reader.js';
import { disposeOpened, openTestControlPlane } from '../support/dialects.js';
import { applyOutcomes } from '../support/http-fixture.js';

/* The monitoring timer evaluates SLO burn rates on its tick: the alert opens without anyone asking. */

afterEach(disposeOpened);

describe('the monitoring timer', () => {
  it('raises an SLO burn-rate exception, routed by the tree, on its own', async () => {
    const clock = new ManualClock('2026-01-31T00:00:00.000Z');
    const reader = new FakeMetricReader();
    // The last hour: 40% of replies late against 10% allowed, a 4x burn over every window that
    // holds it: short of the pages (14.4x, 6x), above the ticket's 1x over 3d and 6h.
    for (let m = 1; m <= 60; m++) {
      const at = new Date(clock.now().getTime() - m * 60_000);
      reader.add('work_completed_with_due_total', { domain: 'support' }, at, 10);
      reader.add('work_completed_within_sla_total', { domain: 'support' }, at, 6);
    }
    const t = await openTestControlPlane('sqlite', { clock, metricReader: reader });
    await applyOutcomes(t);
    const errors: unknown[] = [];
    const stop = startMonitoringTimer(t.cp, 10, (error) => errors.push(error));
    try {
      for (let i = 0; i < 500; i++) {
        const open = await t.cp.monitoring.list(SYSTEM, { alertname: 'SloBurnRate', limit: 10 });
        if (open.length > 0) {
          expect(open.map((e) => [e.labels.severity, e.labels.window, e.source])).toEqual([
            ['warning', '3d', 'slo:burn_rate'],
          ]);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      throw new Error(`no burn-rate exception was raised (${errors.length} timer errors)`);
    } finally {
      await stop();
      expect(errors).toEqual([]);
    }
  });
});
