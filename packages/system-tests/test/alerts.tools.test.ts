// alerts/: the Prometheus rules pass promtool (check + unit tests, every alert both firing and quiet), every alert
// links an existing runbook, and Alertmanager's config is valid, routes as documented and holds no secret.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ALERTMANAGER_VERSION, PROMETHEUS_VERSION, repoRoot } from '@genops/devstack';

const alertsDir = join(repoRoot(), 'alerts');
const ruleFiles = readdirSync(alertsDir).filter((f) => f.endsWith('.rules.yml'));
const testFiles = readdirSync(join(alertsDir, 'tests')).filter((f) => f.endsWith('.test.yml'));

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  annotations?: Record<string, string>;
}
const rules: Rule[] = ruleFiles.flatMap((f) =>
  (parse(readFileSync(join(alertsDir, f), 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap(
    (g) => g.rules,
  ),
);
const alertNames = rules.flatMap((r) => (r.alert ? [r.alert] : []));

function run(command: string, args: string[], cwd = alertsDir) {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('alerts/ Prometheus rules', () => {
  it('has the alerts the issue asks for', () => {
    expect(alertNames.sort()).toEqual([
      'GenOpsBillingDrift',
      'GenOpsBudgetBurnRateHigh',
      'GenOpsBudgetCritical',
      'GenOpsBudgetWarning',
      'GenOpsCollectorDown',
      'GenOpsConsumerLagHigh',
      'GenOpsDailyCostHigh',
      'GenOpsDeadLettersGrowing',
      'GenOpsFallbackRateHigh',
      'GenOpsHardBudgetOvershoot',
      'GenOpsHighErrorRate',
      'GenOpsHighLatencyP95',
      'GenOpsProcessorDown',
    ]);
  });

  it('is checked by the promtool and amtool users run today (Prometheus 3, Alertmanager 0.35)', () => {
    expect(run('promtool', ['--version']).out).toMatch(
      new RegExp(`^promtool, version ${PROMETHEUS_VERSION} `),
    );
    expect(PROMETHEUS_VERSION).toMatch(/^3\./);
    expect(run('amtool', ['--version']).out).toMatch(
      new RegExp(`^amtool, version ${ALERTMANAGER_VERSION.slice(1)} `),
    );
  });

  it('passes `promtool check rules`', () => {
    const r = run('promtool', ['check', 'rules', ...ruleFiles]);
    expect(r.out).toContain(`SUCCESS: ${rules.length} rules found`);
    expect(r.status).toBe(0);
  });

  it('passes `promtool test rules`', () => {
    const r = run('promtool', ['test', 'rules', ...testFiles.map((f) => join('tests', f))]);
    expect(r.out).not.toContain('FAILED');
    expect(r.status).toBe(0);
  });

  it('tests every alert both firing and quiet', () => {
    const fired = new Set<string>();
    const quiet = new Set<string>();
    for (const f of testFiles) {
      const doc = parse(readFileSync(join(alertsDir, 'tests', f), 'utf8')) as {
        tests: { alert_rule_test?: { alertname: string; exp_alerts?: unknown[] }[] }[];
      };
      for (const t of doc.tests.flatMap((x) => x.alert_rule_test ?? []))
        (t.exp_alerts?.length ? fired : quiet).add(t.alertname);
    }
    expect(alertNames.filter((a) => !fired.has(a))).toEqual([]);
    expect(alertNames.filter((a) => !quiet.has(a))).toEqual([]);
  });

  it('links every alert to a runbook that exists, and every runbook to an alert', () => {
    for (const r of rules.filter((x) => x.alert)) {
      expect(r.annotations?.runbook_url, r.alert).toBe(`alerts/runbooks/${r.alert}.md`);
      expect(existsSync(join(repoRoot(), r.annotations!.runbook_url!)), r.alert).toBe(true);
    }
    const books = readdirSync(join(alertsDir, 'runbooks')).map((f) => f.replace(/\.md$/, ''));
    expect(books.sort()).toEqual([...alertNames].sort());
  });
});

describe('alerts/alertmanager', () => {
  const dir = join(alertsDir, 'alertmanager');
  const routeOf = (...labels: string[]) =>
    run('amtool', ['config', 'routes', 'test', '--config.file=alertmanager.yml', ...labels], dir).out.split(
      '\n',
    )[0];

  it('passes `amtool check-config`', () => {
    const r = run('amtool', ['check-config', 'alertmanager.yml'], dir);
    expect(r.out).toContain('SUCCESS');
    expect(r.status).toBe(0);
  });

  it('routes critical to PagerDuty and the critical channel, costs to finance, teams to their channel', () => {
    expect(routeOf('severity=critical', 'team=search')).toBe('pagerduty-genops,slack-genops-critical');
    expect(routeOf('alertname=GenOpsDailyCostHigh', 'severity=info', 'team=search')).toBe(
      'email-finance,slack-team-search',
    );
    expect(routeOf('alertname=GenOpsBudgetWarning', 'severity=warning', 'team=support')).toBe(
      'slack-team-support',
    );
    expect(routeOf('alertname=GenOpsHighLatencyP95', 'severity=warning')).toBe('slack-genops');
  });

  it('reads every secret from a file', () => {
    const text = readFileSync(join(dir, 'alertmanager.yml'), 'utf8');
    expect(text).not.toMatch(/^\s*(slack_api_url|api_url|routing_key|service_key|smtp_auth_password):/m);
    expect(text.match(/_file: \/run\/secrets\/[a-z-]+/g)).toEqual([
      '_file: /run/secrets/slack-webhook-url',
      '_file: /run/secrets/smtp-password',
      '_file: /run/secrets/pagerduty-routing-key',
    ]);
  });
});
