// Attribution without code changes: the AI SDK's telemetry metadata, resource attributes, and the rules file
// (GENOPS_ATTRIBUTION_RULES_FILE) for spans that name no team; what nothing attributes is `unattributed`.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AttributionRules } from '../../src/decode/attribution-rules.js';
import { decodeCostSpans } from '../../src/decode/decode-cost-spans.js';
import { ConfigError } from '../../src/errors.js';
import { foreignSpanMessage } from '../support/otlp.js';

const RULES = AttributionRules.parse(`
rules:
  - match: { service.name: checkout-* }
    set: { team: payments, project: checkout }
  - match: { service.namespace: search, deployment.environment.name: prod }
    set: { team: search }
`);

function decode(spanAttrs: [string, string | number][], resource: [string, string][]) {
  const usage: [string, string | number][] = [
    ['gen_ai.request.model', 'gpt-4o'],
    ['gen_ai.usage.input_tokens', 10],
    ['gen_ai.usage.output_tokens', 5],
  ];
  const message = foreignSpanMessage([...usage, ...spanAttrs], resource);
  const decoded = decodeCostSpans(message, { rules: RULES });
  expect(decoded.failures).toEqual([]);
  return decoded.events[0]!;
}

describe('attribution of spans that carry no GenOps attributes', () => {
  it('reads the AI SDK’s telemetry metadata (experimental_telemetry.metadata)', () => {
    const e = decode(
      [
        ['ai.telemetry.metadata.genops.team', 'growth'],
        ['ai.telemetry.metadata.genops.project', 'emails'],
      ],
      [],
    );
    expect([e.team, e.project]).toEqual(['growth', 'emails']);
  });

  it('reads genops.* resource attributes (OTEL_RESOURCE_ATTRIBUTES)', () => {
    const e = decode(
      [],
      [
        ['service.name', 'checkout-api'],
        ['genops.team', 'finance'],
      ],
    );
    expect(e.team).toBe('finance'); // named on the resource: the rules fill only what is empty
    expect(e.project).toBe('checkout'); // …like the project, from the checkout-* rule
  });

  it('applies the first matching rule, on resource attributes with globs', () => {
    expect(decode([], [['service.name', 'checkout-worker']]).team).toBe('payments');
    const search = decode(
      [],
      [
        ['service.namespace', 'search'],
        ['deployment.environment.name', 'prod'],
      ],
    );
    expect([search.team, search.environment]).toEqual(['search', 'prod']);
  });

  it('counts what no rule matches under unattributed', () => {
    const e = decode(
      [],
      [
        ['service.namespace', 'search'],
        ['deployment.environment.name', 'staging'],
      ],
    );
    expect(e.team).toBe('unattributed');
  });
});

describe('the rules file', () => {
  it('ships a valid example (deploy/genops/attribution-rules.yaml)', () => {
    const rules = AttributionRules.fromFile(
      join(import.meta.dirname, '..', '..', '..', '..', 'deploy', 'genops', 'attribution-rules.yaml'),
    );
    expect(rules.resolve((key) => (key === 'service.name' ? 'checkout-api' : ''))).toEqual({
      team: 'payments',
      project: 'checkout',
    });
  });

  it.each([
    ['rules:\n  - match: {}\n    set: { team: x }\n', 'line 2: rules.0.match: needs at least one attribute'],
    [
      'rules:\n  - match: { service.name: a }\n    set: { squad: x }\n',
      'line 3: rules.0.set: Unrecognized key: "squad"',
    ],
    ['rules:\n  - match: { service.name: a }\n', 'rules.0.set: Invalid input'],
    ['rules: [\n', 'attribution rules: '],
  ])('refuses a bad rule, naming its line: %j', (text, message) => {
    expect(() => AttributionRules.parse(text)).toThrow(ConfigError);
    expect(() => AttributionRules.parse(text)).toThrow(message);
  });
});
