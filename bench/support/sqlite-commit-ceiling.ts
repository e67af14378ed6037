import type BetterSqlite3 from 'better-sqlite3';

export interface CommitCeiling {
  commitsPerSecond: number;
  /** What the probe ran with, so a caller can refuse a probe that did not sync. */
  synchronous: string;
}

/**
 * How many write transactions per second the disk lets SQLite commit with synchronous=FULL:
 * `commits` one-page transactions (begin immediate; update; commit) timed on the connection's
 * file. An empty transaction writes nothing to the WAL and would not sync, hence the update of
 * a probe table of its own. No engine committing once per transaction can exceed this.
 */
export function sqliteCommitCeiling(db: BetterSqlite3.Database, commits: number): CommitCeiling {
  db.pragma('synchronous = FULL');
  const synchronous = ['OFF', 'NORMAL', 'FULL', 'EXTRA'][
    Number(db.pragma('synchronous', { simple: true }))
  ];
  db.exec('create table if not exists bench_commit_probe (n integer not null)');
  db.exec('insert into bench_commit_probe (n) values (0)');
  const begin = db.prepare('begin immediate');
  const write = db.prepare('update bench_commit_probe set n = n + 1');
  const commit = db.prepare('commit');
  const start = process.hrtime.bigint();
  for (let i = 0; i < commits; i += 1) {
    begin.run();
    write.run();
    commit.run();
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { commitsPerSecond: commits / seconds, synchronous: synchronous ?? '?' };
}
