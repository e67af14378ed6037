import { rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { ControlPlane } from '../../../runtime/control-plane.js';
import { applyOrgFile } from '../apply-org-file.js';
import type { CliContext } from '../cli-context.js';
import { demoScenarioSchema, type DemoScenario } from '../demo/demo-scenario.js';
import { runDemo } from '../demo/run-demo.js';
import { parseDurationOption, parsePort } from '../parse-options.js';
import { readOrgFile } from '../read-org-file.js';
import { readYamlFile } from '../read-yaml-file.js';
import { startServing } from '../start-serving.js';
import { waitForSignal } from '../wait-for-signal.js';

interface DemoOptions {
  scenario: string;
  host?: string;
  port?: number;
  for?: number;
}

/** Where the demo keeps its data unless `--db` says otherwise: apart from real data. */
export const DEMO_DATABASE = './data/demo.db';

export function demoCommand(program: Command, ctx: CliContext): Command {
  return program
    .command('demo')
    .description(
      'start the server on a fresh demo database with the example organization, and drive it with simulated people and agents (through the HTTP API, the SDK and MCP) until interrupted',
    )
    .option('--scenario <file>', 'the demo scenario', 'examples/scenarios/demo.yaml')
    .option('--host <host>', 'interface to listen on (default AUTONOMY_HOST or 127.0.0.1)')
    .option('--port <port>', 'port to listen on, 0 for any free one (default 7070)', parsePort)
    .option(
      '--for <duration>',
      'stop after this long (e.g. 10m); default: until Ctrl-C',
      parseDurationOption,
    )
    .action(async (options: DemoOptions) => {
      const scenario = await readYamlFile(options.scenario, demoScenarioSchema, 'demo scenario');
      const orgFile = resolve(dirname(options.scenario), scenario.organization);
      const desired = await readOrgFile(orgFile);
      const config = ctx.runtimeConfig();
      const databaseUrl = ctx.dbFlag ?? ctx.env.AUTONOMY_DATABASE_URL ?? DEMO_DATABASE;
      if (databaseUrl === DEMO_DATABASE) {
        // Each demo starts from nothing, so what it shows is what this run did.
        for (const suffix of ['', '-wal', '-shm'])
          rmSync(`${DEMO_DATABASE}${suffix}`, { force: true });
      }
      const signal = waitForSignal();
      // Ctrl-C, or the end of `--for`, whichever comes first.
      const stop = new AbortController();
      signal.signal.addEventListener('abort', () => {
        stop.abort();
      });
      const duration = options.for;
      const timer =
        duration === undefined
          ? null
          : setTimeout(() => {
              stop.abort();
            }, duration * 1000);
      const cp = await ControlPlane.open(
        { databaseUrl, leaseSeconds: scenario.leaseSeconds, offerSeconds: config.offerSeconds },
        { detectorSettings: definedOnly(scenario.detectors) },
      );
      try {
        await applyOrgFile(ctx, cp, orgFile, desired, { dryRun: false });
        const tokens = await issueDemoTokens(ctx, cp, scenario);
        const serving = await startServing(cp, {
          ...config,
          host: options.host ?? config.host,
          port: options.port ?? config.port,
        });
        try {
          ctx.print(`autonomy demo on ${serving.url} (${cp.dialect}: ${cp.location})`);
          ctx.print(`dashboard: ${serving.url}/  ·  API docs: ${serving.url}/docs`);
          ctx.print(`admin token (log in with it): ${tokens.admin}`);
          ctx.print(`scenario '${scenario.metadata.name}': ${scenario.metadata.description}`);
          const stats = await runDemo({
            baseUrl: serving.url,
            scenario,
            integrationToken: tokens.integration,
            actorTokens: tokens.actors,
            signal: stop.signal,
            log: (line) => {
              ctx.print(line);
            },
          });
          ctx.print(
            `demo stopped: ${stats.created} items arrived, ${stats.completed} completed, ${stats.failed} failed, ${stats.stalled} stalled; ${stats.acknowledged} exceptions acknowledged, ${stats.resolved} resolved; ${stats.approvalsRequested} approvals asked, ${stats.approved} approved, ${stats.rejected} rejected`,
          );
        } finally {
          await serving.close();
        }
      } finally {
        if (timer !== null) clearTimeout(timer);
        signal.dispose();
        await cp.close();
      }
    });
}

/** An admin token for the dashboard, one for the integration work arrives from, one per actor. */
async function issueDemoTokens(ctx: CliContext, cp: ControlPlane, scenario: DemoScenario) {
  const issue = async (name: string, role: 'admin' | 'operator' | 'agent', actorId?: string) =>
    (await cp.issueToken(ctx.principal, { name, role, actorId })).secret;
  const actors = new Map<string, string>();
  for (const agent of scenario.agents)
    actors.set(agent.actor, await issue(`demo ${agent.actor}`, 'agent', agent.actor));
  for (const person of scenario.people)
    actors.set(person.actor, await issue(`demo ${person.actor}`, 'operator', person.actor));
  return {
    admin: await issue('demo admin', 'admin'),
    integration: await issue('demo integration', 'operator'),
    actors,
  };
}

/** The settings a scenario gives, leaving the rest at their defaults. */
const definedOnly = <T extends object>(settings: T) =>
  Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined)) as Partial<{
    [K in keyof T]: Exclude<T[K], undefined>;
  }>;
