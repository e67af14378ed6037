import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { Document, isCollection, isScalar, visit } from 'yaml';
import { DomainError } from '../../../core/errors.js';
import type { CliContext } from '../cli-context.js';

const INLINE_KEYS = new Set(['owners', 'domains', 'skills', 'requiredSkills']);

interface ExportOptions {
  output?: string;
}

export function exportCommand(program: Command, ctx: CliContext): Command {
  return program
    .command('export')
    .description(
      'write the applied organization as a file `autonomy apply` accepts (YAML, or JSON with --json)',
    )
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .action(async (options: ExportOptions) => {
      const { config, revision } = await ctx.withControlPlane(async (cp) => ({
        config: await cp.exportConfig(ctx.principal),
        revision: (await cp.organization())?.revision ?? 0,
      }));
      if (config === null)
        throw new DomainError(
          'not_found',
          'no organization has been applied yet (use `autonomy apply -f <file>`)',
        );
      let text: string;
      if (ctx.json) {
        text = `${JSON.stringify(config, null, 2)}\n`;
      } else {
        const doc = new Document(config);
        // Lists of ids and skill maps on one line, as they are written by hand (see examples/org.yaml).
        visit(doc, {
          Pair(_, pair, path) {
            const nested = path.length > 2; // not the top-level `domains:` list
            if (
              nested &&
              isScalar(pair.key) &&
              INLINE_KEYS.has(String(pair.key.value)) &&
              isCollection(pair.value)
            )
              pair.value.flow = true;
          },
        });
        doc.commentBefore = ` Exported by autonomy: revision ${revision} of organization '${config.metadata.name}'.`;
        // No line folding: long descriptions stay on one line, as people usually write them.
        text = doc.toString({ lineWidth: 0, flowCollectionPadding: false });
      }
      if (options.output === undefined) {
        ctx.io.stdout(text);
        return;
      }
      await writeFile(options.output, text);
      ctx.note(`wrote revision ${revision} to ${options.output}`);
    });
}
