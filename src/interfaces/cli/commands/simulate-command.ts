import { InvalidArgumentError, Option, type Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { parseDuration } from '../../../core/duration.js';
import { POLICY_NAMES, type PolicyName } from '../../../simulation/policy.js';
import { scenarioSchema } from '../../../simulation/scenario.js';
import type { SimulationReport } from '../../../simulation/simulation-report.js';
import type { CliContext } from '../cli-context.js';
import { parseNonNegativeInt } from '../parse-options.js';
import { readYamlFile } from '../read-yaml-file.js';

interface SimulateOptions {
  policy: PolicyName | 'all';
  seed: number;
  waitTarget?: number;
}

function parseWaitTarget(value: string): number {
  const seconds = parseDuration(value);
  if (seconds === null) throw new InvalidArgumentError('expected a duration, e.g. 90s or 5m');
  return seconds;
}

export function simulateCommand(program: Command, ctx: CliContext): Command {
  return program
    .command('simulate')
    .description(
      'run a scenario through the coordination engine on a virtual clock and measure the outcome',
    )
    .argument('<scenario>', 'scenario file (YAML), e.g. examples/scenarios/deadline-overload.yaml')
    .addOption(
      new Option('--policy <name>', 'who routes the work: the engine or a baseline router')
        .choices([...POLICY_NAMES, 'all'])
        .default('autonomy'),
    )
    .option('--seed <n>', 'random seed: the same seed gives the same run', parseNonNegativeInt, 1)
    .option(
      '--wait-target <duration>',
      'also report the share of work assigned within this wait (e.g. 5m)',
      parseWaitTarget,
    )
    .action(async (file: string, options: SimulateOptions) => {
      const scenario = await readYamlFile(file, scenarioSchema, 'scenario file');
      // Loaded here, so the other commands do not pay for the simulator at every start.
      const { simulate } = await import('../../../simulation/simulate.js');
      const { formatSimulation } = await import('../format-simulation.js');
      const policies = options.policy === 'all' ? [...POLICY_NAMES] : [options.policy];
      const reports: SimulationReport[] = [];
      for (const policy of policies) {
        const bar = ctx.io.progress === undefined || ctx.json ? null : progressBar(ctx, policy);
        try {
          reports.push(
            await simulate(scenario, {
              policy,
              seed: options.seed,
              waitTargets: options.waitTarget === undefined ? [] : [options.waitTarget],
              ...(bar === null
                ? {}
                : {
                    onProgress: (f: number) => {
                      bar.update(Math.round(f * 1000));
                    },
                  }),
            }),
          );
        } finally {
          bar?.stop();
        }
      }
      ctx.output(reports.length === 1 ? reports[0] : reports, () => {
        ctx.printLines(formatSimulation(reports));
      });
    });
}

function progressBar(ctx: CliContext, policy: string): SingleBar {
  const bar = new SingleBar({
    stream: ctx.io.progress,
    format: `${policy.padEnd(12)} [{bar}] {percentage}% of simulated time | {eta}s left`,
    barsize: 30,
    clearOnComplete: true,
    hideCursor: true,
  });
  bar.start(1000, 0);
  return bar;
}
