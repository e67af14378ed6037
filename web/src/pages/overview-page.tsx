import { useState } from 'react';
import {
  OPEN_STATES,
  type Actor,
  type Approval,
  type ExceptionView,
  type Halt,
  type KpiReport,
  type Objective,
  type Page,
  type Slo,
  type WorkCounts,
} from '../api/types';
import { Badge, ErrorNote } from '../components/badge';
import { ConfirmDialog } from '../components/confirm-dialog';
import { duration, num, percent, stateLabel, timeAgo } from '../format';
import { haltOf } from '../halts';
import { useApi, useLiveReload } from '../hooks';
import { Link } from '../router';
import { useSession } from '../session';

const DAY_MS = 86_400_000;

/** The organization at a glance, and the button that stops every agent. */
export function OverviewPage() {
  const { api, canOperate } = useSession();
  const counts = useApi((a) => a.get<WorkCounts>('/v1/work/counts'), []);
  const kpis = useApi(
    (a) => a.get<KpiReport>('/v1/kpis', { from: new Date(Date.now() - DAY_MS).toISOString() }),
    [],
  );
  const exceptions = useApi(
    (a) => a.get<Page<ExceptionView>>('/v1/exceptions', { active: 'true', limit: 1000 }),
    [],
  );
  const slos = useApi((a) => a.get<{ items: Slo[] }>('/v1/slos'), []);
  const objectives = useApi((a) => a.get<{ items: Objective[] }>('/v1/objectives'), []);
  const halts = useApi((a) => a.get<Page<Halt>>('/v1/halts', { active: 'true' }), []);
  const agents = useApi((a) => a.get<{ items: Actor[] }>('/v1/actors', { kind: 'agent' }), []);
  const approvals = useApi(
    (a) => a.get<Page<Approval>>('/v1/approvals', { state: 'pending', limit: 1000 }),
    [],
  );
  const [stopping, setStopping] = useState<'stop' | Halt | null>(null);

  useLiveReload(['coordination.work.'], counts.reload);
  useLiveReload(['coordination.work.completed', 'coordination.work.created'], kpis.reload, 1000);
  useLiveReload(['monitoring.exception.'], exceptions.reload);
  useLiveReload(['monitoring.exception.', 'performance.'], slos.reload, 1000);
  useLiveReload(['performance.'], objectives.reload, 1000);
  useLiveReload(['supervision.halt.'], halts.reload);
  useLiveReload(['coordination.actor.', 'core.config.'], agents.reload);
  useLiveReload(['supervision.approval.'], approvals.reload);

  const active = halts.data?.items ?? [];
  const stopAll = active.find((h) => h.scope.kind === 'all') ?? null;
  const halted = (agents.data?.items ?? []).filter((a) => haltOf(a, active) !== null);
  const totals = kpis.data?.rows[0]?.values ?? {};
  const open = exceptions.data?.items ?? [];
  const waiting = approvals.data?.items ?? [];

  return (
    <section>
      <div className="page-head">
        <h1>Overview</h1>
        {canOperate &&
          (stopAll === null ? (
            <button type="button" className="danger stop" onClick={() => setStopping('stop')}>
              Stop all agents
            </button>
          ) : (
            <button type="button" onClick={() => setStopping(stopAll)}>
              Restart the line
            </button>
          ))}
      </div>
      {stopAll !== null && (
        <p className="banner" role="status" data-testid="line-stopped">
          Every agent is halted since {timeAgo(stopAll.haltedAt)} by {stopAll.haltedBy}:{' '}
          {stopAll.reason}
        </p>
      )}
      {stopping === 'stop' && (
        <ConfirmDialog
          title="Stop all agents"
          message="Every agent stops taking work from its next request; what they hold goes back to the queue. People keep working. Only a person can restart the line."
          confirmLabel="Stop all agents"
          danger
          reason
          onConfirm={async (reason) => {
            await api.post('/v1/halts', { scope: { kind: 'all' }, reason });
            halts.reload();
          }}
          onClose={() => setStopping(null)}
        />
      )}
      {stopping !== null && stopping !== 'stop' && (
        <ConfirmDialog
          title="Restart the line"
          message="Agents take work again from their next request (halts of single agents or domains stay)."
          confirmLabel="Restart"
          reason
          onConfirm={async (reason) => {
            await api.post(`/v1/halts/${encodeURIComponent(stopping.id)}/lift`, { reason });
            halts.reload();
          }}
          onClose={() => setStopping(null)}
        />
      )}

      <div className="tiles">
        <article className="tile" aria-labelledby="t-work">
          <h2 id="t-work">
            <Link href="/work">Work flowing</Link>
          </h2>
          <ErrorNote error={counts.error} />
          <dl className="figures">
            {OPEN_STATES.map((state) => (
              <div key={state}>
                <dt>{stateLabel(state)}</dt>
                <dd data-testid={`overview-${state}`}>{num(counts.data?.counts[state])}</dd>
              </div>
            ))}
          </dl>
          <p>
            Last 24 h: {num(totals.work_arrived_total)} arrived, {num(totals.work_completed_total)}{' '}
            completed ({num(totals.throughput_per_hour)}/h), lead time p50{' '}
            {duration(totals.lead_time_p50_seconds)}, SLA met {percent(totals.sla_attainment)},
            autonomy ratio {percent(totals.autonomy_ratio)}.
          </p>
        </article>

        <article className="tile" aria-labelledby="t-exc">
          <h2 id="t-exc">
            <Link href="/exceptions">Open exceptions</Link>
          </h2>
          <p className="big" data-testid="open-exceptions">
            {exceptions.data === null ? '…' : open.length}
          </p>
          <ul className="plain">
            {open
              .slice(-5)
              .reverse()
              .map((e) => (
                <li key={e.id}>
                  <Badge value={e.labels.severity ?? 'warning'} /> {e.summary}{' '}
                  <span className="muted">
                    ({e.state}, {timeAgo(e.openedAt)})
                  </span>
                </li>
              ))}
          </ul>
        </article>

        <article className="tile" aria-labelledby="t-approvals">
          <h2 id="t-approvals">
            <Link href="/approvals">Approvals waiting</Link>
          </h2>
          <ErrorNote error={approvals.error} />
          <p className="big" data-testid="pending-approvals">
            {approvals.data === null
              ? '…'
              : `${waiting.length}${approvals.data.nextCursor === null ? '' : '+'}`}
          </p>
          <ul className="plain">
            {waiting.slice(0, 5).map((a) => (
              <li key={a.id}>
                {a.actorId}: <code>{a.action}</code> {a.resource.id}{' '}
                <span className="muted">(asked {timeAgo(a.createdAt)})</span>
              </li>
            ))}
          </ul>
        </article>

        <article className="tile" aria-labelledby="t-out">
          <h2 id="t-out">
            <Link href="/outcomes">Outcomes on track</Link>
          </h2>
          <ul className="plain">
            {slos.data?.items.map((s) => (
              <li key={s.name}>
                SLO {s.name} <Badge value={s.status} />
              </li>
            ))}
            {objectives.data?.items.map((o) => (
              <li key={o.id}>
                {o.name} <Badge value={o.status} />
              </li>
            ))}
            {slos.data?.items.length === 0 && objectives.data?.items.length === 0 && (
              <li>No SLOs or objectives configured.</li>
            )}
          </ul>
        </article>

        <article className="tile" aria-labelledby="t-agents">
          <h2 id="t-agents">
            <Link href="/agents">Agents halted</Link>
          </h2>
          <p className="big" data-testid="halted-agents">
            {agents.data === null ? '…' : `${halted.length} of ${agents.data.items.length}`}
          </p>
          <ul className="plain">
            {halted.slice(0, 8).map((a) => (
              <li key={a.id}>
                {a.name}: {haltOf(a, active)?.reason}
              </li>
            ))}
          </ul>
        </article>
      </div>
    </section>
  );
}
