// The processor's configuration, from the environment (DESIGN.md "Commands"), validated at start-up.
import { PRICE_SOURCES, type PriceSource } from '@genops/pricing';
import { z } from 'zod';
import { ConfigError } from './errors.js';
import { parseTokenEntry, readTokensFile, type AccessToken } from './http/access.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

const Env = z.object({
  GENOPS_KAFKA_BROKERS: z.string().min(1).default('127.0.0.1:9092'),
  GENOPS_KAFKA_TOPIC: z.string().min(1).default('genops.cost-spans'),
  GENOPS_KAFKA_GROUP: z.string().min(1).default('genops-processor'),
  GENOPS_KAFKA_DLQ_TOPIC: z.string().min(1).default('genops.cost-spans.dlq'),
  GENOPS_KAFKA_ALERTS_TOPIC: z.string().min(1).default('genops.budget-alerts'),
  GENOPS_KAFKA_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6000).max(300_000).default(30_000),
  GENOPS_LEDGER_URL: z.string().min(1).default('sqlite:./genops.db'),
  GENOPS_HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  GENOPS_HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  GENOPS_API_TOKENS: z.string().optional(),
  GENOPS_API_TOKENS_FILE: z.string().optional(),
  GENOPS_METRICS_AUTH: z.enum(['open', 'token']).default('open'),
  GENOPS_BUDGETS_FILE: z.string().optional(),
  GENOPS_ALERT_WEBHOOK_URL: z.string().url().optional(),
  GENOPS_RESERVATION_SWEEP_MS: z.coerce.number().int().min(100).max(3_600_000).default(1000),
  GENOPS_DECISION_LOG_SIZE: z.coerce.number().int().min(1).max(1_000_000).default(2000),
  GENOPS_PRICES_WATCH_MS: z.coerce.number().int().min(100).max(3_600_000).default(5000),
  GENOPS_READY_MAX_LAG: z.coerce.number().int().min(0).default(100_000),
  GENOPS_DECODE_THREAD: z.enum(['on', 'off']).default('on'),
  GENOPS_INGEST_THREADS: z.enum(['on', 'off']).default('on'),
  GENOPS_BUDGET_LEASES: z.enum(['on', 'off']).default('on'),
  GENOPS_ALERT_RETRY_MS: z.coerce.number().int().min(100).max(3_600_000).default(2000),
  GENOPS_PRICES_FILE: z.string().min(1).default('genops-prices.json'),
  GENOPS_ATTRIBUTION_RULES_FILE: z.string().optional(),
  GENOPS_PRICE_SYNC_SOURCE: z.enum([...PRICE_SOURCES, 'off']).default('openrouter'),
  GENOPS_PRICE_SYNC_URL: z.string().url().optional(),
  GENOPS_PRICE_SYNC_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .max(7 * 86_400_000)
    .default(86_400_000),
  GENOPS_OPENROUTER_API_KEY: z.string().optional(),
  GENOPS_OPENROUTER_URL: z.string().url().default('https://openrouter.ai/api/v1'),
  GENOPS_RECONCILE_SAMPLE: z.coerce.number().min(0).max(1).default(0.05),
  GENOPS_RECONCILE_RATE: z.coerce.number().min(0.1).max(1000).default(5),
  GENOPS_RECONCILE_INTERVAL_MS: z.coerce.number().int().min(100).max(86_400_000).default(30_000),
  GENOPS_RECONCILE_RETRY_MS: z.coerce.number().int().min(10).max(86_400_000).default(5_000),
  GENOPS_RECONCILE_GIVE_UP_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .max(90 * 86_400_000)
    .default(3 * 86_400_000),
});

export interface ProcessorConfig {
  kafkaBrokers: string[];
  topic: string;
  groupId: string;
  dlqTopic: string;
  /** How long a crashed instance holds its partitions before the group reassigns them. */
  sessionTimeoutMs: number;
  ledgerUrl: string;
  httpHost: string;
  httpPort: number;
  /** Bearer tokens the HTTP API accepts, with roles and team scopes; empty means no auth (loopback only). */
  apiTokens: AccessToken[];
  /** `token`: GET /metrics needs a token with the metrics role (it shows every team's spend). */
  metricsAuth: 'open' | 'token';
  /** YAML budgets loaded at start-up. */
  budgetsFile?: string;
  /** Slack-compatible webhook for budget alerts. */
  alertWebhookUrl?: string;
  /** Topic for budget alerts (JSON). */
  alertsTopic: string;
  /** How often expired reservations are swept (once the consumer has caught up past their expiry), ms. */
  reservationSweepMs: number;
  /** Admission decisions kept for the console and GET /v1/decisions (the newest). */
  decisionLogSize: number;
  /** How often GENOPS_PRICES_FILE is checked for changes (reloaded, and unpriced calls priced, when it changed), ms. */
  pricesWatchMs: number;
  /** Messages behind a partition's end above which /readyz reports not ready. */
  readyMaxLag: number;
  /** Decode cost-topic messages on a thread of their own, overlapping the ledger write (GENOPS_DECODE_THREAD=on). */
  decodeThread: boolean;
  /**
   * SQLite in a file: decode and write the consumer's batches on two ingest threads with connections of their own, one
   * writing while the other decodes (GENOPS_INGEST_THREADS, on by default; consumer/ingest-threads.ts).
   */
  ingestThreads: boolean;
  /**
   * PostgreSQL: each processor holds a share of its hot budgets' headroom as an escrow lease and admits against it
   * without locking the budget's row (GENOPS_BUDGET_LEASES, on by default; ledger/lease-keeper.ts).
   */
  budgetLeases: boolean;
  /** How often queued budget alerts (failed or left by a crash) are delivered again, ms. */
  alertRetryMs: number;
  /** Who pays for spans that do not say (`service.name: checkout-*` → team payments). */
  attributionRulesFile?: string;
  /** Price history laid over the bundled catalog (JSON or YAML), read when it exists; the sync appends to it. */
  pricesFile: string;
  /** Sync `pricesFile` from this source on a schedule and reload the catalog when a price changed; off: unset. */
  priceSync?: { source: PriceSource; url?: string; intervalMs: number };
  /** Reconciliation with OpenRouter's generation stats; on when GENOPS_OPENROUTER_API_KEY is set. */
  reconcile?: ReconcileConfig;
}

export interface ReconcileConfig {
  apiKey: string;
  /** OpenRouter's API base, e.g. https://openrouter.ai/api/v1 */
  url: string;
  /** Fraction of calls with a provider-reported cost also checked (estimated ones always are). */
  sampleRate: number;
  /** Lookups per second at most. */
  ratePerSecond: number;
  intervalMs: number;
  /** First retry delay of a call whose stats are not available yet (doubling per attempt). */
  retryBaseMs: number;
  /** Give up on a call not reconciled this long after it was recorded. */
  giveUpAfterMs: number;
}

export function loadConfig(env: Record<string, string | undefined> = process.env): ProcessorConfig {
  const parsed = Env.safeParse(
    Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')),
  );
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`${issue.path.join('.')}: ${issue.message}`);
  }
  const e = parsed.data;
  const apiTokens = [
    ...(e.GENOPS_API_TOKENS ?? '')
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean)
      .map(parseTokenEntry),
    ...(e.GENOPS_API_TOKENS_FILE ? readTokensFile(e.GENOPS_API_TOKENS_FILE, env) : []),
  ];
  if (e.GENOPS_METRICS_AUTH === 'token' && !apiTokens.some((t) => t.roles.has('metrics')))
    throw new ConfigError(
      'GENOPS_METRICS_AUTH=token: no API token has the metrics role, so nothing could scrape',
    );
  if (!LOOPBACK.has(e.GENOPS_HTTP_HOST) && apiTokens.length === 0) {
    throw new ConfigError(
      `GENOPS_HTTP_HOST=${e.GENOPS_HTTP_HOST} is not loopback: set GENOPS_API_TOKENS (comma-separated bearer tokens) or GENOPS_API_TOKENS_FILE to listen beyond this machine`,
    );
  }
  return {
    kafkaBrokers: e.GENOPS_KAFKA_BROKERS.split(',')
      .map((b) => b.trim())
      .filter(Boolean),
    topic: e.GENOPS_KAFKA_TOPIC,
    groupId: e.GENOPS_KAFKA_GROUP,
    dlqTopic: e.GENOPS_KAFKA_DLQ_TOPIC,
    sessionTimeoutMs: e.GENOPS_KAFKA_SESSION_TIMEOUT_MS,
    ledgerUrl: e.GENOPS_LEDGER_URL,
    httpHost: e.GENOPS_HTTP_HOST,
    httpPort: e.GENOPS_HTTP_PORT,
    apiTokens,
    metricsAuth: e.GENOPS_METRICS_AUTH,
    ...(e.GENOPS_BUDGETS_FILE ? { budgetsFile: e.GENOPS_BUDGETS_FILE } : {}),
    ...(e.GENOPS_ALERT_WEBHOOK_URL ? { alertWebhookUrl: e.GENOPS_ALERT_WEBHOOK_URL } : {}),
    alertsTopic: e.GENOPS_KAFKA_ALERTS_TOPIC,
    reservationSweepMs: e.GENOPS_RESERVATION_SWEEP_MS,
    decisionLogSize: e.GENOPS_DECISION_LOG_SIZE,
    pricesWatchMs: e.GENOPS_PRICES_WATCH_MS,
    readyMaxLag: e.GENOPS_READY_MAX_LAG,
    decodeThread: e.GENOPS_DECODE_THREAD === 'on',
    ingestThreads: e.GENOPS_INGEST_THREADS === 'on',
    budgetLeases: e.GENOPS_BUDGET_LEASES === 'on',
    alertRetryMs: e.GENOPS_ALERT_RETRY_MS,
    pricesFile: e.GENOPS_PRICES_FILE,
    ...(e.GENOPS_ATTRIBUTION_RULES_FILE ? { attributionRulesFile: e.GENOPS_ATTRIBUTION_RULES_FILE } : {}),
    ...(e.GENOPS_PRICE_SYNC_SOURCE !== 'off'
      ? {
          priceSync: {
            source: e.GENOPS_PRICE_SYNC_SOURCE,
            ...(e.GENOPS_PRICE_SYNC_URL ? { url: e.GENOPS_PRICE_SYNC_URL } : {}),
            intervalMs: e.GENOPS_PRICE_SYNC_INTERVAL_MS,
          },
        }
      : {}),
    ...(e.GENOPS_OPENROUTER_API_KEY
      ? {
          reconcile: {
            apiKey: e.GENOPS_OPENROUTER_API_KEY,
            url: e.GENOPS_OPENROUTER_URL,
            sampleRate: e.GENOPS_RECONCILE_SAMPLE,
            ratePerSecond: e.GENOPS_RECONCILE_RATE,
            intervalMs: e.GENOPS_RECONCILE_INTERVAL_MS,
            retryBaseMs: e.GENOPS_RECONCILE_RETRY_MS,
            giveUpAfterMs: e.GENOPS_RECONCILE_GIVE_UP_MS,
          },
        }
      : {}),
  };
}
