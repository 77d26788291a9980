// `@genops/instrumentation/tokenizer`: exact prompt tokens for OpenAI models — OpenAI's own encodings (o200k for
// GPT-4o, 4.1, 4.5, 5 and the o-series; cl100k for GPT-4, GPT-4 Turbo and GPT-3.5) in its chat format, by
// `gpt-tokenizer`. BudgetGuard loads this module itself on the first OpenAI call it admits — both encodings at once,
// about 240 ms and 90 MB (o200k 180 ms / 75 MB, cl100k 60 ms / 13 MB), once per process; a service may also import
// it to count prompts.
import { encodeChat as o200kChat } from 'gpt-tokenizer/encoding/o200k_base';
import { encodeChat as cl100kChat } from 'gpt-tokenizer/encoding/cl100k_base';
import { CL100K_MODELS, O200K_MODELS, textOf, type PromptTokenCounter } from './budget/prompt-tokens.js';

type Role = 'system' | 'user' | 'assistant';

const chatOf = (messages: Parameters<PromptTokenCounter>[0]) =>
  messages.map((m) => ({
    role: (['system', 'user', 'assistant'].includes(String(m.role)) ? m.role : 'user') as Role,
    content: textOf(m.content),
  }));

/** OpenAI's count of a chat prompt for OpenAI models; undefined for other models. */
export const openAiPromptTokens: PromptTokenCounter = (messages, model) => {
  if (O200K_MODELS.test(model)) return o200kChat(chatOf(messages), 'gpt-4o').length;
  if (CL100K_MODELS.test(model)) return cl100kChat(chatOf(messages), 'gpt-4').length;
  return undefined;
};

/** o200k only (kept for services that configured it before cl100k was counted too). */
export const o200kPromptTokens: PromptTokenCounter = (messages, model) =>
  O200K_MODELS.test(model) ? openAiPromptTokens(messages, model) : undefined;
