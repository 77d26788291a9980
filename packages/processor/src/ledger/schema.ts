// The ledger schema: frozen migrations per dialect (migrations/), literal SQL that never follows the code's constants.
import { POSTGRES_MIGRATIONS } from './migrations/postgres-migrations.js';
import { SQLITE_MIGRATIONS } from './migrations/sqlite-migrations.js';
import type { Dialect } from './script.js';

export type { Dialect };

/** Schema migrations in order; version N is index N-1. Never edit a released one: append, in both dialects. */
export function migrations(dialect: Dialect): readonly string[] {
  return dialect === 'sqlite' ? SQLITE_MIGRATIONS : POSTGRES_MIGRATIONS;
}
