/**
 * Web console sessions (collector/api/sessions.ts). Only the SHA-256 of the cookie value is stored, so a copy of
 * the database cannot be used to log in. `revoked_at_ms` is set by logout or by an admin. (Version 12 after the
 * issue that introduced the console; versions need not be contiguous.)
 */
import type { Migration } from './index.js';

export const migration012ConsoleSessions: Migration = {
  version: 12,
  name: 'console_sessions',
  up(db) {
    db.exec(`
      CREATE TABLE console_sessions (
        id INTEGER PRIMARY KEY,
        token_sha256 TEXT NOT NULL UNIQUE,
        csrf_token TEXT NOT NULL,
        user_name TEXT NOT NULL,
        remember INTEGER NOT NULL,
        created_at_ms INTEGER NOT NULL,
        expires_at_ms INTEGER NOT NULL,
        last_seen_ms INTEGER NOT NULL,
        user_agent TEXT,
        address TEXT,
        revoked_at_ms INTEGER,
        revoked_by TEXT
      );
      CREATE INDEX console_sessions_user ON console_sessions (user_name);
    `);
  },
};
