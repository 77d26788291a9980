// PostgreSQL for the ledger, run as the `postgres` system user when we are root (the server refuses root).
import { chownSync, existsSync, mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { StackPorts } from '../endpoints.js';
import { runCommand } from '../run-command.js';
import type { ServiceSpec } from '../supervisor.js';

function asPostgresUser(command: string, args: string[]): [string, string[]] {
  if (process.getuid?.() !== 0) return [command, args];
  return ['setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', '--', command, ...args]];
}

function chownToPostgres(path: string): void {
  if (process.getuid?.() !== 0) return;
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  chownSync(path, uid, gid);
}

export async function preparePostgres(
  stateDir: string,
  ports: StackPorts,
  bins: { postgres: string; initdb: string },
): Promise<ServiceSpec> {
  const dir = join(stateDir, 'postgres');
  const dataDir = join(dir, 'data');
  const socketDir = join(dir, 'run');
  for (const d of [dir, socketDir]) {
    mkdirSync(d, { recursive: true });
    chownToPostgres(d);
  }
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    const [cmd, args] = asPostgresUser(bins.initdb, [
      '-D',
      dataDir,
      '-U',
      'genops',
      '--auth=trust',
      '-E',
      'UTF8',
      '--no-locale',
    ]);
    await runCommand(cmd, args);
  }
  const [command, args] = asPostgresUser(bins.postgres, [
    '-D',
    dataDir,
    '-h',
    '127.0.0.1',
    '-p',
    String(ports.postgres),
    '-k',
    socketDir,
    '-c',
    'max_connections=200',
  ]);
  return {
    name: 'postgres',
    command,
    args,
    env: {},
    cwd: dir,
    logFile: join(stateDir, 'logs', 'postgres.log'),
    health: { kind: 'tcp', port: ports.postgres },
    startTimeoutS: 60,
    processName: 'postgres',
  };
}

/** Creates the `genops` database once the server accepts connections. */
export async function createGenopsDatabase(port: number, postgresBin: string): Promise<void> {
  const psql = join(postgresBin, '..', 'psql');
  const deadline = Date.now() + 30_000;
  const args = ['-h', '127.0.0.1', '-p', String(port), '-U', 'genops', '-d', 'postgres', '-tAc'];
  for (;;) {
    try {
      const exists = await runCommand(psql, [...args, "SELECT 1 FROM pg_database WHERE datname = 'genops'"]);
      if (exists.trim() !== '1') await runCommand(psql, [...args, 'CREATE DATABASE genops']);
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}
