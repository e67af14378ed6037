import { formatOrgDiff } from '../../core/diff-org-config.js';
import type { ConfigChange } from '../../core/events.js';
import type { OrgModel } from '../../core/org-config.js';
import type { ControlPlane } from '../../runtime/control-plane.js';
import type { CliContext } from './cli-context.js';

export interface ApplyOutcome {
  file: string;
  dryRun: boolean;
  applied: boolean;
  /** The revision now in force: the new one after an apply, the current one otherwise. */
  revision: number;
  organization: string;
  changes: ConfigChange[];
  /** The diff as printed. */
  diff: string[];
}

/**
 * Applies an organization read from `file` (see readOrgFile) in one transaction, or with
 * `dryRun` only compares it with the stored one.
 */
export async function applyOrgFile(
  ctx: CliContext,
  cp: ControlPlane,
  file: string,
  desired: OrgModel,
  options: { dryRun: boolean },
): Promise<ApplyOutcome> {
  const result = await cp.applyConfig(ctx.principal, desired, file, { dryRun: options.dryRun });
  const diff = formatOrgDiff(result.diff);
  return {
    file,
    dryRun: options.dryRun,
    applied: result.applied,
    revision: result.revision,
    organization: desired.name,
    changes: result.diff.changes,
    diff,
  };
}

/** The diff, then one line saying what happened. */
export function describeApplyOutcome(outcome: ApplyOutcome): string[] {
  const n = outcome.diff.length;
  if (n === 0) return [`${outcome.file}: no changes (revision ${outcome.revision})`];
  const changes = `${n} change${n === 1 ? '' : 's'}`;
  const summary = outcome.dryRun
    ? `dry run: ${changes} would be applied over revision ${outcome.revision}; nothing was changed`
    : `applied ${outcome.file}: revision ${outcome.revision} (${changes})`;
  return [...outcome.diff, summary];
}
