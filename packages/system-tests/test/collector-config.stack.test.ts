// The shipped collector config, validated by our own collector build (`otelcol validate`), with its variants.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import { collectorBinaryPath, collectorEnv, repoRoot } from '@genops/devstack';

const { stateDir } = inject('stack');
const collectorDir = join(repoRoot(), 'collector');
const binary = collectorBinaryPath();

function validate(
  configs: string[],
  env: Record<string, string | undefined>,
): { status: number | null; output: string } {
  const args = ['validate', ...configs.flatMap((c) => ['--config', join(collectorDir, c)])];
  const result = spawnSync(binary, args, {
    env: { PATH: process.env.PATH, ...env } as NodeJS.ProcessEnv,
    encoding: 'utf8',
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

const stackEnv = () =>
  collectorEnv(stateDir, JSON.parse(readFileSync(join(stateDir, 'stack.json'), 'utf8')).ports);

describe('collector/config.yaml', () => {
  describe('when validated by our build with the devstack environment', () => {
    it('is valid', () => {
      expect(validate(['config.yaml'], stackEnv())).toEqual({ status: 0, output: '' });
    });
  });

  describe('when the Datadog key is missing', () => {
    it('refuses to start and says which setting', () => {
      const result = validate(['config.yaml'], { ...stackEnv(), DD_API_KEY: undefined });
      expect(result.status).toBe(1);
      expect(result.output).toContain('exporters::datadog: api.key is not set');
    });
  });

  describe('the builder manifest', () => {
    it('has exactly the component types the config and its overlays use, plus debug', () => {
      const files = [
        'config.yaml',
        ...readdirSync(join(collectorDir, 'overlays')).map((f) => `overlays/${f}`),
      ];
      const used = new Set<string>(['debug']);
      for (const file of files) {
        const config = parseYaml(readFileSync(join(collectorDir, file), 'utf8')) as Record<
          string,
          Record<string, unknown> | null
        >;
        for (const kind of ['receivers', 'processors', 'exporters', 'extensions']) {
          for (const id of Object.keys(config[kind] ?? {})) used.add(id.split('/')[0]!);
        }
      }
      const components = spawnSync(binary, ['components'], { encoding: 'utf8' }).stdout;
      const listed = parseYaml(components) as Record<string, { name: string }[] | unknown>;
      const built = new Set<string>();
      for (const kind of ['receivers', 'processors', 'exporters', 'extensions']) {
        for (const c of (listed[kind] as { name: string }[]) ?? []) built.add(c.name);
      }
      expect([...used].sort()).toEqual([...built].sort());
    });
  });
});

describe('collector/overlays and collector/testdata variants', () => {
  const noSaasEnv = () => ({ ...stackEnv(), DD_API_KEY: undefined, HONEYCOMB_API_KEY: undefined });

  it('without-saas.yaml runs with no SaaS keys', () => {
    expect(validate(['config.yaml', 'overlays/without-saas.yaml'], noSaasEnv())).toEqual({
      status: 0,
      output: '',
    });
  });

  it('all-destinations.yaml keeps every exporter and so needs the Datadog key', () => {
    expect(validate(['config.yaml', 'overlays/all-destinations.yaml'], stackEnv())).toEqual({
      status: 0,
      output: '',
    });
    const missingKey = validate(['config.yaml', 'overlays/all-destinations.yaml'], noSaasEnv());
    expect(missingKey.status).toBe(1);
    expect(missingKey.output).toContain('exporters::datadog: api.key is not set');
  });

  it('langfuse.yaml adds Langfuse to config.yaml’s traces exporters and extensions, and nothing else', () => {
    expect(validate(['config.yaml', 'overlays/langfuse.yaml'], stackEnv())).toEqual({
      status: 0,
      output: '',
    });
    type Service = { service: { extensions: string[]; pipelines: { traces: { exporters: string[] } } } };
    const read = (f: string) => parseYaml(readFileSync(join(collectorDir, f), 'utf8')) as Service;
    const base = read('config.yaml').service;
    const overlay = read('overlays/langfuse.yaml').service;
    expect(overlay.pipelines.traces.exporters).toEqual([
      ...base.pipelines.traces.exporters,
      'otlp_http/langfuse',
    ]);
    expect(overlay.extensions).toEqual([...base.extensions, 'basicauth/langfuse']);
  });

  it('debug.yaml adds the debug exporter to the cost pipeline', () => {
    expect(validate(['config.yaml', 'testdata/debug.yaml'], stackEnv())).toEqual({ status: 0, output: '' });
  });

  it('invalid-seed-jaeger-exporter.yaml fails, naming the removed exporter', () => {
    const result = validate(['config.yaml', 'testdata/invalid-seed-jaeger-exporter.yaml'], stackEnv());
    expect(result.status).toBe(1);
    expect(result.output).toContain(`unknown type: "jaeger" for id: "jaeger"`);
  });

  it('invalid-filter-condition.yaml fails, naming the bad OTTL condition', () => {
    const result = validate(['config.yaml', 'testdata/invalid-filter-condition.yaml'], stackEnv());
    expect(result.status).toBe(1);
    expect(result.output).toContain('processors::filter/cost-spans: unable to parse OTTL condition');
  });
});
