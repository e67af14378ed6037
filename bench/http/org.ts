/**
 * The HTTP benchmark's organization: the example organization (examples/org.yaml: 4 domains,
 * 10 humans, 10 agents, 11 work types) with these changes, so that every agent competes for every
 * item, as every agent of the competitor's run could check out every issue:
 *
 * - every agent also has level 3 in the skills of the work types the benchmark creates (the
 *   example's agents are specialists; some could take none of them);
 * - every actor pulls: the example's one push actor would be offered items by the server's
 *   coordination timer, and an offered item waits for its answer instead of being claimable;
 * - no authority policies: the example's keep agents to their own domains, and this benchmark
 *   measures coordination (`npm run bench -- authority` measures the decisions);
 * - no budgets: the example's rate limits would refuse the benchmark's agents as designed.
 */
import { fileURLToPath } from 'node:url';
import type { SkillLevel } from '../../src/core/model.js';
import type { OrgModel } from '../../src/core/org-config.js';
import { readOrgFile } from '../../src/interfaces/cli/read-org-file.js';
import { pickFromMix, seededRandom } from '../support/seeded-random.js';

export const EXAMPLE_ORG_FILE = fileURLToPath(new URL('../../examples/org.yaml', import.meta.url));

/** The work types items are created of, with their share of the items. */
export const WORK_MIX: readonly (readonly [string, number])[] = [
  ['ticket-triage', 0.35],
  ['support-reply', 0.25],
  ['lead-enrichment', 0.2],
  ['refund-request', 0.1],
  ['ci-failure', 0.1],
];

export interface BenchOrganization {
  model: OrgModel;
  /** The ten agents, in the file's order. */
  agentIds: string[];
}

export async function benchOrganization(): Promise<BenchOrganization> {
  const {
    authority: _policies,
    budgets: _budgets,
    ...example
  } = await readOrgFile(EXAMPLE_ORG_FILE);
  const types = new Map(example.workTypes.map((t) => [t.id, t]));
  const needed: Record<string, SkillLevel> = {};
  for (const [typeId] of WORK_MIX) {
    const type = types.get(typeId);
    if (type === undefined) throw new Error(`${EXAMPLE_ORG_FILE} has no work type '${typeId}'`);
    for (const [skill, level] of Object.entries(type.requiredSkills))
      needed[skill] = Math.max(needed[skill] ?? 1, level, 3) as SkillLevel;
  }
  const model: OrgModel = {
    ...example,
    actors: example.actors.map((actor) => {
      if (actor.kind !== 'agent') return { ...actor, mode: 'pull' };
      const skills: Record<string, SkillLevel> = { ...actor.skills };
      for (const [skill, level] of Object.entries(needed))
        skills[skill] = Math.max(skills[skill] ?? 1, level) as SkillLevel;
      return { ...actor, skills, mode: 'pull' };
    }),
  };
  const agentIds = model.actors.filter((a) => a.kind === 'agent').map((a) => a.id);
  if (agentIds.length !== 10)
    throw new Error(`${EXAMPLE_ORG_FILE} has ${agentIds.length} agents; the benchmark needs 10`);
  return { model, agentIds };
}

const CLASSES = [
  ['critical', 0.02],
  ['high', 0.13],
  ['normal', 0.75],
  ['low', 0.1],
] as const;

/** The body of `POST /v1/work` for the n-th item: a realistic mix of types, classes and values. */
export class WorkBodies {
  private readonly random: () => number;

  constructor(seed = 1) {
    this.random = seededRandom(seed);
  }

  next(n: number): Record<string, unknown> {
    const typeId = pickFromMix(WORK_MIX, this.random());
    const priorityClass = pickFromMix(CLASSES, this.random());
    const value = this.random() < 0.5 ? 1 : Math.round(Math.exp(this.random() * 7) * 100) / 100;
    return {
      typeId,
      title: `${typeId} #${n}`,
      priorityClass,
      value,
      payload: {
        customer: `c-${Math.floor(this.random() * 100_000)}`,
        channel: this.random() < 0.6 ? 'email' : 'chat',
        text: 'The export to CSV stops after 10,000 rows; we need the full list for the audit.',
      },
    };
  }
}
