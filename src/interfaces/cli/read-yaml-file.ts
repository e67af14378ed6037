import { readFile } from 'node:fs/promises';
import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { DomainError, type FieldIssue } from '../../core/errors.js';
import type { z } from 'zod';
import { formatIssuePath } from './format-issue-path.js';

/**
 * Where in the source a path points: the key of the deepest entry that exists, so a bad or
 * missing field is shown at its own line, or at its parent's when it is absent.
 */
export function locate(doc: Document, path: readonly PropertyKey[]): number {
  let node: unknown = doc.contents;
  let offset = isNode(node) ? (node.range?.[0] ?? 0) : 0;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => String(isScalar(p.key) ? p.key.value : p.key) === String(segment),
      );
      if (pair === undefined) break;
      if (isNode(pair.key) && pair.key.range) offset = pair.key.range[0];
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment];
      if (item === undefined) break;
      if (isNode(item) && item.range) offset = item.range[0];
      node = item;
    } else {
      break;
    }
  }
  return offset;
}

export function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let value = data;
  for (const segment of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

/** A problem at a path of a document, as `file:line:col: path` and the message. */
export type LocateIssue = (path: readonly PropertyKey[], message: string) => FieldIssue;

/** Zod's issues as located problems: unknown keys one by one, absent fields said so. */
export function locatedIssues(
  issues: readonly z.core.$ZodIssue[],
  data: unknown,
  locateIssue: (path: readonly PropertyKey[], message: string) => void,
): void {
  for (const issue of issues) {
    // One line per unknown key, at the key itself: usually a typo to fix there.
    if (issue.code === 'unrecognized_keys')
      for (const key of issue.keys) locateIssue([...issue.path, key], 'unknown field');
    // Zod words an absent field as a type mismatch with undefined ("Invalid input" for unions).
    else if (issue.path.length > 0 && valueAt(data, issue.path) === undefined)
      locateIssue(issue.path, 'missing required field');
    else locateIssue(issue.path, issue.message);
  }
}

export async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new DomainError('not_found', `file '${file}' does not exist`);
    throw error;
  }
}

/**
 * Reads, parses and validates a YAML file against a schema (`noun` names what it should be, for
 * messages). Every problem is reported at once, each as `file:line:col: path: message`, the
 * form editors and terminals turn into links. `prepare` may change the data before it is
 * validated (read the files it names); the problems it finds (in this file or those) come back
 * with the rest, after them.
 */
export async function readYamlFile<S extends z.ZodType>(
  file: string,
  schema: S,
  noun: string,
  prepare?: (
    data: unknown,
    locateIssue: LocateIssue,
  ) => Promise<{ data: unknown; issues: FieldIssue[] }>,
): Promise<z.output<S>> {
  const text = await readText(file);
  const lineCounter = new LineCounter();
  // Plain messages: positions are added below, one line per problem.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return `${file}:${line}:${col}`;
  };

  if (doc.errors.length > 0) {
    throw new DomainError('invalid_config', `${file} is not valid YAML`, {
      issues: doc.errors.map((e) => ({ path: at(e.pos[0]), message: e.message })),
    });
  }

  const raw: unknown = doc.toJS();
  const { data, issues: prepared } =
    prepare === undefined
      ? { data: raw, issues: [] }
      : await prepare(raw, (path, message) => {
          const name = formatIssuePath(path);
          const where = at(locate(doc, path));
          return { path: name === '' ? where : `${where}: ${name}`, message };
        });
  const parsed = schema.safeParse(data);
  if (!parsed.success || prepared.length > 0) {
    const located: { offset: number; issue: FieldIssue }[] = [];
    const add = (path: readonly PropertyKey[], message: string) => {
      const offset = locate(doc, path);
      const name = formatIssuePath(path);
      located.push({
        offset,
        issue: { path: name === '' ? at(offset) : `${at(offset)}: ${name}`, message },
      });
    };
    if (!parsed.success) locatedIssues(parsed.error.issues, data, add);
    located.sort((a, b) => a.offset - b.offset);
    const issues = [...located.map((l) => l.issue), ...prepared];
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    throw new DomainError('invalid_config', `${file} is not a valid ${noun} (${count})`, {
      issues,
    });
  }
  return parsed.data;
}
