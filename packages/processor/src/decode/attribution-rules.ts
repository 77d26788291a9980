// Attribution rules (GENOPS_ATTRIBUTION_RULES_FILE): who pays for spans that do not say, from the attributes they do
// carry (`service.name: checkout-*` → team payments). The first rule whose every pattern matches fills the fields the
// span left empty; a span no rule matches is counted under `unattributed`, never dropped.
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../errors.js';

/** The fields a rule can set, as CostEvent fields. */
export const RULE_FIELDS = ['team', 'project', 'environment', 'customer', 'feature', 'costCenter'] as const;
export type RuleField = (typeof RULE_FIELDS)[number];

const Rule = z
  .object({
    match: z
      .record(z.string(), z.string().min(1))
      .refine((m) => Object.keys(m).length > 0, 'needs at least one attribute'),
    set: z
      .object(
        Object.fromEntries(RULE_FIELDS.map((f) => [f, z.string().min(1).optional()])) as Record<
          RuleField,
          z.ZodOptional<z.ZodString>
        >,
      )
      .strict()
      .refine((s) => Object.values(s).some(Boolean), 'needs at least one field'),
  })
  .strict();
const RulesFile = z.object({ rules: z.array(Rule) }).strict();

interface CompiledRule {
  match: [key: string, pattern: RegExp][];
  set: Partial<Record<RuleField, string>>;
}

/** `*` matches any run of characters; everything else is literal. */
function glob(pattern: string): RegExp {
  return new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
}

export class AttributionRules {
  private constructor(
    private readonly rules: CompiledRule[],
    /** The document the rules were parsed from ('' for none): how a decoding thread gets the same rules. */
    readonly text = '',
    readonly source = '',
  ) {}

  /** The same rules, from `text` and `source` as an instance carries them. */
  static of(text: string, source: string): AttributionRules {
    return text ? AttributionRules.parse(text, source) : AttributionRules.none();
  }

  static none(): AttributionRules {
    return new AttributionRules([]);
  }

  /** Parses a rules document; a bad rule is a ConfigError naming its line and field. */
  static parse(text: string, source = 'attribution rules'): AttributionRules {
    const doc = parseDocument(text);
    if (doc.errors.length) throw new ConfigError(`${source}: ${doc.errors[0]!.message}`);
    const parsed = RulesFile.safeParse(doc.toJS());
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const node = doc.getIn(issue.path as (string | number)[], true) as { range?: [number] } | undefined;
      const offset = node?.range?.[0];
      const line = offset === undefined ? undefined : text.slice(0, offset).split('\n').length;
      throw new ConfigError(
        `${source}${line ? ` line ${line}` : ''}: ${issue.path.join('.') || '(root)'}: ${issue.message}`,
      );
    }
    return new AttributionRules(
      parsed.data.rules.map((r) => ({
        match: Object.entries(r.match).map(([key, pattern]) => [key, glob(pattern)]),
        set: Object.fromEntries(Object.entries(r.set).filter(([, v]) => v)) as Partial<
          Record<RuleField, string>
        >,
      })),
      text,
      source,
    );
  }

  static fromFile(path: string): AttributionRules {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new ConfigError(`GENOPS_ATTRIBUTION_RULES_FILE=${path}: ${(error as Error).message}`);
    }
    return AttributionRules.parse(text, path);
  }

  /** The fields of the first rule whose patterns all match `attribute(key)`; empty when none does. */
  resolve(attribute: (key: string) => string): Partial<Record<RuleField, string>> {
    for (const rule of this.rules)
      if (rule.match.every(([key, pattern]) => pattern.test(attribute(key)))) return rule.set;
    return {};
  }
}
