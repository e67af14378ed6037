import type { ApiToken } from '../model.js';

export interface TokenReader {
  /** The live (not revoked) token with this secret hash, or null. */
  findActiveByHash(hash: string): Promise<ApiToken | null>;
  get(id: string): Promise<ApiToken | null>;
  list(): Promise<ApiToken[]>;
}

export interface TokenStore extends TokenReader {
  /** Stores a token by the hash of its secret; the secret itself is never stored. */
  insert(token: ApiToken, secretHash: string): Promise<void>;
  revoke(id: string, at: string): Promise<void>;
}
