import { orgConfigSchema, toOrgModel, type OrgModel } from '../../core/org-config.js';
import { expandSloPaths } from './expand-slo-paths.js';
import { readYamlFile } from './read-yaml-file.js';

/**
 * Reads and validates an organization file and the OpenSLO files its `slos:` names; problems
 * are reported with file, line and path.
 */
export async function readOrgFile(file: string): Promise<OrgModel> {
  return toOrgModel(
    await readYamlFile(file, orgConfigSchema, 'organization file', (data, locateIssue) =>
      expandSloPaths(file, data, locateIssue),
    ),
  );
}
