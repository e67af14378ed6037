import type { EventMap, StoredEvent, TrustKey } from '../core/events.js';
import { WORK_CLASS } from '../core/authority-config.js';
import { matchesLabels, parseMatcher, type Matcher } from '../core/label-matcher.js';
import type { TrustStateRow, TrustStore } from '../core/ports/trust-store.js';
import type { TrustConfig, TrustCounts, TrustMark, TrustRecord } from '../core/trust.js';
import { addToRecord, emptyRecord, trustKeyOf } from './trust-record.js';

/** What the fold remembers of an actor: agents earn trust; people undo agents' work. */
interface ActorFacts {
  kind: string;
  domains: string[];
}

/** The agent that last finished work on an item (a stage or the whole), and where. */
interface ItemFacts {
  agentId: string;
  domainId: string;
}

/**
 * Folds events into trust records, in sequence order:
 * - an agent's completed work (or stage) is an attempt and a success in class `work` of the
 *   work type's domain; a failure is an attempt;
 * - a person cancelling an item an agent had finished a stage of is a reversal of that agent;
 *   so is an explicit `supervision.trust.reversal_recorded`;
 * - `supervision.trust.incident_recorded` is an incident; so is an exception opened with labels
 *   the trust rules select (`incidents.fromExceptions`) and an `actor` label naming an agent
 *   (in its `domain` label's domain, else the agent's first; class `class` label, else `work`).
 * Records, actors, types and items are read from the store as first needed and kept for the
 * batch; `changed` and `dirtyStates` say what to write back.
 */
export class TrustFold {
  readonly #records = new Map<string, TrustRecord | null>();
  readonly #changed = new Set<string>();
  readonly #states = new Map<string, Map<string, string | null>>();
  readonly #dirty = new Map<string, TrustStateRow>();
  readonly #matchers: Matcher[];
  /** Incidents from exceptions, for the circuit breaker (explicit ones demoted when recorded). */
  readonly exceptionIncidents: { key: TrustKey; reason: string }[] = [];

  constructor(
    private readonly store: Pick<TrustStore, 'records' | 'states'>,
    private readonly config: TrustConfig,
  ) {
    this.#matchers = config.incidents.fromExceptions.flatMap((text) => {
      const parsed = parseMatcher(text);
      return parsed.ok ? [parsed.value] : [];
    });
  }

  /** The records changed by the batch. */
  changedRecords(): TrustRecord[] {
    return [...this.#changed].flatMap((k) => {
      const record = this.#records.get(k);
      return record === undefined || record === null ? [] : [record];
    });
  }

  dirtyStates(): TrustStateRow[] {
    return [...this.#dirty.values()];
  }

  async #state<T>(kind: string, id: string): Promise<T | null> {
    let byId = this.#states.get(kind);
    if (byId === undefined) this.#states.set(kind, (byId = new Map<string, string | null>()));
    if (!byId.has(id)) {
      const [row] = await this.store.states(kind, [id]);
      byId.set(id, row?.state ?? null);
    }
    const text = byId.get(id);
    return text === null || text === undefined ? null : (JSON.parse(text) as T);
  }

  #putState(kind: string, id: string, state: unknown): void {
    const text = JSON.stringify(state);
    let byId = this.#states.get(kind);
    if (byId === undefined) this.#states.set(kind, (byId = new Map<string, string | null>()));
    byId.set(id, text);
    this.#dirty.set(`${kind}\u0000${id}`, { kind, id, state: text });
  }

  async #isAgent(actorId: string): Promise<boolean> {
    return (await this.#state<ActorFacts>('actor', actorId))?.kind === 'agent';
  }

  /** Anyone acting who is not an agent and not the engine: a person, a CLI user, a token. */
  async #isPerson(name: string): Promise<boolean> {
    return name !== 'system' && !(await this.#isAgent(name));
  }

  async #add(
    key: TrustKey,
    at: string,
    add: Partial<TrustCounts>,
    mark?: TrustMark,
  ): Promise<void> {
    const k = trustKeyOf(key);
    if (!this.#records.has(k)) {
      const [stored] = await this.store.records(key);
      this.#records.set(k, stored ?? null);
    }
    const record = this.#records.get(k) ?? emptyRecord(key, at);
    this.#records.set(k, addToRecord(record, at, add, this.config.halfLifeSeconds, mark));
    this.#changed.add(k);
  }

  async #workKey(actorId: string, typeId: string): Promise<TrustKey | null> {
    if (!(await this.#isAgent(actorId))) return null;
    const domainId = await this.#state<string>('type', typeId);
    return domainId === null ? null : { actorId, domainId, class: WORK_CLASS };
  }

  async fold(event: StoredEvent): Promise<void> {
    const at = event.time;
    const subject = event.subject ?? '';
    switch (event.type) {
      case 'core.actor.upserted': {
        const p = event.payload as EventMap['core.actor.upserted'];
        this.#putState('actor', subject, { kind: p.kind, domains: p.domains });
        return;
      }
      case 'core.work_type.upserted': {
        const p = event.payload as EventMap['core.work_type.upserted'];
        this.#putState('type', subject, p.domainId);
        return;
      }
      case 'coordination.work.completed':
      case 'coordination.work.failed': {
        const p = event.payload as EventMap['coordination.work.completed'];
        const key = await this.#workKey(p.attempt.actorId, p.attempt.typeId);
        if (key === null) return;
        const success = event.type === 'coordination.work.completed';
        await this.#add(key, at, { attempts: 1, successes: success ? 1 : 0 });
        if (success)
          this.#putState('item', subject, { agentId: key.actorId, domainId: key.domainId });
        return;
      }
      case 'coordination.work.stage_completed': {
        const p = event.payload as EventMap['coordination.work.stage_completed'];
        const item = await this.#state<{ typeId: string }>('item-type', subject);
        const key = item === null ? null : await this.#workKey(p.completedBy, item.typeId);
        if (key === null) return;
        await this.#add(key, at, { attempts: 1, successes: 1 });
        this.#putState('item', subject, { agentId: key.actorId, domainId: key.domainId });
        return;
      }
      case 'coordination.work.created': {
        // Stage completions name no work type: remember it from the item's creation.
        const p = event.payload as EventMap['coordination.work.created'];
        if (p.stageId !== undefined) this.#putState('item-type', subject, { typeId: p.typeId });
        return;
      }
      case 'coordination.work.cancelled': {
        const item = await this.#state<ItemFacts>('item', subject);
        if (item === null || !(await this.#isPerson(event.actor))) return;
        const p = event.payload as EventMap['coordination.work.cancelled'];
        const reason = `${event.actor} cancelled the item${p.reason === undefined ? '' : `: ${p.reason}`}`;
        await this.#add(
          { actorId: item.agentId, domainId: item.domainId, class: WORK_CLASS },
          at,
          { reversals: 1 },
          { kind: 'reversal', at, reason, ref: subject, by: event.actor },
        );
        return;
      }
      case 'supervision.trust.reversal_recorded': {
        const p = event.payload as EventMap['supervision.trust.reversal_recorded'];
        await this.#add(
          p,
          at,
          { reversals: 1 },
          {
            kind: 'reversal',
            at,
            reason: p.reason,
            ref: p.workItemId,
            by: event.actor,
          },
        );
        return;
      }
      case 'supervision.trust.incident_recorded': {
        const p = event.payload as EventMap['supervision.trust.incident_recorded'];
        await this.#add(
          p,
          at,
          { incidents: 1 },
          {
            kind: 'incident',
            at,
            reason: p.reason,
            ref: p.ref,
            by: event.actor,
          },
        );
        return;
      }
      case 'monitoring.exception.opened': {
        if (this.#matchers.length === 0) return;
        const p = event.payload as EventMap['monitoring.exception.opened'];
        const actorId = p.labels.actor;
        if (actorId === undefined || !matchesLabels(this.#matchers, p.labels)) return;
        const actor = await this.#state<ActorFacts>('actor', actorId);
        const domainId = p.labels.domain ?? actor?.domains[0];
        if (actor?.kind !== 'agent' || domainId === undefined) return;
        const key = { actorId, domainId, class: p.labels.class ?? WORK_CLASS };
        await this.#add(
          key,
          at,
          { incidents: 1 },
          {
            kind: 'incident',
            at,
            reason: p.summary,
            ref: subject,
            by: event.actor,
          },
        );
        this.exceptionIncidents.push({ key, reason: p.summary });
        return;
      }
      case 'supervision.action.performed': {
        // A custom action the policies let an agent take (alone or approved) and it took: an
        // attempt and a success in its class; a reversal or an incident reported later undoes it.
        const p = event.payload as EventMap['supervision.action.performed'];
        if (!(await this.#isAgent(p.actorId))) return;
        await this.#add({ actorId: p.actorId, domainId: p.domainId, class: p.class }, at, {
          attempts: 1,
          successes: 1,
        });
        return;
      }
      default:
        return;
    }
  }
}
