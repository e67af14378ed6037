import type BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  createQueryId,
  IdentifierNode,
  RawNode,
  SelectQueryNode,
  SqliteDialect,
  type DatabaseConnection,
  type Driver,
  type QueryCompiler,
  type QueryResult,
} from 'kysely';

/** Distinct SQL texts kept prepared; the store's queries are a few dozen shapes. */
const DEFAULT_CACHE_SIZE = 500;

/**
 * Kysely's SQLite dialect, except that each distinct SQL text is prepared once and then reused.
 * Kysely's own driver calls `prepare` for every query, and preparing costs about as much as
 * running the small statements the stores issue. Everything else (compiler, adapter,
 * introspector) is Kysely's.
 */
export class CachedSqliteDialect extends SqliteDialect {
  constructor(
    private readonly database: BetterSqlite3.Database,
    private readonly cacheSize = DEFAULT_CACHE_SIZE,
  ) {
    super({ database });
  }

  override createDriver(): Driver {
    return new CachedSqliteDriver(this.database, this.cacheSize);
  }
}

class CachedSqliteDriver implements Driver {
  readonly #connection: CachedSqliteConnection;
  readonly #mutex = new ConnectionMutex();

  constructor(
    private readonly database: BetterSqlite3.Database,
    cacheSize: number,
  ) {
    this.#connection = new CachedSqliteConnection(database, cacheSize);
  }

  async init(): Promise<void> {
    // The database is opened by the caller.
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    // SQLite has a single connection: wait until it is released.
    await this.#mutex.lock();
    return this.#connection;
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin'));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async savepoint(
    connection: DatabaseConnection,
    name: string,
    compileQuery: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await connection.executeQuery(
      compileQuery(savepointCommand('savepoint', name), createQueryId()),
    );
  }

  async rollbackToSavepoint(
    connection: DatabaseConnection,
    name: string,
    compileQuery: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await connection.executeQuery(
      compileQuery(savepointCommand('rollback to', name), createQueryId()),
    );
  }

  async releaseSavepoint(
    connection: DatabaseConnection,
    name: string,
    compileQuery: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await connection.executeQuery(compileQuery(savepointCommand('release', name), createQueryId()));
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- the Driver interface is async
  async releaseConnection(): Promise<void> {
    this.#mutex.unlock();
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- the Driver interface is async
  async destroy(): Promise<void> {
    this.#connection.clear();
    this.database.close();
  }
}

/** As Kysely builds it: the identifier node gets the savepoint name sanitized. */
function savepointCommand(command: string, name: string): RawNode {
  return RawNode.createWithChildren([
    RawNode.createWithSql(`${command} `),
    IdentifierNode.create(name),
  ]);
}

class CachedSqliteConnection implements DatabaseConnection {
  /** Least recently used first: a Map iterates in insertion order and hits are re-inserted. */
  readonly #statements = new Map<string, BetterSqlite3.Statement>();

  constructor(
    private readonly database: BetterSqlite3.Database,
    private readonly cacheSize: number,
  ) {}

  private statement(sql: string): BetterSqlite3.Statement {
    const cached = this.#statements.get(sql);
    if (cached !== undefined) {
      this.#statements.delete(sql);
      this.#statements.set(sql, cached);
      return cached;
    }
    const statement = this.database.prepare(sql);
    this.#statements.set(sql, statement);
    if (this.#statements.size > this.cacheSize) {
      const oldest = this.#statements.keys().next();
      if (oldest.done !== true) this.#statements.delete(oldest.value);
    }
    return statement;
  }

  executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const statement = this.statement(compiledQuery.sql);
    const parameters = compiledQuery.parameters as unknown[];
    if (statement.reader) return Promise.resolve({ rows: statement.all(parameters) as R[] });
    const { changes, lastInsertRowid } = statement.run(parameters);
    return Promise.resolve({
      numAffectedRows: BigInt(changes),
      insertId: BigInt(lastInsertRowid),
      rows: [],
    });
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- better-sqlite3 iterates synchronously
  async *streamQuery<R>(compiledQuery: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    if (!SelectQueryNode.is(compiledQuery.query))
      throw new Error('Sqlite driver only supports streaming of select queries');
    // Not from the cache: a statement being iterated cannot run anything else meanwhile.
    const statement = this.database.prepare(compiledQuery.sql);
    for (const row of statement.iterate(compiledQuery.parameters)) yield { rows: [row as R] };
  }

  clear(): void {
    this.#statements.clear();
  }
}

/** One holder of the connection at a time, as in Kysely's SqliteDriver. */
class ConnectionMutex {
  #promise: Promise<void> | undefined;
  #resolve: (() => void) | undefined;

  async lock(): Promise<void> {
    while (this.#promise !== undefined) await this.#promise;
    this.#promise = new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }

  unlock(): void {
    const resolve = this.#resolve;
    this.#promise = undefined;
    this.#resolve = undefined;
    resolve?.();
  }
}
