import { orgConfigSchema, toOrgModel, type OrgModel } from '../../core/org-config.js';
import { readYamlFile } from './read-yaml-file.js';

/** Reads and validates an organization file; problems are reported with file, line and path. */
export async function readOrgFile(file: string): Promise<OrgModel> {
  return toOrgModel(await readYamlFile(file, orgConfigSchema, 'organization file'));
}
