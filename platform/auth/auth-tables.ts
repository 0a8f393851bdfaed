// Row types of the login tables (migration 0010) and the admin audit log (0011), as kysely sees them.
import type { ColumnType, Generated } from 'kysely';

export interface UserPasswordsTable {
  user_id: string;
  /** argon2id PHC string. */
  hash: string;
  changed_at: Generated<Date>;
}

export interface SessionsTable {
  id: Generated<string>;
  /** SHA-256 of the cookie's token: a leaked table does not open sessions. */
  token_hash: Buffer;
  csrf_hash: Buffer;
  user_id: string;
  created_at: Generated<Date>;
  expires_at: Date;
  user_agent: string | null;
}

export interface ApiTokensTable {
  id: Generated<string>;
  token_hash: Buffer;
  prefix: string;
  name: string;
  user_id: string;
  space_id: string | null;
  created_at: Generated<Date>;
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export interface AdminAuditTable {
  id: ColumnType<string, never, never>;
  at: Generated<Date>;
  actor_id: string | null;
  action: string;
  space_id: string | null;
  target: string | null;
  // Inserted as a jsonb expression; never updated (the table is append-only).
  details: ColumnType<Record<string, unknown>, unknown, never>;
}
