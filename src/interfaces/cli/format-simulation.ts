import { formatDuration } from '../../core/duration.js';
import type { SimulationReport, Spread } from '../../simulation/simulation-report.js';
import { formatTable } from './format-table.js';

const percent = (share: number) => `${(share * 100).toFixed(1)}%`;
/** Rounded to what a reader compares: whole seconds under an hour, whole minutes above. */
const span = (seconds: number) =>
  formatDuration(seconds < 3600 ? Math.round(seconds) : Math.round(seconds / 60) * 60);
const spread = (s: Spread) => `${span(s.mean)} / ${span(s.p50)} / ${span(s.p90)}`;
const count = (n: number) => n.toLocaleString('en-US');

/** Simulation results as text: one row per policy, then utilization and the event rate. */
export function formatSimulation(reports: readonly SimulationReport[]): string[] {
  const first = reports[0];
  if (first === undefined) return [];
  const targets = Object.keys(first.waitingWithin);
  const lines = [
    `${first.scenario} · seed ${first.seed} · ${span(first.simulatedSeconds)} simulated · ` +
      `${count(first.items.arrived)} items, ${count(first.items.measured)} measured`,
    '',
    ...formatTable(reports, [
      { header: 'policy', value: (r) => r.policy },
      { header: 'SLA met', value: (r) => percent(r.slaAttainment), align: 'right' },
      { header: 'value on time', value: (r) => percent(r.valueOnTime), align: 'right' },
      { header: 'cycle mean / p50 / p90', value: (r) => spread(r.cycleTime), align: 'right' },
      { header: 'wait mean / p50 / p90', value: (r) => spread(r.waitingTime), align: 'right' },
      ...targets.map((t) => ({
        header: `wait ≤ ${formatDuration(Number(t))}`,
        value: (r: SimulationReport) => percent(r.waitingWithin[t] ?? 0),
        align: 'right' as const,
      })),
      { header: 'reassigned', value: (r) => count(r.reassignments), align: 'right' },
      { header: 'unfinished', value: (r) => count(r.items.unfinished), align: 'right' },
    ]),
    '',
    'utilization',
    ...formatTable(reports, [
      { header: 'policy', value: (r) => r.policy },
      ...Object.keys(first.utilization).map((group) => ({
        header: group,
        value: (r: SimulationReport) => percent(r.utilization[group] ?? 0),
        align: 'right' as const,
      })),
    ]),
    '',
    ...reports.map(
      (r) =>
        `${r.policy}: ${count(r.events.simulated)} simulated events, ${count(r.events.recorded)} ` +
        `recorded in ${r.wallSeconds.toFixed(2)} s (${count(Math.round(r.eventsPerSecond))} recorded events/s)`,
    ),
  ];
  return lines;
}
