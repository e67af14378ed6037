import type { Clock } from '../core/clock.js';
import { notFound } from '../core/errors.js';
import { newEvent } from '../core/events.js';
import type { TokenRole } from '../core/model.js';
import type { KeyResult, Objective } from '../core/objective-config.js';
import type { MetricReader } from '../core/ports/metric-reader.js';
import type { KeyResultSnapshot, KeyResultStatus } from '../core/ports/outcome-store.js';
import type { Store } from '../core/ports/store.js';
import type { Principal } from '../core/principal.js';
import type { SloDefinition } from '../core/slo-config.js';
import type { Reconciled } from '../monitoring/reconcile-signals.js';
import {
  evaluateKeyResult,
  keyResultWindow,
  SNAPSHOT_INTERVAL_SECONDS,
  type KeyResultEvaluation,
} from '../performance/outcomes/evaluate-key-result.js';
import { burnRateSignals, SLO_BURN_RATE_SOURCE } from '../performance/slo/burn-rate-signals.js';
import { evaluateSlo, readSlo, type SloEvaluation } from '../performance/slo/evaluate-slo.js';
import { requireRole } from '../supervision/require-role.js';
import type { EventBus } from './event-bus.js';
import type { MonitoringService } from './monitoring-service.js';

const READERS: readonly TokenRole[] = ['admin', 'operator', 'agent', 'viewer'];

/** An SLO as configured and how it stands now. */
export type SloView = SloEvaluation & { definition: SloDefinition };

export type KeyResultView = KeyResult & {
  evaluation: KeyResultEvaluation;
  /** Its snapshots in the period, oldest first (only for one objective). */
  history?: KeyResultSnapshot[];
};

export interface ObjectiveView extends Omit<Objective, 'keyResults'> {
  /** The worst of its key results that have data; `no_data` when none has. */
  status: KeyResultStatus;
  keyResults: KeyResultView[];
}

const SEVERITY: readonly KeyResultStatus[] = ['on_track', 'at_risk', 'off_track'];

function objectiveStatus(results: readonly KeyResultView[]): KeyResultStatus {
  const known = results.map((r) => r.evaluation.status).filter((s) => s !== 'no_data');
  if (known.length === 0) return 'no_data';
  return known.reduce((worst, s) => (SEVERITY.indexOf(s) > SEVERITY.indexOf(worst) ? s : worst));
}

export interface OutcomeEvaluation {
  slos: SloEvaluation[];
  /** What reconciling the burn-rate exceptions did. */
  burnRate: Reconciled;
  /** Key result snapshots taken by this evaluation. */
  snapshots: KeyResultSnapshot[];
}

/**
 * Outcomes, assembled: SLOs and objectives as applied, measured through a metric reader (the
 * store's rollups, folded up to date). A window without data reads `no_data`: an SLO with no
 * data is never called healthy.
 */
export class OutcomeService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly bus: EventBus,
    private readonly monitoring: MonitoringService,
    private readonly reader: MetricReader,
  ) {}

  private async definitions(): Promise<{ slos: SloDefinition[]; objectives: Objective[] }> {
    const organization = await this.store.read.organization.get();
    return { slos: organization?.slos ?? [], objectives: organization?.objectives ?? [] };
  }

  private async sloView(slo: SloDefinition, now: Date): Promise<SloView> {
    const evaluation = evaluateSlo(slo, await readSlo(this.reader, slo, now));
    return { ...evaluation, definition: slo };
  }

  private async keyResultView(
    objective: Objective,
    kr: KeyResult,
    now: Date,
    withHistory: boolean,
  ): Promise<KeyResultView> {
    const history = await this.store.read.outcomes.listSnapshots(objective.id, kr.id, {
      since: kr.periodStart,
    });
    const window = keyResultWindow(kr, now);
    const value =
      window === null ? null : await this.reader.value(kr.metric, window.from, window.to);
    const evaluation = evaluateKeyResult(kr, value, history, now);
    return { ...kr, evaluation, ...(withHistory ? { history } : {}) };
  }

  private async objectiveView(
    objective: Objective,
    now: Date,
    withHistory: boolean,
  ): Promise<ObjectiveView> {
    const keyResults: KeyResultView[] = [];
    for (const kr of objective.keyResults)
      keyResults.push(await this.keyResultView(objective, kr, now, withHistory));
    return { ...objective, status: objectiveStatus(keyResults), keyResults };
  }

  async listSlos(principal: Principal): Promise<SloView[]> {
    requireRole(principal, READERS, 'read SLOs');
    const now = this.clock.now();
    const { slos } = await this.definitions();
    const views: SloView[] = [];
    for (const slo of slos) views.push(await this.sloView(slo, now));
    return views;
  }

  async getSlo(principal: Principal, name: string): Promise<SloView> {
    requireRole(principal, READERS, 'read SLOs');
    const slo = (await this.definitions()).slos.find((s) => s.name === name);
    if (slo === undefined) throw notFound('slo', name);
    return this.sloView(slo, this.clock.now());
  }

  async listObjectives(principal: Principal): Promise<ObjectiveView[]> {
    requireRole(principal, READERS, 'read objectives');
    const now = this.clock.now();
    const views: ObjectiveView[] = [];
    for (const objective of (await this.definitions()).objectives)
      views.push(await this.objectiveView(objective, now, false));
    return views;
  }

  async getObjective(principal: Principal, id: string): Promise<ObjectiveView> {
    requireRole(principal, READERS, 'read objectives');
    const objective = (await this.definitions()).objectives.find((o) => o.id === id);
    if (objective === undefined) throw notFound('objective', id);
    return this.objectiveView(objective, this.clock.now(), true);
  }

  /**
   * The timer's work: every SLO's burn-rate alerts raised or resolved as monitoring exceptions
   * (source `slo:burn_rate`), and a snapshot of every key result with data whose last one is
   * an hour old or more, with an event when its status moved. Metrics are read before the
   * transaction, so reading holds up no writer.
   */
  async evaluate(): Promise<OutcomeEvaluation> {
    const reader = this.reader;
    const now = this.clock.now();
    const { slos, objectives } = await this.definitions();
    const evaluations: SloEvaluation[] = [];
    for (const slo of slos) evaluations.push(evaluateSlo(slo, await readSlo(reader, slo, now)));
    const burnRate = await this.monitoring.reconcile(
      SLO_BURN_RATE_SOURCE,
      evaluations.flatMap(burnRateSignals),
    );

    const due: { snapshot: KeyResultSnapshot; previous: KeyResultSnapshot | null }[] = [];
    for (const objective of objectives)
      for (const kr of objective.keyResults) {
        const previous = await this.store.read.outcomes.latestSnapshot(objective.id, kr.id);
        if (
          previous !== null &&
          now.getTime() - Date.parse(previous.at) < SNAPSHOT_INTERVAL_SECONDS * 1000
        )
          continue;
        const view = await this.keyResultView(objective, kr, now, false);
        const e = view.evaluation;
        if (e.value === null || e.progress === null) continue;
        due.push({
          previous,
          snapshot: {
            objectiveId: objective.id,
            keyResultId: kr.id,
            at: now.toISOString(),
            value: e.value,
            progress: e.progress,
            forecast: e.forecast,
            status: e.status,
          },
        });
      }
    if (due.length > 0) {
      const { events } = await this.store.transaction(async (tx) => {
        for (const { snapshot, previous } of due) {
          await tx.outcomes.recordSnapshot(snapshot);
          if (previous?.status === snapshot.status) continue;
          tx.events.append(
            newEvent(
              'performance.key_result.status_changed',
              'system',
              `${snapshot.objectiveId}/${snapshot.keyResultId}`,
              {
                objectiveId: snapshot.objectiveId,
                keyResultId: snapshot.keyResultId,
                from: previous?.status ?? null,
                to: snapshot.status,
                value: snapshot.value,
                progress: snapshot.progress,
                forecast: snapshot.forecast,
              },
            ),
          );
        }
      });
      this.bus.publish(events);
    }
    return { slos: evaluations, burnRate, snapshots: due.map((d) => d.snapshot) };
  }
}
