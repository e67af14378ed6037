import type { Kysely, Selectable } from 'kysely';
import type { ApiToken, TokenRole } from '../core/model.js';
import type { TokenStore } from '../core/ports/token-store.js';
import type { ApiTokensTable, Database } from './schema.js';

const toToken = (row: Omit<Selectable<ApiTokensTable>, 'secret_hash'>): ApiToken => ({
  id: row.id,
  name: row.name,
  role: row.role as TokenRole,
  actorId: row.actor_id,
  createdAt: row.created_at,
  revokedAt: row.revoked_at,
});

const PUBLIC_COLUMNS = ['id', 'name', 'role', 'actor_id', 'created_at', 'revoked_at'] as const;

export class SqlTokenStore implements TokenStore {
  constructor(private readonly db: Kysely<Database>) {}

  async findActiveByHash(hash: string): Promise<ApiToken | null> {
    const row = await this.db
      .selectFrom('api_tokens')
      .select(PUBLIC_COLUMNS)
      .where('secret_hash', '=', hash)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return row === undefined ? null : toToken(row);
  }

  async get(id: string): Promise<ApiToken | null> {
    const row = await this.db
      .selectFrom('api_tokens')
      .select(PUBLIC_COLUMNS)
      .where('id', '=', id)
      .executeTakeFirst();
    return row === undefined ? null : toToken(row);
  }

  async list(): Promise<ApiToken[]> {
    return (
      await this.db.selectFrom('api_tokens').select(PUBLIC_COLUMNS).orderBy('id').execute()
    ).map(toToken);
  }

  async insert(token: ApiToken, secretHash: string): Promise<void> {
    await this.db
      .insertInto('api_tokens')
      .values({
        id: token.id,
        name: token.name,
        role: token.role,
        actor_id: token.actorId,
        secret_hash: secretHash,
        created_at: token.createdAt,
        revoked_at: token.revokedAt,
      })
      .execute();
  }

  async revoke(id: string, at: string): Promise<void> {
    await this.db.updateTable('api_tokens').set({ revoked_at: at }).where('id', '=', id).execute();
  }
}
