import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from './open-database.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return condition();
}

describe('SQLite checkpoints', () => {
  it('are not run by commits but by the background checkpointer, which writes the log back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'autonomy-checkpoint-'));
    dirs.push(dir);
    const file = join(dir, 'db.sqlite');
    const { db } = openDatabase(file);
    try {
      const setting = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(
        db,
      );
      expect(setting.rows[0]?.wal_autocheckpoint).toBe(0);
      await sql`create table t (x text)`.execute(db);
      const before = statSync(file).size;
      // Far less than the 1000 pages an automatic checkpoint would wait for.
      for (let i = 0; i < 50; i++)
        await sql`insert into t values (${'x'.repeat(4000)})`.execute(db);
      expect(await until(() => statSync(file).size > before + 50 * 4000, 5000)).toBe(true);
    } finally {
      await db.destroy();
    }
  });
});
