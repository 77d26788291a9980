// A ledger script: statements yielded one at a time with the rows of each sent back in, so the same logic runs on
// SQLite (synchronously, inside its transaction) and PostgreSQL (on one client). The drivers' shared vocabulary.

export type Dialect = 'sqlite' | 'postgres';

export type Row = Record<string, unknown>;

/** One statement; `lock` asks PostgreSQL for FOR UPDATE on the rows read (SQLite holds the write lock already). */
export interface Query {
  sql: string;
  params: unknown[];
  lock?: boolean;
}

export type Script<T> = Generator<Query, T, Row[]>;

/** Runs a script with a synchronous executor (SQLite). */
export function runSync<T>(script: Script<T>, exec: (q: Query) => Row[]): T {
  let step = script.next();
  while (!step.done) step = script.next(exec(step.value));
  return step.value;
}

/** Runs a script with an asynchronous executor (PostgreSQL). */
export async function runAsync<T>(script: Script<T>, exec: (q: Query) => Promise<Row[]>): Promise<T> {
  let step = script.next();
  while (!step.done) step = script.next(await exec(step.value));
  return step.value;
}
