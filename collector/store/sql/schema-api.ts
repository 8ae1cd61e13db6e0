/** Row types of console_sessions (both engines; integers as numbers). Columns as in migrations/012_console_sessions.ts. */
import type { Generated } from 'kysely';

export interface ConsoleSessionsTable {
  id: Generated<number>;
  /** SHA-256 (hex) of the cookie value; the value itself is never stored. */
  token_sha256: string;
  csrf_token: string;
  user_name: string;
  /** 0/1 */
  remember: number;
  created_at_ms: number;
  expires_at_ms: number;
  last_seen_ms: number;
  user_agent: string | null;
  address: string | null;
  revoked_at_ms: number | null;
  revoked_by: string | null;
}

export interface ApiTables {
  console_sessions: ConsoleSessionsTable;
}
