// One identity per model under all its names: the Anthropic SDK's `claude-sonnet-4-5-20250929`, OpenRouter's
// `anthropic/claude-sonnet-4.5`, Bedrock's `anthropic.claude-sonnet-4-5-20250929-v1:0`, Vertex's
// `claude-sonnet-4-5@20250929`, LiteLLM's `bedrock/…` or `vertex_ai/…` keys all name the catalog's
// `anthropic/claude-sonnet-4.5`. A name that matches more than one catalog model is never guessed.

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
    .replace(/(?<=(?:^|-)\d)-(?=\d(?:$|-))/g, '.'); // `4-5` → `4.5`: single digits either side
  return { ...(vendor ? { vendor } : {}), key };
}

export type ModelResolution =
  | { kind: 'exact' | 'alias'; id: string }
  | { kind: 'ambiguous'; candidates: string[]; reason: string }
  | { kind: 'unknown' };

/** Resolves names to the ids of a set of known models (a price catalog's). */
export class ModelIdentity {
  private readonly ids: ReadonlySet<string>;
  private readonly byKey = new Map<string, { id: string; vendor?: string }[]>();

  constructor(ids: Iterable<string>) {
    this.ids = new Set(ids);
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
    if (candidates.length > 1)
      return {
        kind: 'ambiguous',
        candidates,
        reason: `"${name}" could be ${candidates.join(' or ')}: name the vendor (vendor/model) to price it`,
      };
    return { kind: 'unknown' };
  }
}
