// A real `genops serve` for the console's browser tests: its own process, on the stack's Kafka, over a SQLite ledger
// preloaded with the bench's month (1,000,000 cost events, 50 teams with hard budgets, live reservations).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { preloadLedger } from '@genops/bench/preload';
import { freePort, ProcessorProcess } from '@genops/devstack';

export const TOKENS = {
  admin: 'console-admin-secret',
  /** Read-only, scoped to team-07. */
  reader: 'console-reader-secret',
} as const;

export interface ConsoleServer {
  url: string;
  nowMs: number;
  /** The API as the test sees it, with the admin token unless another is given. */
  api(path: string, init?: RequestInit & { token?: string }): Promise<Response>;
  stop(): Promise<void>;
}

export async function startConsoleServer(kafkaBrokers: string, events = 1_000_000): Promise<ConsoleServer> {
  const path = join(mkdtempSync(join(tmpdir(), 'genops-console-')), 'ledger.db');
  const nowMs = Date.now();
  await preloadLedger(`sqlite:${path}`, { events, teams: 50, liveReservations: 40, exceededTeams: 5, nowMs });
  const server = new ProcessorProcess(await freePort(), {
    GENOPS_LEDGER_URL: `sqlite:${path}`,
    GENOPS_KAFKA_BROKERS: kafkaBrokers,
    GENOPS_KAFKA_TOPIC: `console-${nowMs.toString(36)}`,
    GENOPS_KAFKA_GROUP: `console-${nowMs.toString(36)}`,
    GENOPS_API_TOKENS: `${TOKENS.admin},${TOKENS.reader}:read@team-07`,
  });
  await server.start();
  return {
    url: server.url,
    nowMs,
    api: (p, init = {}) =>
      fetch(`${server.url}${p}`, {
        ...init,
        headers: {
          authorization: `Bearer ${init.token ?? TOKENS.admin}`,
          'content-type': 'application/json',
          ...(init.headers as object),
        },
      }),
    stop: () => server.stop(),
  };
}

/** `USD 1,234.57` as the console shows money of a cent or more. */
export const usd = (value: number) =>
  new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', currencyDisplay: 'code' })
    .format(value)
    .replace(/\u00a0/g, ' ');
