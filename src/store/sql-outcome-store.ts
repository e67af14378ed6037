import type { Kysely } from 'kysely';
import type {
  KeyResultSnapshot,
  KeyResultStatus,
  OutcomeStore,
} from '../core/ports/outcome-store.js';
import type { Database, KeyResultSnapshotsTable } from './schema.js';

const toSnapshot = (row: KeyResultSnapshotsTable): KeyResultSnapshot => ({
  objectiveId: row.objective_id,
  keyResultId: row.key_result_id,
  at: row.at,
  value: row.value,
  progress: row.progress,
  forecast: row.forecast,
  status: row.status as KeyResultStatus,
});

export class SqlOutcomeStore implements OutcomeStore {
  constructor(private readonly db: Kysely<Database>) {}

  async listSnapshots(
    objectiveId: string,
    keyResultId: string,
    options: { since?: string; limit?: number } = {},
  ): Promise<KeyResultSnapshot[]> {
    let query = this.db
      .selectFrom('key_result_snapshots')
      .selectAll()
      .where('objective_id', '=', objectiveId)
      .where('key_result_id', '=', keyResultId);
    if (options.since !== undefined) query = query.where('at', '>=', options.since);
    // Newest first to take the last `limit`, then back to oldest first.
    const rows = await query
      .orderBy('at', 'desc')
      .limit(options.limit ?? 10_000)
      .execute();
    return rows.reverse().map(toSnapshot);
  }

  async latestSnapshot(
    objectiveId: string,
    keyResultId: string,
  ): Promise<KeyResultSnapshot | null> {
    const row = await this.db
      .selectFrom('key_result_snapshots')
      .selectAll()
      .where('objective_id', '=', objectiveId)
      .where('key_result_id', '=', keyResultId)
      .orderBy('at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row === undefined ? null : toSnapshot(row);
  }

  async recordSnapshot(snapshot: KeyResultSnapshot): Promise<void> {
    const values = {
      value: snapshot.value,
      progress: snapshot.progress,
      forecast: snapshot.forecast,
      status: snapshot.status,
    };
    await this.db
      .insertInto('key_result_snapshots')
      .values({
        objective_id: snapshot.objectiveId,
        key_result_id: snapshot.keyResultId,
        at: snapshot.at,
        ...values,
      })
      .onConflict((oc) => oc.columns(['objective_id', 'key_result_id', 'at']).doUpdateSet(values))
      .execute();
  }
}
