/**
 * The authority benchmark: decisions per second through the supervision layer (the entities of
 * the request built, Cedar asked, the answer turned into allow / approval required / deny with
 * its policies) next to the Cedar engine alone (`statefulIsAuthorized` on the very requests the
 * layer builds, prepared beforehand), in the same run, rounds interleaved. Target: the layer
 * keeps at least 80% of the engine's rate. Also the p99 latency of one decision.
 *
 *   npm run bench -- authority [--seconds 2] [--rounds 5] [--warmup 0.5] [--latency 20000]
 *
 * The organization is the example's (examples/org.yaml and its policies); the requests are a
 * mix of work actions on work items of every type and priority and of custom actions (refunds,
 * deploys) with their context, by every agent, so allow, approval required and deny all occur.
 */
import { parseArgs } from 'node:util';
import {
  statefulIsAuthorized,
  type CedarValueJson,
  type StatefulAuthorizationCall,
} from '@cedar-policy/cedar-wasm/nodejs';
import type { PriorityClass, WorkItem } from '../src/core/model.js';
import { readOrgFile } from '../src/interfaces/cli/read-org-file.js';
import { buildAuthority, type AuthorityResource } from '../src/supervision/build-authority.js';
import { cedarCall } from '../src/supervision/decide-authority.js';
import { EXAMPLE_ORG_FILE } from './http/org.js';
import { positiveOption } from './support/options.js';
import { formatTable, machineInfo, quantile, round, writeResults } from './support/report.js';
import { seededRandom } from './support/seeded-random.js';

const TARGET_RATIO = 0.8;

interface Options {
  seconds: number;
  rounds: number;
  warmup: number;
  latencySamples: number;
}

interface Case {
  actorId: string;
  action: string;
  resource: AuthorityResource;
  context: Record<string, CedarValueJson>;
}

const PRIORITIES: readonly PriorityClass[] = ['critical', 'high', 'normal', 'normal', 'low'];
const WORK_ACTIONS = ['claim', 'start', 'complete', 'fail', 'release', 'create'];

async function cases(count: number) {
  const org = await readOrgFile(EXAMPLE_ORG_FILE);
  const authority = buildAuthority(1, {
    authority: org.authority,
    actors: org.actors,
    domains: org.domains,
    workTypes: org.workTypes,
  });
  if (!authority.configured || authority.request === undefined || authority.compiled === undefined)
    throw new Error(`${EXAMPLE_ORG_FILE} configures no authority policies`);
  const random = seededRandom(7);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const agents = org.actors.filter((a) => a.kind === 'agent').map((a) => a.id);
  const list: Case[] = [];
  for (let n = 0; n < count; n++) {
    const type = pick(org.workTypes);
    const actorId = pick(agents);
    const item = {
      id: `w-${n}`,
      typeId: type.id,
      title: `item ${n}`,
      stageId: type.stages[0]?.id ?? null,
      state: 'in_progress',
      priorityClass: pick(PRIORITIES),
      attempts: 1,
      ownerId: actorId,
    } as WorkItem;
    const roll = random();
    if (roll < 0.7)
      list.push({
        actorId,
        action: pick(WORK_ACTIONS),
        resource: { kind: 'workItem', item },
        context: {},
      });
    else if (roll < 0.9)
      list.push({
        actorId,
        action: 'refund',
        resource: { kind: 'workItem', item: { ...item, typeId: 'refund-request' } },
        context: { amount: Math.round(Math.exp(random() * 9)), currency: 'EUR' },
      });
    else
      list.push({
        actorId,
        action: 'deploy',
        resource: { kind: 'domain', id: pick(org.domains).id },
        context: { service: 'api', hotfix: random() < 0.5 },
      });
  }
  const compiled = authority.compiled;
  const raw: StatefulAuthorizationCall[] = list.map((c) => {
    const request = authority.request?.(c.actorId, c.action, c.resource, c.context);
    if (request === undefined || typeof request === 'string')
      throw new Error(`no Cedar request for case ${JSON.stringify(c)}`);
    return cedarCall(compiled, request);
  });
  return { authority, list, raw };
}

/** Runs `step(i)` for about `seconds`, returning decisions per second. */
function rate(seconds: number, size: number, step: (i: number) => void): number {
  const deadline = performance.now() + seconds * 1000;
  let done = 0;
  const started = performance.now();
  while (performance.now() < deadline) {
    // Batches between clock reads, so reading the clock costs nothing measurable.
    for (let k = 0; k < 200; k++) step(done++ % size);
  }
  return done / ((performance.now() - started) / 1000);
}

export async function runAuthorityBenchmark(args: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      seconds: { type: 'string', default: '2' },
      rounds: { type: 'string', default: '5' },
      warmup: { type: 'string', default: '0.5' },
      latency: { type: 'string', default: '20000' },
    },
  });
  const options: Options = {
    seconds: positiveOption('seconds', values.seconds),
    rounds: Math.round(positiveOption('rounds', values.rounds)),
    warmup: positiveOption('warmup', values.warmup),
    latencySamples: Math.round(positiveOption('latency', values.latency)),
  };
  const { authority, list, raw } = await cases(2000);
  const verdicts: Record<string, number> = { allow: 0, approval_required: 0, deny: 0 };
  const mismatches: string[] = [];
  list.forEach((c, i) => {
    const decision = authority.decide(c.actorId, c.action, c.resource, c.context);
    verdicts[decision.decision] = (verdicts[decision.decision] ?? 0) + 1;
    // The engine alone must answer the same requests the same way (allow for allow or approval).
    const answer = statefulIsAuthorized(raw[i] as StatefulAuthorizationCall);
    const engine = answer.type === 'success' ? answer.response.decision : 'deny';
    const layer = decision.decision === 'deny' ? 'deny' : 'allow';
    if (engine !== layer && decision.errors.length === 0) mismatches.push(`case ${i}`);
  });
  if (mismatches.length > 0)
    throw new Error(`layer and engine disagree on ${mismatches.join(', ')}`);

  let sink = 0;
  const layerStep = (i: number) => {
    const c = list[i] as Case;
    sink += authority.decide(c.actorId, c.action, c.resource, c.context).policies.length;
  };
  const rawStep = (i: number) => {
    const answer = statefulIsAuthorized(raw[i] as StatefulAuthorizationCall);
    sink += answer.type === 'success' ? answer.response.diagnostics.reason.length : 0;
  };
  rate(options.warmup, list.length, layerStep);
  rate(options.warmup, list.length, rawStep);
  const layerRates: number[] = [];
  const rawRates: number[] = [];
  for (let r = 0; r < options.rounds; r++) {
    // Interleaved, and alternating which goes first, so drift in the machine hits both alike.
    if (r % 2 === 0) {
      layerRates.push(rate(options.seconds, list.length, layerStep));
      rawRates.push(rate(options.seconds, list.length, rawStep));
    } else {
      rawRates.push(rate(options.seconds, list.length, rawStep));
      layerRates.push(rate(options.seconds, list.length, layerStep));
    }
  }
  const latencies: number[] = [];
  for (let n = 0; n < options.latencySamples; n++) {
    const started = process.hrtime.bigint();
    layerStep(n % list.length);
    latencies.push(Number(process.hrtime.bigint() - started) / 1000);
  }
  const median = (xs: number[]) => quantile(xs, 0.5);
  const layerRate = median(layerRates);
  const rawRate = median(rawRates);
  const ratio = layerRate / rawRate;
  const rows = [
    ['supervision layer (Authority.decide)', round(layerRate), round(ratio, 3)],
    ['Cedar engine alone (statefulIsAuthorized)', round(rawRate), 1],
  ] as const;
  process.stdout.write(
    `authority decisions: ${list.length} requests of the example organization (${verdicts.allow} allow, ${verdicts.approval_required} approval required, ${verdicts.deny} deny), ${options.rounds} rounds of ${options.seconds}s, median\n\n`,
  );
  process.stdout.write(`${formatTable(['path', 'decisions/s', 'ratio'], rows)}\n\n`);
  const p50 = quantile(latencies, 0.5);
  const p99 = quantile(latencies, 0.99);
  process.stdout.write(
    `decision latency through the layer: p50 ${round(p50)} µs, p99 ${round(p99)} µs (${latencies.length} samples)\n`,
  );
  const met = ratio >= TARGET_RATIO;
  process.stdout.write(
    `ratio ${round(ratio, 3)} ${met ? '>=' : '<'} target ${TARGET_RATIO}${met ? '' : ' (missed)'}\n`,
  );
  const path = writeResults('authority', {
    benchmark: 'authority',
    at: new Date().toISOString(),
    machine: machineInfo(),
    options,
    requests: list.length,
    verdicts,
    layer: { decisionsPerSecond: round(layerRate), rounds: layerRates.map((r) => round(r)) },
    engine: { decisionsPerSecond: round(rawRate), rounds: rawRates.map((r) => round(r)) },
    ratio: round(ratio, 3),
    targetRatio: TARGET_RATIO,
    latencyMicroseconds: { p50: round(p50), p99: round(p99), samples: latencies.length },
    checksum: sink,
  });
  process.stdout.write(`wrote ${path}\n`);
  return met ? 0 : 1;
}
