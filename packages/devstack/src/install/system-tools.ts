// Tools that come from Debian packages: found on PATH or in their package's folder. When one is missing and we
// run as root on Debian, `ensureSystemPackages` installs it with apt-get (with progress); otherwise the error
// names the one command to run.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Progress } from '../progress.js';
import { runCommand } from '../run-command.js';

export class MissingToolError extends Error {
  readonly code = 'MISSING_TOOL';
  constructor(tools: string[], debianPackages: string[]) {
    super(
      `devstack needs ${tools.join(', ')}: install with \`sudo apt-get install -y ${debianPackages.join(' ')}\` (as root, \`npm test\` and \`npm run demo\` do it themselves)`,
    );
    this.name = 'MissingToolError';
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const candidate = join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

function postgresBin(name: string): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  for (const version of versions) {
    const candidate = join(root, version, 'bin', name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

export interface SystemTools {
  postgres: string;
  initdb: string;
  java: string;
}

/** Every tool the stack and the tests take from Debian, and the package that brings it. */
const DEBIAN_TOOLS: { tool: string; pkg: string; find: () => string | undefined }[] = [
  { tool: 'postgres', pkg: 'postgresql', find: () => postgresBin('postgres') },
  { tool: 'initdb', pkg: 'postgresql', find: () => postgresBin('initdb') },
  { tool: 'psql', pkg: 'postgresql-client', find: () => onPath('psql') },
  { tool: 'kcat', pkg: 'kcat', find: () => onPath('kcat') },
  { tool: 'java', pkg: 'openjdk-17-jre-headless', find: () => onPath('java') },
  { tool: 'mvn', pkg: 'maven', find: () => onPath('mvn') },
  // The compose test's own Docker engine and the debootstrap that makes its base image.
  { tool: 'dockerd', pkg: 'docker.io', find: () => onPath('dockerd') },
  { tool: 'debootstrap', pkg: 'debootstrap', find: () => onPath('debootstrap') },
  // The console's browser tests and benchmark drive Debian's Chromium with Playwright (its own download cannot run).
  { tool: 'chromium', pkg: 'chromium', find: () => onPath('chromium') },
];

/** The Debian tools not found, with their packages. */
export function missingSystemTools(): { tools: string[]; packages: string[] } {
  const missing = DEBIAN_TOOLS.filter((t) => !t.find());
  return { tools: missing.map((t) => t.tool), packages: [...new Set(missing.map((t) => t.pkg))] };
}

/**
 * Installs the missing Debian packages when running as root where apt-get exists; otherwise throws
 * MissingToolError naming the command to run. Does nothing when everything is there.
 */
export function ensureSystemPackages(progress: Progress): Promise<void> {
  // Once per process, even when several callers (vitest projects' global setups) ask at once: apt holds a lock.
  const key = Symbol.for('genops.devstack.ensureSystemPackages');
  const shared = globalThis as { [key]?: Promise<void> };
  shared[key] ??= installMissing(progress);
  return shared[key];
}

async function installMissing(progress: Progress): Promise<void> {
  const { tools, packages } = missingSystemTools();
  if (!packages.length) return;
  if (process.getuid?.() !== 0 || !onPath('apt-get')) throw new MissingToolError(tools, packages);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  progress(
    `installing Debian packages ${packages.join(', ')} (missing: ${tools.join(', ')}): apt-get update`,
  );
  await runCommand('apt-get', ['update', '-qq'], { env });
  progress(`apt-get install ${packages.join(' ')} (a minute or two)`);
  await runCommand('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { env });
  const still = missingSystemTools();
  if (still.packages.length) throw new MissingToolError(still.tools, still.packages);
  progress('Debian packages installed');
}

/** The paths of the tools the stack runs, each from the table above; a missing one names its package. */
export function findSystemTools(): SystemTools {
  const need = (name: keyof SystemTools): string => {
    const entry = DEBIAN_TOOLS.find((t) => t.tool === name)!;
    const path = entry.find();
    if (!path) throw new MissingToolError([entry.tool], [entry.pkg]);
    return path;
  };
  return {
    postgres: need('postgres'),
    initdb: need('initdb'),
    java: need('java'),
  };
}

/** Debian's Chromium, for Playwright's `executablePath`; a missing one names its package. */
export function chromiumPath(): string {
  const entry = DEBIAN_TOOLS.find((t) => t.tool === 'chromium')!;
  const path = entry.find();
  if (!path) throw new MissingToolError([entry.tool], [entry.pkg]);
  return path;
}
