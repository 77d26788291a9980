// Tools that come from Debian packages: found on PATH or in their package's folder, never downloaded here.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export class MissingToolError extends Error {
  readonly code = 'MISSING_TOOL';
  constructor(tool: string, debianPackage: string) {
    super(`devstack needs ${tool}: install it with \`apt-get install ${debianPackage}\` (.ci/run does this)`);
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
  prometheus: string;
  promtool: string;
  postgres: string;
  initdb: string;
  java: string;
}

export function findSystemTools(): SystemTools {
  const need = (path: string | undefined, tool: string, pkg: string): string => {
    if (!path) throw new MissingToolError(tool, pkg);
    return path;
  };
  return {
    prometheus: need(onPath('prometheus'), 'prometheus', 'prometheus'),
    promtool: need(onPath('promtool'), 'promtool', 'prometheus'),
    postgres: need(postgresBin('postgres'), 'postgres', 'postgresql'),
    initdb: need(postgresBin('initdb'), 'initdb', 'postgresql'),
    java: need(onPath('java'), 'java', 'openjdk-17-jre-headless'),
  };
}
