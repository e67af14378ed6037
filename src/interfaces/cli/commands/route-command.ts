import type { Command } from 'commander';
import { z } from 'zod';
import { DomainError } from '../../../core/errors.js';
import { parseMatcher, type Labels } from '../../../core/label-matcher.js';
import { orgConfigSchema } from '../../../core/org-config.js';
import {
  alertmanagerConfigSchema,
  toRoutingConfig,
  type RoutingConfig,
} from '../../../core/route-config.js';
import { matchRoutes } from '../../../monitoring/routing/match-routes.js';
import { compileRouteTree, type RouteNode } from '../../../monitoring/routing/route-tree.js';
import type { CliContext } from '../cli-context.js';
import { describeRoute, describeRouteTree, formatRouteTree } from '../format-route-tree.js';
import { expandSloPaths } from '../expand-slo-paths.js';
import { readYamlFile } from '../read-yaml-file.js';

interface RouteOptions {
  config?: string;
}

/** Keys only an organization file has; anything else is read as an Alertmanager configuration. */
const ORG_KEYS = ['apiVersion', 'kind', 'metadata', 'domains', 'actors', 'workTypes'];

/**
 * The routing in a file: an Alertmanager configuration (`route`, `receivers`, `inhibit_rules`,
 * `time_intervals`, … — only the routing keys are checked) or an organization file.
 */
async function readRoutingFile(file: string): Promise<RoutingConfig> {
  const data = await readYamlFile(
    file,
    z.record(z.string(), z.unknown(), {
      error: 'expected a mapping: an Alertmanager configuration or an organization file',
    }),
    'routing configuration',
  );
  if (ORG_KEYS.some((key) => Object.hasOwn(data, key))) {
    // The whole file is checked, the SLO files it names too: it must be one that would apply.
    const routing = toRoutingConfig(
      await readYamlFile(file, orgConfigSchema, 'organization file', (raw, locateIssue) =>
        expandSloPaths(file, raw, locateIssue),
      ),
    );
    if (routing.route === undefined)
      throw new DomainError('invalid_config', `${file} has no route`, {
        issues: [{ path: 'route', message: 'add a routing tree under `route:`' }],
      });
    return routing;
  }
  return toRoutingConfig(
    await readYamlFile(file, alertmanagerConfigSchema, 'Alertmanager configuration'),
  );
}

/** The routing tree from `--config`, or the one the applied organization holds. */
async function loadTree(ctx: CliContext, options: RouteOptions): Promise<RouteNode> {
  if (options.config !== undefined) {
    const routing = await readRoutingFile(options.config);
    return compileRouteTree(routing.route ?? {});
  }
  const config = await ctx.withControlPlane((cp) => cp.exportConfig(ctx.principal));
  if (config === null)
    throw new DomainError(
      'not_found',
      'no organization has been applied yet: apply one with a `route:` (autonomy apply -f <file>), or pass --config <file>',
    );
  const routing = toRoutingConfig(config);
  if (routing.route === undefined)
    throw new DomainError(
      'not_found',
      'the applied organization has no routing tree: add `route:` to its file and apply it, or pass --config <file>',
    );
  return compileRouteTree(routing.route);
}

/** `name=value` arguments as amtool reads them (values may be quoted); anything else is refused. */
export function parseLabelArguments(args: readonly string[]): Labels {
  const labels: Record<string, string> = {};
  const issues = args.flatMap((arg, index) => {
    const parsed = parseMatcher(arg);
    if (!parsed.ok || parsed.value.type !== '=')
      return [
        {
          path: `labels[${index}]`,
          message: `'${arg}' is not a label: write name=value (e.g. severity=critical)`,
        },
      ];
    labels[parsed.value.name] = parsed.value.value;
    return [];
  });
  if (issues.length > 0)
    throw new DomainError('validation_failed', 'labels must be given as name=value', { issues });
  return labels;
}

export function routeCommand(program: Command, ctx: CliContext): Command {
  const route = program
    .command('route')
    .description('the exception routing tree (Alertmanager syntax): test where alerts go, show it');

  route
    .command('test')
    .description(
      'print the receivers alerts with these labels are routed to, comma-separated in match order (as `amtool config routes test`)',
    )
    .argument('[labels...]', 'the alert labels, as name=value')
    .option(
      '--config <file>',
      'an Alertmanager configuration or an organization file (default: the applied organization)',
    )
    .action(async (args: string[], options: RouteOptions) => {
      const labels = parseLabelArguments(args);
      const tree = await loadTree(ctx, options);
      const matched = matchRoutes(tree, labels);
      ctx.output(
        {
          labels,
          receivers: matched.map((r) => r.receiver),
          routes: matched.map((r) => describeRoute(r, labels)),
        },
        () => {
          ctx.print(matched.map((r) => r.receiver).join(','));
        },
      );
    });

  route
    .command('tree')
    .description(
      'print the routing tree with each route’s receiver and grouping (as `amtool config routes show`)',
    )
    .option(
      '--config <file>',
      'an Alertmanager configuration or an organization file (default: the applied organization)',
    )
    .action(async (options: RouteOptions) => {
      const tree = await loadTree(ctx, options);
      ctx.output(describeRouteTree(tree), () => {
        ctx.printLines(formatRouteTree(tree));
      });
    });

  return route;
}
