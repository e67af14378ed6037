import { DomainError } from './errors.js';
import type { Actor, WorkStage } from './model.js';
import { diffOrgConfig, type OrgDiff } from './diff-org-config.js';
import type { ConfigChange } from './events.js';
import type { OrgModel } from './org-config.js';
import type { ReadStores, TxStores } from './ports/store.js';
import type { Clock } from './clock.js';

/**
 * Whether a work type's stages may change from `before` to `after` while items are open: every
 * open item's stage must still exist at the same place, so its next stage stays what it was or
 * is a newly appended one. Stages may be appended and edited in place (name, skills, duration);
 * removing, renaming or reordering them, or adding stages to a type without (or the reverse),
 * would leave open items at a stage the type no longer has.
 */
function stagesKeepOpenItemsValid(
  before: readonly WorkStage[],
  after: readonly WorkStage[],
): boolean {
  if ((before.length === 0) !== (after.length === 0)) return false;
  return before.every((stage, index) => after[index]?.id === stage.id);
}

/** The organization as stored now, in the same form a config file parses into. */
export async function loadOrgModel(
  stores: Pick<ReadStores, 'domains' | 'actors' | 'workTypes' | 'organization'>,
): Promise<OrgModel | null> {
  const organization = await stores.organization.get();
  if (organization === null) return null;
  const actors = await stores.actors.list();
  return {
    name: organization.name,
    description: organization.description,
    domains: await stores.domains.list(),
    actors: actors.map(({ status: _s, lastHeartbeatAt: _h, ...configured }) => configured),
    workTypes: await stores.workTypes.list(),
    ...(organization.routing === undefined ? {} : { routing: organization.routing }),
    ...(organization.slos === undefined ? {} : { slos: organization.slos }),
    ...(organization.objectives === undefined ? {} : { objectives: organization.objectives }),
    ...(organization.authority === undefined ? {} : { authority: organization.authority }),
    ...(organization.budgets === undefined ? {} : { budgets: organization.budgets }),
  };
}

/** The event of one SLO or objective added, changed or removed: the whole new definition. */
function appendOutcomeEvent(
  tx: TxStores,
  appliedBy: string,
  desired: OrgModel,
  change: ConfigChange,
): void {
  if (change.kind === 'slo') {
    const slo = desired.slos?.find((s) => s.name === change.id);
    if (change.change === 'removed' || slo === undefined)
      tx.events.append({
        type: 'core.slo.removed',
        actor: appliedBy,
        subject: change.id,
        payload: {},
      });
    else
      tx.events.append({
        type: 'core.slo.upserted',
        actor: appliedBy,
        subject: slo.name,
        payload: slo,
      });
    return;
  }
  const objective = desired.objectives?.find((o) => o.id === change.id);
  if (change.change === 'removed' || objective === undefined)
    tx.events.append({
      type: 'core.objective.removed',
      actor: appliedBy,
      subject: change.id,
      payload: {},
    });
  else {
    const { id, ...rest } = objective;
    tx.events.append({
      type: 'core.objective.upserted',
      actor: appliedBy,
      subject: id,
      payload: rest,
    });
  }
}

export interface ApplyResult {
  diff: OrgDiff;
  revision: number;
  applied: boolean;
}

/**
 * Applies a whole organization in one transaction: every added, changed or removed entry is an
 * event, followed by one `core.config.applied` naming who applied what. Removing an actor who
 * holds or is offered work or has live tokens, or a work type with open items, is refused and
 * nothing changes; so is a change of a work type's stages that would strand its open items (see
 * stagesKeepOpenItemsValid). A dry run meets the same refusals. Applying the same
 * file twice changes nothing and records nothing.
 */
export async function applyOrgConfig(
  tx: TxStores,
  clock: Clock,
  appliedBy: string,
  desired: OrgModel,
  source: string,
  options: { dryRun?: boolean } = {},
): Promise<ApplyResult> {
  const current = await loadOrgModel(tx);
  const diff = diffOrgConfig(current, desired);
  const organization = await tx.organization.get();
  if (diff.changes.length === 0) {
    return { diff, revision: organization?.revision ?? 0, applied: false };
  }
  for (const change of diff.changes.filter((c) => c.change === 'removed')) {
    if (
      change.kind === 'actor' &&
      (await tx.work.countHeldBy(change.id)) + (await tx.work.countOfferedTo(change.id)) > 0
    ) {
      throw new DomainError(
        'invalid_config',
        `actor '${change.id}' cannot be removed: it holds or is offered work items`,
        {
          issues: [
            {
              path: 'actors',
              message: `'${change.id}' still holds or is offered work; release or reassign it first`,
            },
          ],
        },
      );
    }
    if (
      change.kind === 'actor' &&
      (await tx.tokens.list()).some((t) => t.actorId === change.id && t.revokedAt === null)
    ) {
      throw new DomainError(
        'invalid_config',
        `actor '${change.id}' cannot be removed: live API tokens act as it`,
        {
          issues: [
            { path: 'actors', message: `'${change.id}' has live tokens; revoke them first` },
          ],
        },
      );
    }
    if (change.kind === 'workType' && (await tx.work.countOpenOfType(change.id)) > 0) {
      throw new DomainError(
        'invalid_config',
        `work type '${change.id}' cannot be removed: it has open work items`,
        {
          issues: [{ path: 'workTypes', message: `'${change.id}' still has open work` }],
        },
      );
    }
  }
  for (const change of diff.changes) {
    if (change.kind !== 'workType' || change.change !== 'changed') continue;
    if (!(change.fields ?? []).includes('stages')) continue;
    const before = current?.workTypes.find((t) => t.id === change.id)?.stages ?? [];
    const after = desired.workTypes.find((t) => t.id === change.id)?.stages ?? [];
    if (stagesKeepOpenItemsValid(before, after)) continue;
    if ((await tx.work.countOpenOfType(change.id)) > 0) {
      const index = desired.workTypes.findIndex((t) => t.id === change.id);
      throw new DomainError(
        'invalid_config',
        `the stages of work type '${change.id}' cannot change this way while it has open work items`,
        {
          issues: [
            {
              path: `workTypes.${index}.stages`,
              message: `'${change.id}' has open work: stages may only be appended or edited in place (same ids, same order); finish or cancel its open items first`,
            },
          ],
        },
      );
    }
  }
  // A dry run stops here: it has seen every refusal a real apply would meet, and writes nothing.
  if (options.dryRun === true)
    return { diff, revision: organization?.revision ?? 0, applied: false };
  const byId = <T extends { id: string }>(list: readonly T[], id: string) =>
    list.find((e) => e.id === id) as T;
  for (const change of diff.changes) {
    // The organization record itself is written once below, with the revision, routing, SLOs,
    // objectives, authority and budgets.
    if (
      change.kind === 'organization' ||
      change.kind === 'routing' ||
      change.kind === 'action' ||
      change.kind === 'policy' ||
      change.kind === 'trust' ||
      change.kind === 'budget'
    )
      continue;
    if (change.kind === 'slo' || change.kind === 'objective') {
      appendOutcomeEvent(tx, appliedBy, desired, change);
      continue;
    }
    if (change.change === 'removed') {
      if (change.kind === 'domain') await tx.domains.remove(change.id);
      if (change.kind === 'actor') await tx.actors.remove(change.id);
      if (change.kind === 'workType') await tx.workTypes.remove(change.id);
      const type = (
        {
          domain: 'core.domain.removed',
          actor: 'core.actor.removed',
          workType: 'core.work_type.removed',
        } as const
      )[change.kind];
      tx.events.append({ type, actor: appliedBy, subject: change.id, payload: {} });
      continue;
    }
    if (change.kind === 'domain') {
      const d = byId(desired.domains, change.id);
      await tx.domains.upsert(d);
      tx.events.append({
        type: 'core.domain.upserted',
        actor: appliedBy,
        subject: d.id,
        payload: {
          name: d.name,
          owners: [...d.owners],
          description: d.description,
          preemption: d.preemption,
        },
      });
    } else if (change.kind === 'actor') {
      const a = byId(desired.actors, change.id);
      const actor: Actor = { ...a, status: 'available', lastHeartbeatAt: null };
      await tx.actors.upsert(actor);
      tx.events.append({
        type: 'core.actor.upserted',
        actor: appliedBy,
        subject: a.id,
        payload: {
          kind: a.kind,
          name: a.name,
          domains: [...a.domains],
          skills: { ...a.skills },
          capacity: a.capacity,
          mode: a.mode,
          costPerHour: a.costPerHour,
        },
      });
    } else {
      const t = byId(desired.workTypes, change.id);
      await tx.workTypes.upsert(t);
      tx.events.append({
        type: 'core.work_type.upserted',
        actor: appliedBy,
        subject: t.id,
        payload: {
          domainId: t.domainId,
          name: t.name,
          requiredSkills: { ...t.requiredSkills },
          expectedDurationSeconds: t.expectedDurationSeconds,
          slaSeconds: t.slaSeconds,
          maxAttempts: t.maxAttempts,
          stages: t.stages.map((stage) => ({
            ...stage,
            requiredSkills: { ...stage.requiredSkills },
          })),
        },
      });
    }
  }
  if (diff.changes.some((c) => c.kind === 'routing'))
    tx.events.append({
      type: 'core.routing.updated',
      actor: appliedBy,
      subject: null,
      payload: desired.routing ?? {},
    });
  if (diff.changes.some((c) => c.kind === 'action' || c.kind === 'policy' || c.kind === 'trust'))
    tx.events.append({
      type: 'core.authority.updated',
      actor: appliedBy,
      subject: null,
      payload: desired.authority ?? { actions: [], policies: [] },
    });
  if (diff.changes.some((c) => c.kind === 'budget'))
    tx.events.append({
      type: 'core.budgets.updated',
      actor: appliedBy,
      subject: null,
      payload: { budgets: desired.budgets ?? [] },
    });
  const revision = (organization?.revision ?? 0) + 1;
  await tx.organization.set({
    name: desired.name,
    description: desired.description,
    revision,
    appliedAt: clock.now().toISOString(),
    appliedBy,
    ...(desired.routing === undefined ? {} : { routing: desired.routing }),
    ...(desired.slos === undefined ? {} : { slos: desired.slos }),
    ...(desired.objectives === undefined ? {} : { objectives: desired.objectives }),
    ...(desired.authority === undefined ? {} : { authority: desired.authority }),
    ...(desired.budgets === undefined ? {} : { budgets: desired.budgets }),
  });
  tx.events.append({
    type: 'core.config.applied',
    actor: appliedBy,
    subject: null,
    payload: { changes: diff.changes, source, revision, name: desired.name },
  });
  return { diff, revision, applied: true };
}
