/**
 * The claim benchmark's organization and backlog: six work types needing different skills,
 * eight agents whose skills cover different subsets of them (one takes every type, one only
 * two), and queued items whose priorities are computed with the product's own `priorityKey`
 * over spread creation and due times, as `createWork` would have stored them.
 */
import type { PriorityClass, WorkType } from '../../src/core/model.js';
import { priorityKey } from '../../src/coordination/prioritize.js';
import { pickFromMix, seededRandom } from '../support/seeded-random.js';

export const ORG_DOCUMENT = {
  apiVersion: 'autonomy/v1',
  kind: 'Organization',
  metadata: { name: 'claim-bench', description: 'claim benchmark organization' },
  domains: [
    { id: 'support', name: 'Support' },
    { id: 'billing', name: 'Billing' },
    { id: 'platform', name: 'Platform' },
    { id: 'content', name: 'Content' },
  ],
  workTypes: [
    {
      id: 'ticket',
      domain: 'support',
      name: 'Support ticket',
      requiredSkills: { support: 2 },
      expectedDuration: '20m',
      sla: '8h',
    },
    {
      id: 'refund',
      domain: 'billing',
      name: 'Refund',
      requiredSkills: { billing: 3, support: 1 },
      expectedDuration: '15m',
      sla: '1d',
    },
    {
      id: 'bugfix',
      domain: 'platform',
      name: 'Bug fix',
      requiredSkills: { engineering: 3 },
      expectedDuration: '4h',
      sla: '5d',
    },
    {
      id: 'doc',
      domain: 'content',
      name: 'Documentation page',
      requiredSkills: { writing: 2 },
      expectedDuration: '2h',
      sla: '7d',
    },
    {
      id: 'report',
      domain: 'content',
      name: 'Data report',
      requiredSkills: { data: 2, writing: 1 },
      expectedDuration: '1h',
      sla: '3d',
    },
    {
      id: 'triage',
      domain: 'support',
      name: 'Triage',
      requiredSkills: {},
      expectedDuration: '5m',
      sla: '2h',
    },
  ],
  actors: [
    // Eligible types in the comments: what each claim probes.
    agent('agent-1', ['support', 'billing'], { support: 3, billing: 3 }, 10_000), // ticket refund triage
    agent('agent-2', ['platform'], { engineering: 4 }, 8_000), // bugfix triage
    agent('agent-3', ['content'], { writing: 3, data: 3 }, 6_000), // doc report triage
    agent('agent-4', ['support', 'content'], { support: 2, writing: 2 }, 10_000), // ticket doc triage
    agent(
      'agent-5',
      ['support', 'billing', 'platform', 'content'],
      { support: 5, billing: 5, engineering: 5, writing: 5, data: 5 },
      10_000,
    ), // all six
    agent('agent-6', ['platform'], { data: 2, engineering: 3 }, 4_000), // bugfix triage
    agent(
      'agent-7',
      ['billing', 'content'],
      { billing: 4, support: 1, data: 2, writing: 1 },
      5_000,
    ), // refund report triage
    agent('agent-8', ['support'], { support: 5 }, 10_000), // ticket triage
  ],
};

function agent(id: string, domains: string[], skills: Record<string, number>, capacity: number) {
  return { id, kind: 'agent', name: id, domains, skills, capacity, mode: 'pull' };
}

export const AGENT_IDS: readonly string[] = ORG_DOCUMENT.actors.map((a) => a.id);

/** Share of the backlog per work type. */
const TYPE_MIX: readonly (readonly [string, number])[] = [
  ['ticket', 0.35],
  ['triage', 0.15],
  ['bugfix', 0.15],
  ['report', 0.15],
  ['refund', 0.1],
  ['doc', 0.1],
];
const CLASS_MIX: readonly (readonly [PriorityClass, number])[] = [
  ['critical', 0.01],
  ['high', 0.09],
  ['normal', 0.8],
  ['low', 0.1],
];
const DAY_MS = 86_400_000;
/** Queued items were created over the last 30 days. */
export const WINDOW_MS = 30 * DAY_MS;

/** One queued row, in the columns the loader writes (the others are constants of a new item). */
export interface BacklogRow {
  id: string;
  typeId: string;
  title: string;
  value: number;
  dueAt: string;
  priorityClass: PriorityClass;
  priority: number;
  createdAt: string;
}

export class BacklogGenerator {
  private readonly random: () => number;
  private readonly types: ReadonlyMap<string, WorkType>;
  private serial = 0;

  constructor(
    types: readonly WorkType[],
    /** The end of the creation window: the time the backlog is loaded. */
    private readonly nowMs: number,
    seed = 1,
  ) {
    this.random = seededRandom(seed);
    this.types = new Map(types.map((t) => [t.id, t]));
    for (const [typeId] of TYPE_MIX) {
      if (!this.types.has(typeId)) throw new Error(`work type '${typeId}' was not applied`);
    }
  }

  /**
   * `count` rows created in ascending order over the window (stratified, so ids ascend as they
   * would have been issued), in chunks of at most `chunk`.
   */
  *ascending(count: number, chunk: number): Generator<BacklogRow[]> {
    const start = this.nowMs - WINDOW_MS;
    const step = WINDOW_MS / count;
    for (let from = 0; from < count; from += chunk) {
      const rows: BacklogRow[] = [];
      for (let i = from; i < Math.min(count, from + chunk); i += 1) {
        rows.push(this.row(Math.floor(start + (i + this.random()) * step)));
      }
      yield rows;
    }
  }

  /** New rows of the given types, created at random times in the window (a refill). */
  refill(typeIds: readonly string[]): BacklogRow[] {
    return typeIds.map((typeId) =>
      this.row(Math.floor(this.nowMs - this.random() * WINDOW_MS), typeId),
    );
  }

  private row(createdMs: number, typeId = pickFromMix(TYPE_MIX, this.random())): BacklogRow {
    const type = this.types.get(typeId);
    if (type === undefined) throw new Error(`unknown work type '${typeId}'`);
    const priorityClass = pickFromMix(CLASS_MIX, this.random());
    // Half the items carry the default value 1; the rest spread over three orders of magnitude.
    const value = this.random() < 0.5 ? 1 : Math.round(Math.exp(this.random() * 7) * 100) / 100;
    // Most items are due at the type's SLA (createWork's default); some carry their own date.
    const dueMs =
      this.random() < 0.7
        ? createdMs + type.slaSeconds * 1000
        : createdMs + 3_600_000 + this.random() * 14 * DAY_MS;
    const createdAt = new Date(createdMs).toISOString();
    const dueAt = new Date(dueMs).toISOString();
    this.serial += 1;
    return {
      id: timeOrderedId(createdMs, this.random),
      typeId,
      title: `${type.name} #${this.serial}`,
      value,
      dueAt,
      priorityClass,
      priority: priorityKey({
        priorityClass,
        value,
        blocks: 0,
        createdAt,
        dueAt,
      }),
      createdAt,
    };
  }
}

/**
 * The format of `newId('w', ms)`: 12 hex digits of milliseconds, then 20 of randomness. Made
 * here because newId keeps ids monotonic across calls, which would stamp a refill created in
 * the past with the latest time.
 */
function timeOrderedId(ms: number, random: () => number): string {
  let tail = '';
  for (let i = 0; i < 4; i += 1)
    tail += Math.floor(random() * 0x100000)
      .toString(16)
      .padStart(5, '0');
  return `w_${ms.toString(16).padStart(12, '0')}${tail}`;
}
