import { useState } from 'react';
import type {
  Actor,
  ActorDetail,
  Halt,
  Page,
  Pause,
  Redirect,
  TrustEntry,
  TrustPromotion,
} from '../api/types';
import { Badge, ErrorNote } from '../components/badge';
import { ConfirmDialog } from '../components/confirm-dialog';
import { timeAgo } from '../format';
import { describeScope, haltOf } from '../halts';
import { useApi, useLiveReload } from '../hooks';
import { useSession } from '../session';
import { AgentCard } from './agent-card';

type Pending = { kind: 'halt'; actor: Actor } | { kind: 'lift'; actor: Actor; halt: Halt };

/**
 * Every human and agent: skills, load, status, halts; halt and resume agents. Then each agent's
 * supervision: trust per domain and action class with its evidence, promotions waiting for a
 * person, pauses of a class and redirects of its work.
 */
export function AgentsPage() {
  const { api, canOperate } = useSession();
  const actors = useApi(async (a) => {
    const { items } = await a.get<{ items: Actor[] }>('/v1/actors');
    // The list has no load; each actor's detail counts what it holds.
    return Promise.all(
      items.map((actor) => a.get<ActorDetail>(`/v1/actors/${encodeURIComponent(actor.id)}`)),
    );
  }, []);
  const halts = useApi((a) => a.get<Page<Halt>>('/v1/halts', { active: 'true' }), []);
  const trust = useApi((a) => a.get<{ items: TrustEntry[] }>('/v1/trust'), []);
  const promotions = useApi(
    (a) => a.get<{ items: TrustPromotion[] }>('/v1/trust/promotions', { state: 'pending' }),
    [],
  );
  const pauses = useApi((a) => a.get<Page<Pause>>('/v1/pauses', { active: 'true' }), []);
  const redirects = useApi((a) => a.get<Page<Redirect>>('/v1/redirects', { active: 'true' }), []);
  const [pending, setPending] = useState<Pending | null>(null);
  useLiveReload(['supervision.halt.'], halts.reload);
  useLiveReload(['supervision.pause.'], pauses.reload);
  useLiveReload(['supervision.redirect.'], redirects.reload);
  useLiveReload(['supervision.trust.', 'core.config.'], promotions.reload);
  // The records grow with every attempt an agent ends: one read per burst is enough.
  useLiveReload(
    [
      'supervision.trust.',
      'coordination.work.completed',
      'coordination.work.failed',
      'coordination.work.cancelled',
      'core.config.',
    ],
    trust.reload,
    1000,
  );
  useLiveReload(
    [
      'coordination.actor.',
      'coordination.work.assigned',
      'coordination.work.completed',
      'coordination.work.released',
      'coordination.work.failed',
      'coordination.work.stage_completed',
      'coordination.work.cancelled',
      'coordination.work.paused',
      'coordination.work.preempted',
      'core.config.',
    ],
    actors.reload,
    500,
  );
  const active = halts.data?.items ?? [];
  const entries = trust.data?.items ?? [];
  // The organization's action classes: `work` and its custom actions' (every agent has each).
  const classes = [...new Set(['work', ...entries.map((e) => e.class)])];
  const agents = (actors.data ?? []).filter((a) => a.kind === 'agent');
  const changed = () => {
    pauses.reload();
    redirects.reload();
    trust.reload();
    promotions.reload();
    actors.reload();
  };

  return (
    <section>
      <h1>Agents and people</h1>
      <ErrorNote
        error={
          actors.error ??
          halts.error ??
          trust.error ??
          promotions.error ??
          pauses.error ??
          redirects.error
        }
      />
      {pending?.kind === 'halt' && (
        <ConfirmDialog
          title={`Halt ${pending.actor.name}`}
          message="From its next request it may only read: it gets no work, and what it holds or is offered goes back to the queue."
          confirmLabel="Halt"
          danger
          reason
          onConfirm={async (reason) => {
            await api.post('/v1/halts', { scope: { kind: 'actor', id: pending.actor.id }, reason });
            halts.reload();
            actors.reload();
          }}
          onClose={() => setPending(null)}
        />
      )}
      {pending?.kind === 'lift' && (
        <ConfirmDialog
          title={`Resume ${pending.actor.name}`}
          message={`Lifts the halt of ${describeScope(pending.halt)}: they take work again from their next request.`}
          confirmLabel="Resume"
          reason
          onConfirm={async (reason) => {
            await api.post(`/v1/halts/${encodeURIComponent(pending.halt.id)}/lift`, { reason });
            halts.reload();
          }}
          onClose={() => setPending(null)}
        />
      )}
      <div className="table-wrap">
        <table className="actors">
          <caption className="visually-hidden">Humans and agents</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Kind</th>
              <th scope="col">Status</th>
              <th scope="col">Load</th>
              <th scope="col">Skills</th>
              <th scope="col">Domains</th>
              <th scope="col">Halt</th>
              {canOperate && <th scope="col">Actions</th>}
            </tr>
          </thead>
          <tbody>
            {actors.data?.map((actor) => {
              const halt = haltOf(actor, active);
              return (
                <tr key={actor.id} data-testid={`actor-${actor.id}`}>
                  <th scope="row">
                    {actor.name} <span className="muted">{actor.id}</span>
                  </th>
                  <td>
                    {actor.kind} · {actor.mode}
                  </td>
                  <td>
                    <Badge value={actor.status} />{' '}
                    <span className="muted">
                      {actor.lastHeartbeatAt !== null && `beat ${timeAgo(actor.lastHeartbeatAt)}`}
                    </span>
                  </td>
                  <td>
                    <meter
                      min={0}
                      max={actor.capacity}
                      value={actor.held}
                      aria-label={`load of ${actor.name}`}
                    />{' '}
                    {actor.held}/{actor.capacity}
                  </td>
                  <td>
                    {Object.entries(actor.skills)
                      .map(([skill, level]) => `${skill} ${level}`)
                      .join(', ')}
                  </td>
                  <td>{actor.domains.join(', ')}</td>
                  <td data-testid={`halt-${actor.id}`}>
                    {halt === null ? (
                      actor.kind === 'agent' ? (
                        'running'
                      ) : (
                        '—'
                      )
                    ) : (
                      <>
                        <Badge value="halted" /> {describeScope(halt)}: {halt.reason}
                      </>
                    )}
                  </td>
                  {canOperate && (
                    <td>
                      {actor.kind === 'agent' &&
                        (halt === null ? (
                          <button
                            type="button"
                            className="danger"
                            aria-label={`Halt ${actor.name}`}
                            onClick={() => setPending({ kind: 'halt', actor })}
                          >
                            Halt
                          </button>
                        ) : (
                          <button
                            type="button"
                            aria-label={`Resume ${actor.name}`}
                            onClick={() => setPending({ kind: 'lift', actor, halt })}
                          >
                            {halt.scope.kind === 'actor'
                              ? 'Resume'
                              : `Lift halt of ${describeScope(halt)}`}
                          </button>
                        ))}
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <h2>Supervision of agents</h2>
      <p className="hint">
        Trust levels per domain and action class, earned from each agent&apos;s record and read by
        the authority policies. The counts fade with time (an event weighs half as much after the
        half-life), so they need not be whole. Pauses and redirects act short of a halt.
      </p>
      {agents.map((agent) => (
        <AgentCard
          key={agent.id}
          agent={agent}
          actors={actors.data ?? []}
          classes={classes}
          trust={entries.filter((e) => e.actorId === agent.id)}
          promotions={(promotions.data?.items ?? []).filter((p) => p.actorId === agent.id)}
          pauses={(pauses.data?.items ?? []).filter((p) => p.actorId === agent.id)}
          redirect={(redirects.data?.items ?? []).find((r) => r.actorId === agent.id) ?? null}
          onChanged={changed}
        />
      ))}
    </section>
  );
}
