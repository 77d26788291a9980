// API tokens with roles and an optional team scope. From GENOPS_API_TOKENS (`secret` — every role, every team —
// or `secret:role+role@team+team`) or a tokens file (GENOPS_API_TOKENS_FILE) that names each secret's environment
// variable, so no secret sits in a file or a ConfigMap.
import { timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../errors.js';

/** read: reports and budget status · manage: change budgets · reserve: reservations · metrics: GET /metrics. */
export const ROLES = ['read', 'manage', 'reserve', 'metrics'] as const;
export type Role = (typeof ROLES)[number];

export interface AccessToken {
  /** For logs and errors; never the secret. */
  name: string;
  secret: string;
  roles: ReadonlySet<Role>;
  /** Teams this token may see and act for; undefined means every team. */
  teams?: ReadonlySet<string>;
}

/** Every role for every team: what a bare secret, and an API without tokens, grants. */
export const FULL_ACCESS: Omit<AccessToken, 'secret'> = { name: 'full access', roles: new Set(ROLES) };

function rolesOf(names: string[], where: string): Set<Role> {
  for (const r of names)
    if (!ROLES.includes(r as Role))
      throw new ConfigError(`${where}: unknown role "${r}"; one of ${ROLES.join(', ')}`);
  return new Set(names as Role[]);
}

/** One GENOPS_API_TOKENS entry: `secret`, or `secret:role+role`, optionally followed by `@team+team`. */
export function parseTokenEntry(entry: string, index: number): AccessToken {
  const where = `GENOPS_API_TOKENS entry ${index + 1}`;
  const colon = entry.indexOf(':');
  if (colon < 0) return { ...FULL_ACCESS, name: `token ${index + 1}`, secret: entry };
  const secret = entry.slice(0, colon);
  const [roles, teams] = entry.slice(colon + 1).split('@') as [string, string | undefined];
  if (!secret) throw new ConfigError(`${where}: the secret before ":" is empty`);
  const token: AccessToken = {
    name: `token ${index + 1}`,
    secret,
    roles: rolesOf(roles.split('+').filter(Boolean), where),
  };
  if (teams !== undefined) token.teams = new Set(teams.split('+').filter(Boolean));
  return token;
}

const TokensFile = z
  .object({
    tokens: z.array(
      z
        .object({
          name: z.string().min(1),
          /** The environment variable holding the secret. */
          secretEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name'),
          roles: z.array(z.enum(ROLES)).min(1),
          teams: z.array(z.string().min(1)).min(1).optional(),
        })
        .strict(),
    ),
  })
  .strict();

/** GENOPS_API_TOKENS_FILE: `tokens: [{ name, secretEnv, roles: [...], teams?: [...] }]`. */
export function readTokensFile(path: string, env: Record<string, string | undefined>): AccessToken[] {
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`GENOPS_API_TOKENS_FILE=${path}: ${(error as Error).message.split('\n')[0]}`);
  }
  const file = TokensFile.safeParse(parsed);
  if (!file.success) {
    const issue = file.error.issues[0]!;
    throw new ConfigError(`${path}: ${issue.path.join('.') || '(file)'}: ${issue.message}`);
  }
  return file.data.tokens.map((t, i) => {
    const secret = env[t.secretEnv];
    if (!secret) throw new ConfigError(`${path}: tokens.${i}.secretEnv: ${t.secretEnv} is not set`);
    return { name: t.name, secret, roles: new Set(t.roles), ...(t.teams ? { teams: new Set(t.teams) } : {}) };
  });
}

/** The token a bearer secret names, compared in constant time. */
export function authenticate(secret: string, tokens: readonly AccessToken[]): AccessToken | undefined {
  const given = Buffer.from(secret);
  let found: AccessToken | undefined;
  for (const t of tokens) {
    const known = Buffer.from(t.secret);
    if (given.length === known.length && timingSafeEqual(given, known)) found ??= t;
  }
  return found;
}
