import {
  createQueryId,
  type Compilable,
  type CompiledQuery,
  type DatabaseConnection,
  type Kysely,
  type QueryResult,
} from 'kysely';
import type { Dialect } from '../core/ports/store.js';
import type { Database } from './schema.js';

/** Stands for an argument while the query is compiled; replaced by the argument's value on each run. */
class Slot {
  constructor(readonly name: string) {}
}

interface Template {
  sql: string;
  query: CompiledQuery['query'];
  /** Per parameter: the argument it takes its value from, or null for a value fixed at build time. */
  slots: (string | null)[];
  fixed: unknown[];
}

/** Transaction-bound Kysely instances and the one connection each runs on (see bindConnection). */
const bound = new WeakMap<Kysely<Database>, DatabaseConnection>();

/**
 * Lets prepared queries on `db`, a Kysely instance bound to one connection for a transaction,
 * hand their compiled statement straight to that connection. Kysely's executor would take the
 * same connection through its single-connection provider and result transformers, several
 * promise hops per statement that cost as much as a small SQLite statement itself. Only without
 * plugins, whose transformers would be skipped; Kysely's `log` still sees every statement (it
 * wraps the connection itself).
 */
export async function bindConnection(db: Kysely<Database>): Promise<void> {
  if (db.getExecutor().plugins.length > 0) return;
  const connection = await db.getExecutor().provideConnection((c) => Promise.resolve(c));
  bound.set(db, connection);
}

/** Runs a compiled statement on `db`, straight on its connection when it is bound to one. */
export function executeCompiled<R>(
  db: Kysely<Database>,
  compiled: CompiledQuery<R>,
): Promise<QueryResult<R>> {
  const connection = bound.get(db);
  return connection === undefined
    ? db.executeQuery<R>(compiled)
    : connection.executeQuery<R>(compiled);
}

/**
 * A query built and compiled once per dialect, then run with new argument values: Kysely's
 * builder and compiler cost more than running the small statements of a work item's life, so
 * the statements on that path skip them. Graphile Worker's one-function-per-statement, with
 * Kysely still writing the SQL.
 *
 * `build` receives stand-ins for the arguments: pass them to the builder as values (where,
 * set, values), never inspect them; a value that shapes the SQL (a list, a flag) must be fixed
 * in `build` instead. Plugins' query transforms see the query once, at its first compile.
 */
export class PreparedQuery<A extends object, R> {
  readonly #templates = new Map<Dialect, Template>();

  constructor(
    private readonly build: (db: Kysely<Database>, args: A, dialect: Dialect) => Compilable<R>,
  ) {}

  private template(db: Kysely<Database>, dialect: Dialect): Template {
    let template = this.#templates.get(dialect);
    if (template === undefined) {
      const stand = new Proxy({}, { get: (_, key) => new Slot(String(key)) }) as A;
      const compiled = this.build(db, stand, dialect).compile();
      template = {
        sql: compiled.sql,
        query: compiled.query,
        slots: compiled.parameters.map((p) => (p instanceof Slot ? p.name : null)),
        fixed: compiled.parameters.map((p) => (p instanceof Slot ? undefined : p)),
      };
      this.#templates.set(dialect, template);
    }
    return template;
  }

  execute(db: Kysely<Database>, dialect: Dialect, args: A): Promise<QueryResult<R>> {
    const { sql, query, slots, fixed } = this.template(db, dialect);
    const values = args as Record<string, unknown>;
    const parameters = slots.map((slot, i) => (slot === null ? fixed[i] : values[slot]));
    return executeCompiled<R>(db, { sql, query, parameters, queryId: createQueryId() });
  }

  /** The first row, if any. */
  async takeFirst(db: Kysely<Database>, dialect: Dialect, args: A): Promise<R | undefined> {
    return (await this.execute(db, dialect, args)).rows[0];
  }

  /** Rows written, for an insert, update or delete. */
  async affected(db: Kysely<Database>, dialect: Dialect, args: A): Promise<bigint> {
    return (await this.execute(db, dialect, args)).numAffectedRows ?? 0n;
  }
}
