import { dirname, isAbsolute, join } from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';
import { DomainError, type FieldIssue } from '../../core/errors.js';
import {
  openSloDocumentSchema,
  resolveOpenSlo,
  type OpenSloDocument,
} from '../../core/slo-config.js';
import { formatIssuePath } from './format-issue-path.js';
import { locate, locatedIssues, readText, type LocateIssue } from './read-yaml-file.js';

/** One OpenSLO document as read: its raw data, and how to name a place in it. */
interface ReadDocument {
  raw: unknown;
  parsed: OpenSloDocument | null;
  locateIssue: LocateIssue;
}

/**
 * Reads an OpenSLO file: one or more YAML documents (`---` between them), each validated on its
 * own; problems come back as `file:line:col: path`, like the organization file's.
 */
async function readOpenSloFile(file: string, issues: FieldIssue[]): Promise<ReadDocument[]> {
  const text = await readText(file);
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false });
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return `${file}:${line}:${col}`;
  };
  if (!Array.isArray(docs)) return []; // an empty file holds no documents
  const read: ReadDocument[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      issues.push(...doc.errors.map((e) => ({ path: at(e.pos[0]), message: e.message })));
      continue;
    }
    const raw: unknown = doc.toJS();
    if (raw === null || raw === undefined) continue; // `---` with nothing after it
    const locateIssue: LocateIssue = (path, message) => {
      const name = formatIssuePath(path);
      const where = at(locate(doc, path));
      return { path: name === '' ? where : `${where}: ${name}`, message };
    };
    const parsed = openSloDocumentSchema.safeParse(raw);
    if (!parsed.success)
      locatedIssues(parsed.error.issues, raw, (path, message) =>
        issues.push(locateIssue(path, message)),
      );
    read.push({ raw, parsed: parsed.success ? parsed.data : null, locateIssue });
  }
  return read;
}

/**
 * Replaces the paths in an organization's `slos:` by the OpenSLO documents in those files
 * (relative to the organization file), after checking them and the inline ones as one set: an
 * `indicatorRef` may name an SLI of another file. Every problem is reported, each in the file it
 * is in; the data comes back with the valid documents inline, as the organization schema takes
 * it (the others left out, so that its own problems are reported beside these).
 */
export async function expandSloPaths(
  orgFile: string,
  data: unknown,
  locateInOrg: LocateIssue,
): Promise<{ data: unknown; issues: FieldIssue[] }> {
  if (typeof data !== 'object' || data === null) return { data, issues: [] };
  const entries = (data as { slos?: unknown }).slos;
  if (!Array.isArray(entries)) return { data, issues: [] };
  const issues: FieldIssue[] = [];
  const documents: ReadDocument[] = [];
  for (const [index, entry] of (entries as unknown[]).entries()) {
    if (typeof entry !== 'string') {
      const locateIssue: LocateIssue = (path, message) =>
        locateInOrg(['slos', index, ...path], message);
      const parsed = openSloDocumentSchema.safeParse(entry);
      if (!parsed.success)
        locatedIssues(parsed.error.issues, entry, (path, message) =>
          issues.push(locateIssue(path, message)),
        );
      documents.push({ raw: entry, parsed: parsed.success ? parsed.data : null, locateIssue });
      continue;
    }
    const file = isAbsolute(entry) ? entry : join(dirname(orgFile), entry);
    try {
      documents.push(...(await readOpenSloFile(file, issues)));
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'not_found') throw error;
      issues.push(locateInOrg(['slos', index], `file '${file}' does not exist`));
    }
  }
  const valid = documents.filter((d) => d.parsed !== null);
  if (issues.length === 0)
    for (const issue of resolveOpenSlo(valid.map((d) => d.parsed as OpenSloDocument)).issues)
      issues.push((valid[issue.document] as ReadDocument).locateIssue(issue.path, issue.message));
  // With problems, none go on: the set is checked again as a whole, which would report them
  // twice, at places of the organization file they are not in.
  return {
    data: {
      ...(data as Record<string, unknown>),
      slos: issues.length > 0 ? [] : valid.map((d) => d.raw),
    },
    issues,
  };
}
