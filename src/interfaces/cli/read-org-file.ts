import { readFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import type { PolicySource } from '../../core/authority-config.js';
import { DomainError } from '../../core/errors.js';
import { orgConfigSchema, toOrgModel, type OrgModel } from '../../core/org-config.js';
import { expandSloPaths } from './expand-slo-paths.js';
import { validateAuthority } from '../../runtime/control-plane.js';
import { readYamlFile } from './read-yaml-file.js';

/**
 * Reads the policy files an organization file lists, relative to it. Each keeps the name it is
 * listed under (what is stored and exported), so applying from another directory changes
 * nothing.
 */
async function readPolicies(
  file: string,
  entries: readonly (string | PolicySource)[],
): Promise<{ policies: PolicySource[]; paths: string[] }> {
  const policies: PolicySource[] = [];
  const paths: string[] = [];
  for (const [index, entry] of entries.entries()) {
    if (typeof entry !== 'string') {
      policies.push(entry);
      paths.push(entry.name);
      continue;
    }
    const path = resolve(dirname(file), entry);
    try {
      policies.push({ name: entry, text: await readFile(path, 'utf8') });
      paths.push(relative(process.cwd(), path));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new DomainError('invalid_config', `${file}: policy file '${entry}' cannot be read`, {
        issues: [
          {
            path: `${file}: policies[${index}]`,
            message: code === 'ENOENT' ? `'${path}' does not exist` : `'${path}': ${code}`,
          },
        ],
      });
    }
  }
  return { policies, paths };
}

/**
 * Reads and validates an organization file, the OpenSLO files its `slos:` names and the policy
 * files its `policies:` lists (each relative to it); problems are reported with file, line and
 * path — a policy's at its file's line and column — before any database is opened.
 */
export async function readOrgFile(file: string): Promise<OrgModel> {
  const config = await readYamlFile(
    file,
    orgConfigSchema,
    'organization file',
    (data, locateIssue) => expandSloPaths(file, data, locateIssue),
  );
  const { policies, paths } = await readPolicies(file, config.policies);
  const model = toOrgModel({ ...config, policies });
  if (model.authority !== undefined) validateAuthority(model.authority, paths);
  return model;
}
