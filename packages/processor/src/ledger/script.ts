// A ledger script: statements yielded one at a time with the rows of each sent back in, so the same logic runs on
// SQLite (synchronously, inside its transaction) and PostgreSQL (on one client). The drivers' shared vocabulary.

export type Dialect = 'sqlite' | 'postgres';

export type Row = Record<string, unknown>;

/**
 * One statement with `$1`, `$2`, … parameters (SQLite binds them by number too); `lock` asks PostgreSQL for FOR
 * UPDATE on the rows read (SQLite holds the write lock already).
 */
export interface Query {
  sql: string;
  params: unknown[];
  lock?: boolean;
}

/**
 * Many rows into one table. SQLite inserts them one by one with a statement prepared once; PostgreSQL sends one
 * `unnest` statement however many rows there are. The conflict clause is the same in both dialects.
 */
export interface BatchInsert {
  insert: string;
  columns: readonly string[];
  /** Values in column order. */
  rows: readonly (readonly unknown[])[];
  /** `ON CONFLICT (…) DO NOTHING` or `… DO UPDATE SET …`. */
  onConflict: string;
  /** With DO NOTHING: these columns of the rows actually inserted come back. */
  returning?: readonly string[];
}

export type Step = Query | BatchInsert;

export type Script<T> = Generator<Step, T, Row[]>;

export const isBatchInsert = (step: Step): step is BatchInsert => 'insert' in step;

/** Runs a script with a synchronous executor (SQLite). */
export function runSync<T>(script: Script<T>, exec: (step: Step) => Row[]): T {
  let step = script.next();
  while (!step.done) step = script.next(exec(step.value));
  return step.value;
}

/** Runs a script with an asynchronous executor (PostgreSQL). */
export async function runAsync<T>(script: Script<T>, exec: (step: Step) => Promise<Row[]>): Promise<T> {
  let step = script.next();
  while (!step.done) step = script.next(await exec(step.value));
  return step.value;
}

/** `column IN (list)` with the list as one parameter: a PostgreSQL array, or JSON that SQLite's json_each reads. */
export function inList(
  dialect: Dialect,
  column: string,
  values: readonly string[],
  n = 1,
): { sql: string; param: unknown } {
  return dialect === 'postgres'
    ? { sql: `${column} = ANY($${n})`, param: values }
    : { sql: `${column} IN (SELECT value FROM json_each($${n}))`, param: JSON.stringify(values) };
}

/** An integer column as a bigint (node-postgres hands BIGINT back as a string, better-sqlite3 as a number). */
export const big = (v: unknown): bigint => BigInt(String(v));

/** Rows a claiming subquery locks: PostgreSQL's processors claiming at once skip each other's (SQLite has one writer). */
export const skipLocked = (dialect: Dialect) => (dialect === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '');
