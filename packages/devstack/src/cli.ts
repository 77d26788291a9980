#!/usr/bin/env node
// `devstack up|down|status|logs`: the local no-Docker stack for tests and the demo.
import { readFileSync, existsSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { DEFAULT_PORTS, type StackPorts } from './endpoints.js';
import { defaultStateDir } from './paths.js';
import { stderrProgress } from './progress.js';
import { down, install, SERVICE_NAMES, status, up } from './stack.js';

function parsePort(value: string, previous: Partial<StackPorts> = {}): Partial<StackPorts> {
  const [name, raw] = value.split('=');
  if (!name || !(name in DEFAULT_PORTS)) {
    throw new InvalidArgumentError(`unknown port "${name}"; one of ${Object.keys(DEFAULT_PORTS).join(', ')}`);
  }
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new InvalidArgumentError(`port ${name} must be 1-65535`);
  return { ...previous, [name]: port };
}

const program = new Command('devstack')
  .description('Local GenOps stack on loopback: Kafka, collector, Jaeger, Prometheus, PostgreSQL, SaaS fakes')
  .option('--dir <path>', 'state folder of the stack (env GENOPS_DEVSTACK_DIR)', defaultStateDir());

program
  .command('up')
  .description('install what is missing (cached), start everything and wait for health')
  .option('--random-ports', 'use free random ports instead of the defaults')
  .option('--port <name=port>', 'override one port (repeatable)', parsePort)
  .option('--json', 'print the endpoints as JSON when up')
  .action(async (opts: { randomPorts?: boolean; port?: Partial<StackPorts>; json?: boolean }) => {
    const { dir } = program.opts<{ dir: string }>();
    const state = await up({
      stateDir: dir,
      ports: opts.port ?? {},
      randomPorts: opts.randomPorts === true,
      progress: stderrProgress,
    });
    if (opts.json) process.stdout.write(`${JSON.stringify(state.endpoints, null, 2)}\n`);
    else
      for (const [name, value] of Object.entries(state.endpoints))
        process.stdout.write(`${name.padEnd(20)} ${value}\n`);
  });

program
  .command('install')
  .description('install and build everything the stack needs into the cache, without starting it')
  .action(async () => {
    await install(stderrProgress);
  });

program
  .command('down')
  .description('stop every process this stack started, and nothing else')
  .option('--purge', 'also delete the stack’s data and logs')
  .action(async (opts: { purge?: boolean }) => {
    const { dir } = program.opts<{ dir: string }>();
    await down(dir, { removeData: opts.purge === true });
    stderrProgress('stack is down');
  });

program
  .command('status')
  .description('show the services and endpoints')
  .option('--json', 'print JSON: endpoints and services')
  .action((opts: { json?: boolean }) => {
    const { dir } = program.opts<{ dir: string }>();
    const current = status(dir);
    if (!current) {
      if (opts.json) process.stdout.write(`${JSON.stringify({ running: false, services: [] })}\n`);
      else process.stdout.write(`no stack at ${dir}\n`);
      process.exitCode = 3;
      return;
    }
    const running = current.services.length > 0 && current.services.every((s) => s.running);
    if (opts.json) {
      process.stdout.write(
        `${JSON.stringify({ running, ...current.state.endpoints, services: current.services }, null, 2)}\n`,
      );
      return;
    }
    for (const s of current.services)
      process.stdout.write(`${s.name.padEnd(12)} ${s.running ? 'running' : 'stopped'}  pid ${s.pid}\n`);
    for (const [name, value] of Object.entries(current.state.endpoints))
      process.stdout.write(`${name.padEnd(20)} ${value}\n`);
  });

program
  .command('logs <service>')
  .description(`print a service's log (${SERVICE_NAMES.join(', ')})`)
  .option('-n, --lines <count>', 'last lines only', (v) => Number(v))
  .action((service: string, opts: { lines?: number }) => {
    const { dir } = program.opts<{ dir: string }>();
    const found = status(dir)?.state.services.find((s) => s.name === service);
    if (!found || !existsSync(found.logFile)) {
      process.stderr.write(`no log for "${service}"; services: ${SERVICE_NAMES.join(', ')}\n`);
      process.exitCode = 2;
      return;
    }
    const lines = readFileSync(found.logFile, 'utf8').split('\n');
    process.stdout.write(`${(opts.lines ? lines.slice(-opts.lines - 1) : lines).join('\n')}`);
  });

program.parseAsync().catch((error: unknown) => {
  process.stderr.write(`devstack: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
