import { useMemo } from 'react';
import type { KpiReport, Objective, Slo } from '../api/types';
import { Badge, ErrorNote } from '../components/badge';
import { TimeChart, type ChartSeries } from '../components/time-chart';
import { dateTime, num, percent } from '../format';
import { useApi, useLiveReload } from '../hooks';

const HOUR_MS = 3_600_000;
const HOURS = 24;
/** Burn-rate windows in seconds, shortest first, as the SLO evaluation names them. */
const WINDOWS: readonly [string, number][] = [
  ['5m', 300],
  ['30m', 1800],
  ['1h', 3600],
  ['6h', 21_600],
  ['3d', 259_200],
];
const windowName = (seconds: number) => WINDOWS.find(([, s]) => s === seconds)?.[0] ?? '';

interface HourlyKpis {
  times: number[];
  arrived: (number | null)[];
  completed: (number | null)[];
  sla: (number | null)[];
  autonomy: (number | null)[];
}

/** KPIs per hour over the last day: one KPI query per hour (each costs its buckets, not events). */
async function hourly(get: (from: string, to: string) => Promise<KpiReport>): Promise<HourlyKpis> {
  const end = Math.ceil(Date.now() / HOUR_MS) * HOUR_MS;
  const starts = Array.from({ length: HOURS }, (_, i) => end - (HOURS - i) * HOUR_MS);
  const reports = await Promise.all(
    starts.map((start) =>
      get(new Date(start).toISOString(), new Date(start + HOUR_MS).toISOString()),
    ),
  );
  const value = (r: KpiReport, name: string) => r.rows[0]?.values[name] ?? null;
  return {
    times: starts.map((s) => s / 1000),
    arrived: reports.map((r) => value(r, 'work_arrived_total')),
    completed: reports.map((r) => value(r, 'work_completed_total')),
    sla: reports.map((r) => value(r, 'sla_attainment')),
    autonomy: reports.map((r) => value(r, 'autonomy_ratio')),
  };
}

/** KPIs, SLOs with their error budgets and burn rates, objectives with forecasts. */
export function OutcomesPage() {
  const kpis = useApi((a) => hourly((from, to) => a.get<KpiReport>('/v1/kpis', { from, to })), []);
  const slos = useApi((a) => a.get<{ items: Slo[] }>('/v1/slos'), []);
  const objectives = useApi(async (a) => {
    const { items } = await a.get<{ items: Objective[] }>('/v1/objectives');
    // The list has no history; each objective's own answer has its key results' snapshots.
    return Promise.all(
      items.map((o) => a.get<Objective>(`/v1/objectives/${encodeURIComponent(o.id)}`)),
    );
  }, []);
  useLiveReload(['coordination.work.completed', 'coordination.work.created'], kpis.reload, 2000);
  useLiveReload(['performance.', 'monitoring.exception.'], slos.reload, 1000);
  useLiveReload(['performance.'], objectives.reload, 1000);

  const flow = useMemo<ChartSeries[]>(
    () =>
      kpis.data === null
        ? []
        : [
            { label: 'arrived', values: kpis.data.arrived, color: '#3b82f6' },
            { label: 'completed', values: kpis.data.completed, color: '#16a34a' },
          ],
    [kpis.data],
  );
  const ratios = useMemo<ChartSeries[]>(
    () =>
      kpis.data === null
        ? []
        : [
            { label: 'SLA attainment', values: kpis.data.sla, color: '#9333ea' },
            { label: 'autonomy ratio', values: kpis.data.autonomy, color: '#ea580c' },
          ],
    [kpis.data],
  );

  return (
    <section>
      <h1>Outcomes</h1>
      <ErrorNote error={kpis.error ?? slos.error ?? objectives.error} />
      <section aria-labelledby="kpi-h">
        <h2 id="kpi-h">Flow, last 24 hours</h2>
        <div className="charts">
          <figure>
            <figcaption>Items per hour</figcaption>
            {kpis.data !== null && (
              <TimeChart
                title="Items arrived and completed per hour"
                times={kpis.data.times}
                series={flow}
              />
            )}
          </figure>
          <figure>
            <figcaption>SLA attainment and autonomy ratio per hour</figcaption>
            {kpis.data !== null && (
              <TimeChart
                title="SLA attainment and autonomy ratio per hour"
                times={kpis.data.times}
                series={ratios}
                yRange={[0, 1]}
              />
            )}
          </figure>
        </div>
      </section>

      <section aria-labelledby="slo-h">
        <h2 id="slo-h">SLOs</h2>
        {slos.data?.items.length === 0 && <p>No SLOs configured.</p>}
        <div className="cards-grid">
          {slos.data?.items.map((slo) => (
            <article key={slo.name} className="tile" data-testid={`slo-${slo.name}`}>
              <h3>
                {slo.name} <Badge value={slo.status} />
              </h3>
              <p className="muted">
                {slo.service}
                {slo.reason !== undefined && ` · ${slo.reason}`}
              </p>
              {slo.objectives.map((o) => (
                <div key={o.name}>
                  <p>
                    Target {percent(o.target, 2)}, SLI {percent(o.sli, 2)}; error budget left{' '}
                    {percent(o.errorBudget.remaining)}
                  </p>
                  <label className="field">
                    Error budget remaining
                    <meter
                      min={0}
                      max={1}
                      low={0.25}
                      optimum={1}
                      value={Math.max(0, o.errorBudget.remaining ?? 0)}
                    />
                  </label>
                  <TimeChart
                    title={`Burn rate by window for ${slo.name}`}
                    times={WINDOWS.map(([, s]) => s)}
                    xTick={windowName}
                    series={[
                      {
                        label: 'burn rate',
                        values: WINDOWS.map(([name]) => o.burnRates[name] ?? null),
                        color: '#dc2626',
                      },
                      {
                        label: 'page (14.4x)',
                        values: WINDOWS.map(() => 14.4),
                        color: '#f59e0b',
                        dash: [4, 4],
                      },
                      {
                        label: 'ticket (1x)',
                        values: WINDOWS.map(() => 1),
                        color: '#64748b',
                        dash: [4, 4],
                      },
                    ]}
                    height={140}
                  />
                  <p>
                    Alerts:{' '}
                    {o.alerts
                      .filter((a) => a.firing)
                      .map((a) => `${a.severity} (${a.window})`)
                      .join(', ') || 'none firing'}
                  </p>
                </div>
              ))}
            </article>
          ))}
        </div>
      </section>

      <section aria-labelledby="okr-h">
        <h2 id="okr-h">Objectives and key results</h2>
        {objectives.data?.length === 0 && <p>No objectives configured.</p>}
        {objectives.data?.map((objective) => (
          <article key={objective.id} className="tile">
            <h3>
              {objective.name} <Badge value={objective.status} />
            </h3>
            {objective.owner !== null && <p className="muted">owner {objective.owner}</p>}
            {objective.keyResults.map((kr) => (
              <div key={kr.id} className="key-result">
                <h4>
                  {kr.name} <Badge value={kr.evaluation.status} />
                </h4>
                <label className="field">
                  Progress {percent(kr.evaluation.progress)} (expected by now{' '}
                  {percent(kr.evaluation.expectedProgress)})
                  <progress max={1} value={Math.min(1, Math.max(0, kr.evaluation.progress ?? 0))} />
                </label>
                <p>
                  {num(kr.evaluation.value)} of {num(kr.target)} (from {num(kr.start)}); forecast at{' '}
                  {dateTime(kr.periodEnd)}: {num(kr.evaluation.forecast)} (
                  {percent(kr.evaluation.forecastProgress)}).{' '}
                  <span className="muted">{kr.evaluation.reason}</span>
                </p>
                {(kr.history?.length ?? 0) > 1 && (
                  <TimeChart
                    title={`${kr.name}: value and forecast over the period`}
                    times={(kr.history ?? []).map((h) => Date.parse(h.at) / 1000)}
                    series={[
                      {
                        label: 'value',
                        values: (kr.history ?? []).map((h) => h.value),
                        color: '#2563eb',
                      },
                      {
                        label: 'forecast',
                        values: (kr.history ?? []).map((h) => h.forecast),
                        color: '#16a34a',
                        dash: [6, 4],
                      },
                      {
                        label: 'target',
                        values: (kr.history ?? []).map(() => kr.target),
                        color: '#64748b',
                        dash: [2, 4],
                      },
                    ]}
                  />
                )}
              </div>
            ))}
          </article>
        ))}
      </section>
    </section>
  );
}
