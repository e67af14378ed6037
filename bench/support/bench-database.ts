import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The database a benchmark needs cannot be reached: its rows are reported as skipped. */
export class Unavailable extends Error {}

export interface BenchDatabase {
  name: string;
  url: string;
  /** Drops the database once every connection to it is gone. */
  drop: () => Promise<void>;
}

/** A PostgreSQL database of the benchmark's own, `<prefix>_<random>`, created on `adminUrl`. */
export async function createBenchDatabase(
  adminUrl: string,
  prefix: string,
): Promise<BenchDatabase> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  try {
    await admin.connect();
  } catch (error) {
    const safe = new URL(adminUrl);
    safe.password = '';
    throw new Unavailable(
      `PostgreSQL at ${safe.toString()} is not reachable (${error instanceof Error ? error.message : String(error)}); set BENCH_POSTGRES_URL`,
    );
  }
  await admin.query(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: async () => {
      // pg's pool.end() resolves before its connections are closed: wait for them to go, as a
      // forced drop would kill them mid-close and their clients would raise an unhandled error.
      for (let tries = 0; tries < 100; tries += 1) {
        const { rows } = await admin.query<{ n: number }>(
          'select count(*)::int as n from pg_stat_activity where datname = $1',
          [name],
        );
        if ((rows[0]?.n ?? 0) === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}
