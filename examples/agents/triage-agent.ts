/**
 * An example agent built on the SDK: it pulls tickets, sorts each into a category by the words
 * in its title and payload, reports what it did as a business metric, and completes the ticket.
 * A ticket it cannot place is released to a person instead of being guessed at.
 *
 *   AUTONOMY_URL=http://127.0.0.1:7070 AUTONOMY_TOKEN=aut_… AUTONOMY_ACTOR=triage-bot \
 *     node --import tsx examples/agents/triage-agent.ts
 *
 * AUTONOMY_MAX_ITEMS stops it after that many tickets; Ctrl-C stops it after the ticket in hand.
 */
import { AutonomyClient, runClaimLoop, type WorkItem } from '../../src/sdk/index.js';

const CATEGORIES: Record<string, readonly string[]> = {
  billing: ['invoice', 'refund', 'charge', 'payment', 'price'],
  access: ['login', 'password', 'locked', 'sso', '2fa'],
  bug: ['error', 'crash', 'broken', 'fails', 'bug'],
  question: ['how', 'where', 'can i', 'what'],
};

/** The category whose words the ticket mentions most; null when it mentions none. */
export function categorize(item: Pick<WorkItem, 'title' | 'payload'>): string | null {
  const text = `${item.title} ${JSON.stringify(item.payload)}`.toLowerCase();
  let best: { category: string; hits: number } | null = null;
  for (const [category, words] of Object.entries(CATEGORIES)) {
    const hits = words.filter((w) => text.includes(w)).length;
    if (hits > 0 && (best === null || hits > best.hits)) best = { category, hits };
  }
  return best?.category ?? null;
}

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    process.stderr.write(`set ${name}\n`);
    process.exit(2);
  }
  return value;
}

const client = new AutonomyClient({
  baseUrl: process.env.AUTONOMY_URL ?? 'http://127.0.0.1:7070',
  token: required('AUTONOMY_TOKEN'),
  actorId: process.env.AUTONOMY_ACTOR ?? 'triage-bot',
});
const stop = new AbortController();
process.once('SIGINT', () => {
  stop.abort();
});
const maxItems = process.env.AUTONOMY_MAX_ITEMS;

const summary = await runClaimLoop(client, {
  signal: stop.signal,
  ...(maxItems === undefined ? {} : { maxItems: Number(maxItems) }),
  onEvent: (event) => {
    if (event.type === 'claimed') process.stdout.write(`claimed ${event.item.id}\n`);
    if (event.type === 'refused') process.stdout.write(`refused: ${event.problem.detail}\n`);
  },
  handle: async ({ item }) => {
    const category = categorize(item);
    if (category === null)
      return { outcome: 'release', reason: 'no category fits: a person decides' };
    const reported = await client.reportMetrics([
      { name: 'tickets_triaged_total', kind: 'counter', value: 1, labels: { category } },
    ]);
    if (!reported.ok) process.stderr.write(`metric not recorded: ${reported.problem.detail}\n`);
    return { outcome: 'complete', reason: `triaged as ${category}` };
  },
});
process.stdout.write(
  `stopped (${summary.stoppedBy}): ${summary.completed} triaged, ${summary.released} left to people\n`,
);
process.exitCode = summary.stoppedBy === 'unauthenticated' ? 1 : 0;
