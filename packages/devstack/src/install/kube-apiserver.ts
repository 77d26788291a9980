// A real Kubernetes control plane from the Go module proxy: kube-apiserver and kube-controller-manager of
// k8s.io/kubernetes, and etcd (go.etcd.io/etcd/server/v3's etcdmain, the version Kubernetes itself requires).
//
// k8s.io/kubernetes replaces its 33 staging modules (k8s.io/api, apiserver, client-go, …) with ./staging paths its
// module zip does not hold, and a dependency's replaces are ignored anyway. Every staging module is published on the
// proxy at the matching release (v0.37.2 for v1.37.2), so a small main module of ours requires k8s.io/kubernetes and
// points each replace there; it builds the three binaries once into the cache.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from '../paths.js';
import type { Progress } from '../progress.js';
import { runCommand } from '../run-command.js';
import { goBuildEnv } from './go-env.js';
import { KUBERNETES_VERSION } from './kubernetes.js';

/** The staging modules' release matching KUBERNETES_VERSION (v1.x.y → v0.x.y). */
export const STAGING_VERSION = KUBERNETES_VERSION.replace(/^v1\./, 'v0.');

export interface ControlPlaneBinaries {
  kubeApiserver: string;
  kubeControllerManager: string;
  etcd: string;
}

export function controlPlaneBinaries(): ControlPlaneBinaries {
  const bin = join(cacheDir(), 'kubernetes', KUBERNETES_VERSION, 'bin');
  return {
    kubeApiserver: join(bin, 'kube-apiserver'),
    kubeControllerManager: join(bin, 'kube-controller-manager'),
    etcd: join(bin, 'etcd'),
  };
}

/** Our go.mod: k8s.io/kubernetes, each `k8s.io/x => ./staging/src/k8s.io/x` of its go.mod turned to the proxy's k8s.io/x. */
export function controlPlaneGoMod(kubernetesGoMod: string): string {
  const staging = [...kubernetesGoMod.matchAll(/^\s*(k8s\.io\/[\w.-]+)\s*=>\s*\.\/staging\//gm)].map(
    (m) => m[1]!,
  );
  if (staging.length === 0) throw new Error('devstack: no staging replaces in k8s.io/kubernetes go.mod');
  return [
    'module genops.local/control-plane',
    '',
    'go 1.26',
    '',
    `require k8s.io/kubernetes ${KUBERNETES_VERSION}`,
    '',
    'replace (',
    ...staging.map((module) => `\t${module} => ${module} ${STAGING_VERSION}`),
    ')',
    '',
  ].join('\n');
}

const TOOLS_GO = `//go:build tools

package tools

import (
\t_ "k8s.io/kubernetes/cmd/kube-apiserver"
\t_ "k8s.io/kubernetes/cmd/kube-controller-manager"
)
`;

// etcd's own main package is the root module go.etcd.io/etcd/v3, which is not on the proxy; its main is this call.
const ETCD_MAIN_GO = `package main

import (
\t"os"

\t"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
`;

/** What `kube-apiserver --version` and the server's /version say (Helm reads it); unset, a module build says v0.0.0. */
function versionFlags(): string {
  const [major, minor] = KUBERNETES_VERSION.slice(1).split('.');
  const pkg = 'k8s.io/component-base/version';
  return [
    `-X ${pkg}.gitVersion=${KUBERNETES_VERSION}`,
    `-X ${pkg}.gitMajor=${major}`,
    `-X ${pkg}.gitMinor=${minor}`,
    `-X ${pkg}.gitTreeState=clean`,
  ].join(' ');
}

export async function ensureControlPlane(progress: Progress): Promise<ControlPlaneBinaries> {
  const binaries = controlPlaneBinaries();
  if (Object.values(binaries).every((b) => existsSync(b))) return binaries;
  const env = goBuildEnv();
  const root = join(cacheDir(), 'kubernetes', KUBERNETES_VERSION);
  const src = join(root, 'src');
  progress(`kubernetes: k8s.io/kubernetes ${KUBERNETES_VERSION}'s go.mod (Go module proxy)`);
  const info = JSON.parse(
    await runCommand('go', ['mod', 'download', '-json', `k8s.io/kubernetes@${KUBERNETES_VERSION}`], { env }),
  ) as { GoMod: string };
  mkdirSync(join(src, 'cmd', 'etcd'), { recursive: true });
  writeFileSync(join(src, 'go.mod'), controlPlaneGoMod(readFileSync(info.GoMod, 'utf8')));
  writeFileSync(join(src, 'tools.go'), TOOLS_GO);
  writeFileSync(join(src, 'cmd', 'etcd', 'main.go'), ETCD_MAIN_GO);
  progress(`kubernetes: resolving modules (staging modules at ${STAGING_VERSION})`);
  await runCommand('go', ['mod', 'tidy'], { cwd: src, env });
  progress(
    'kubernetes: compiling kube-apiserver, kube-controller-manager and etcd (once; about 15 minutes cold on 2 cores)',
  );
  const tmp = join(root, `bin.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  await runCommand(
    'go',
    [
      'build',
      '-trimpath',
      `-ldflags=-s -w ${versionFlags()}`,
      '-o',
      `${tmp}/`,
      'k8s.io/kubernetes/cmd/kube-apiserver',
      'k8s.io/kubernetes/cmd/kube-controller-manager',
      './cmd/etcd',
    ],
    { cwd: src, env },
  );
  rmSync(join(root, 'bin'), { recursive: true, force: true });
  renameSync(tmp, join(root, 'bin'));
  return binaries;
}
