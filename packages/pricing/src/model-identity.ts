// One identity per model under all its names: the Anthropic SDK's `claude-sonnet-4-5-20250929`, OpenRouter's
// `anthropic/claude-sonnet-4.5`, Bedrock's `anthropic.claude-sonnet-4-5-20250929-v1:0`, Vertex's
// `claude-sonnet-4-5@20250929`, LiteLLM's `bedrock/…` or `vertex_ai/…` keys all name the catalog's
// `anthropic/claude-sonnet-4.5`. A name that matches more than one catalog model is never guessed.
import { matchesRule, type MatchRule } from './match-rule.js';

/** Hosting platforms and gateways whose prefix says where a model ran, not who made it. */
const PLATFORMS = new Set([
  'openrouter',
  'bedrock',
  'vertex_ai',
  'vertex',
  'azure',
  'azure_ai',
  'litellm_proxy',
  'together_ai',
  'fireworks_ai',
  'groq',
  'deepinfra',
]);
/** A prefix that names the maker under another spelling. */
const VENDOR_ALIASES: Record<string, string> = {
  gemini: 'google',
  vertex_ai_beta: 'google',
  meta: 'meta-llama',
  mistral: 'mistralai',
};
/** OpenRouter's routing variants: the same model and price family. */
const VARIANT = /:(free|nitro|thinking|extended|beta|online|floor)$/;
/** Bedrock's model ids: optional region, the maker as a word, the model (`us.anthropic.claude-…-v1:0`). */
const BEDROCK = /^(?:(?:us|eu|apac|us-gov|global)\.)?([a-z][a-z-]*)\.([a-z].*)$/;

/** Model families and their maker, for a name without a vendor (`claude-…` is Anthropic's wherever it runs). */
const FAMILIES: [RegExp, string][] = [
  [/^claude/, 'anthropic'],
  [/^(gpt|chatgpt|o[134](-|$)|text-davinci|davinci|babbage)/, 'openai'],
  [/^(gemini|gemma)/, 'google'],
  [/^deepseek/, 'deepseek'],
  [/^(mistral|mixtral|codestral|ministral|magistral|devstral|pixtral|voxtral)/, 'mistralai'],
  [/^grok/, 'x-ai'],
  [/^kimi/, 'moonshotai'],
  [/^(meta-)?llama/, 'meta-llama'],
  [/^qwen/, 'qwen'],
];

/** The maker a model's name says it is by, when it belongs to a known family. */
export function familyMaker(key: string): string | undefined {
  return FAMILIES.find(([pattern]) => pattern.test(key))?.[1];
}

export interface ModelName {
  /** The maker, when the name says it (`anthropic`), lowercase. */
  vendor?: string;
  /** The model without vendor, platform, date or routing variant, versions with dots (`claude-sonnet-4.5`). */
  key: string;
}

/** Reads a model name in any of its spellings. */
export function parseModelName(name: string): ModelName {
  const parts = name.trim().toLowerCase().replace(VARIANT, '').split('/');
  let rest = parts.pop() ?? '';
  let vendor: string | undefined;
  const maker = parts.reverse().find((part) => !PLATFORMS.has(part));
  if (maker) vendor = VENDOR_ALIASES[maker] ?? maker;
  const bedrock = BEDROCK.exec(rest);
  if (bedrock) {
    vendor ??= VENDOR_ALIASES[bedrock[1]!] ?? bedrock[1]!;
    rest = bedrock[2]!.replace(/-v\d+(?::\d+)?$/, '');
  }
  const key = rest
    .replace(/@.*$/, '') // Vertex: `claude-sonnet-4-5@20250929`
    .replace(/-(\d{8}|\d{4}-\d{2}-\d{2})$/, '') // dated snapshots
    .replace(/-latest$/, '')
    .replace(/(?<=(?:^|-)\d)-(?=\d(?:$|-))/g, '.') // `4-5` → `4.5`: single digits either side
    .replace(/-(\d+)\.0$/, '-$1') // `claude-opus-4.0` → `claude-opus-4`
    // Claude from 4 on is `claude-<family>-<version>`; `claude-4.5-sonnet` is the same model.
    .replace(/^claude-([4-9](?:\.\d)?)-(opus|sonnet|haiku)(?=$|-)/, 'claude-$2-$1');
  return { ...(vendor ? { vendor } : {}), key };
}

export type ModelResolution =
  /** `by: 'rule'`: found by a source's match rule (genai-prices'), not by the name's parts. */
  | { kind: 'exact' | 'alias'; id: string; by?: 'rule' }
  | { kind: 'ambiguous'; candidates: string[]; reason: string }
  | { kind: 'unknown' };

/**
 * Resolves names to the ids of a set of known models (a price catalog's): exactly, by the name's parts (vendor, key),
 * and — for a name the parts leave unknown or ambiguous — by the models' match rules, where the first rule of a
 * vendor that matches wins (as in the source that wrote them) and rules of several vendors matching is ambiguous.
 */
export class ModelIdentity {
  private readonly ids: ReadonlySet<string>;
  private readonly byKey = new Map<string, { id: string; vendor?: string }[]>();
  private readonly rules: { id: string; vendor?: string; rule: MatchRule }[] = [];

  constructor(ids: Iterable<string>, rules: Record<string, MatchRule> = {}) {
    this.ids = new Set(ids);
    for (const [id, rule] of Object.entries(rules))
      if (this.ids.has(id)) this.rules.push({ id, ...vendorOf(id), rule });
    for (const id of this.ids) {
      const { key, vendor } = parseModelName(id);
      const list = this.byKey.get(key) ?? [];
      list.push({ id, ...(vendor ? { vendor } : {}) });
      this.byKey.set(key, list);
    }
  }

  resolve(name: string): ModelResolution {
    if (this.ids.has(name)) return { kind: 'exact', id: name };
    const { key, vendor } = parseModelName(name);
    const all = this.byKey.get(key) ?? [];
    const matches = vendor ? all.filter((c) => !c.vendor || c.vendor === vendor) : all;
    const candidates = [...new Set(matches.map((c) => c.id))].sort();
    if (candidates.length === 1) return { kind: 'alias', id: candidates[0]! };
    const byRule = this.byRule(name, vendor);
    if (byRule) return byRule;
    if (candidates.length > 1) return ambiguous(name, candidates);
    return { kind: 'unknown' };
  }

  /** The first model per vendor whose rule matches the name's model part; several vendors are ambiguous. */
  private byRule(name: string, vendor: string | undefined): ModelResolution | undefined {
    if (!this.rules.length) return undefined;
    const model = name.trim().split('/').pop() ?? '';
    const firstByVendor = new Map<string, string>();
    for (const r of this.rules) {
      const v = r.vendor ?? '';
      if ((vendor && r.vendor !== vendor) || firstByVendor.has(v)) continue;
      if (matchesRule(r.rule, model)) firstByVendor.set(v, r.id);
    }
    const found = [...new Set(firstByVendor.values())].sort();
    if (found.length === 1) return { kind: 'alias', id: found[0]!, by: 'rule' };
    if (found.length > 1) return ambiguous(name, found);
    return undefined;
  }
}

function vendorOf(id: string): { vendor?: string } {
  const { vendor } = parseModelName(id);
  return vendor ? { vendor } : {};
}

function ambiguous(name: string, candidates: string[]): ModelResolution {
  return {
    kind: 'ambiguous',
    candidates,
    reason: `"${name}" could be ${candidates.join(' or ')}: name the vendor (vendor/model) to price it`,
  };
}
