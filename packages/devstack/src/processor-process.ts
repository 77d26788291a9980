// Runs `genops serve` as a real child process: tests kill -9 it, benchmarks load it from another process.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { repoRoot } from './paths.js';

/**
 * The Node flags a processor runs with, here as in its image (Dockerfile): V8's garbage collector on the processor's
 * own thread. Its parallel helpers (a thread per core of the host, whatever a container's CPU limit) woke on every
 * core at each young-generation collection, delaying the database and every process beside it: bench:budgets on two
 * cores (PostgreSQL, two processors, four budgets a call) measured p99 8–12 ms with them and 6–7 ms without.
 */
export const PROCESSOR_NODE_FLAGS = ['--single-threaded-gc'];

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export class ProcessorProcess {
  private child: ChildProcess | undefined;
  readonly output: string[] = [];

  constructor(
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const cli = join(repoRoot(), 'packages', 'processor', 'dist', 'cli.js');
    // GENOPS_PROCESSOR_NODE_ARGS: Node flags added for every processor started here (a bench's, a test's), e.g.
    // `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile them — NODE_OPTIONS refuses --cpu-prof.
    const nodeArgs = [
      ...PROCESSOR_NODE_FLAGS,
      ...(process.env.GENOPS_PROCESSOR_NODE_ARGS ?? '').split(' ').filter(Boolean),
    ];
    const child = spawn(process.execPath, [...nodeArgs, cli, 'serve'], {
      // No daily price fetch from the internet unless a test asks for one.
      env: {
        GENOPS_PRICE_SYNC_SOURCE: 'off',
        ...process.env,
        ...this.env,
        GENOPS_HTTP_PORT: String(this.port),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d: Buffer) => this.output.push(d.toString()));
    child.stderr!.on('data', (d: Buffer) => this.output.push(d.toString()));
    child.on('exit', (code, signal) =>
      this.output.push(`[genops serve exited: code ${code}, signal ${signal}]\n`),
    );
    this.child = child;
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (this.exited) throw new Error(`genops serve exited: ${this.output.join('').slice(-2000)}`);
      try {
        const res = await fetch(`${this.url}/healthz`, { signal: AbortSignal.timeout(2000) });
        await res.arrayBuffer();
        if (res.ok) return;
      } catch {
        /* not listening yet */
      }
      if (Date.now() > deadline)
        throw new Error(`genops serve not healthy: ${this.output.join('').slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  private get exited(): boolean {
    return !this.child || this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** SIGSTOP: the process keeps its sockets and its place in the consumer group, but does nothing. */
  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  /** SIGCONT after pause(). */
  resume(): void {
    this.child?.kill('SIGCONT');
  }

  /** kill -9: no drain, no commit. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || this.exited) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || this.exited) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
}
