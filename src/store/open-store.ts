import type { Clock } from '../core/clock.js';
import { migrateToLatest, type MigrationReport } from './migrate.js';
import { closeDatabase, openDatabase } from './open-database.js';
import { SqlStore } from './sql-store.js';

export interface OpenedStore {
  store: SqlStore;
  location: string;
  migrations: MigrationReport | null;
}

/** Opens the database a URL names and, unless told not to, brings its schema up to date. */
export async function openStore(
  url: string,
  clock: Clock,
  options: { migrate?: boolean } = {},
): Promise<OpenedStore> {
  const { db, readDb, dialect, location } = openDatabase(url);
  try {
    const migrations = options.migrate === false ? null : await migrateToLatest(db);
    return { store: new SqlStore(db, dialect, clock, readDb), location, migrations };
  } catch (error) {
    if (readDb !== db) await closeDatabase(readDb);
    await db.destroy();
    throw error;
  }
}
