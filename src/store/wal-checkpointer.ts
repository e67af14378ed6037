import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Runs in its own thread with its own connection: better-sqlite3 is synchronous, so a checkpoint
 * on the serving thread would stall every request while it writes pages back.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy or locked: the next round checkpoints what this one could not.
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.postMessage('stopped');
});
`;

/**
 * Copies a SQLite database's write-ahead log back into the database file in the background.
 * The serving connection turns automatic checkpoints off, so no commit pays for a checkpoint:
 * the log is synced at every commit (durability is the log's), the pages are written back here.
 */
export class WalCheckpointer {
  private constructor(private readonly worker: Worker) {}

  static start(file: string, intervalMs = 500): WalCheckpointer {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { driver, file, intervalMs },
    });
    // It must not keep a process alive that has nothing else to do.
    worker.unref();
    return new WalCheckpointer(worker);
  }

  /** A last checkpoint, then the thread ends. */
  async stop(): Promise<void> {
    const stopped = new Promise<void>((resolve) => {
      this.worker.once('message', () => {
        resolve();
      });
      this.worker.once('exit', () => {
        resolve();
      });
    });
    this.worker.postMessage('stop');
    await stopped;
    await this.worker.terminate();
  }
}
