/** Every migration, in version order. 001 core (collector core), 002 incidents, 003 SLA / maintenance. */
import type Database from 'better-sqlite3';

export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database): void;
}

export const migrations: Migration[] = [];
