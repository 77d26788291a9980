// What a chat call may cost, before it is made: its prompt counted — the service's counter where it counts the
// model, OpenAI's tokenizer for OpenAI models, else the calibrated estimate with its stated margin — and priced with
// the catalog for its prompt and every output token it may produce.
import { diag } from '@opentelemetry/api';
import type { PriceCatalog } from '@genops/pricing';
import type { BudgetGuardOptions, CallEstimate, ChatParams } from './guard-types.js';
import {
  CL100K_MODELS,
  estimatePromptTokensWithMargin,
  O200K_MODELS,
  type PromptTokenCounter,
} from './prompt-tokens.js';

const log = diag.createComponentLogger({ namespace: '@genops/instrumentation/budget-guard' });

/** OpenAI's tokenizers, loaded once per process by the first guard that admits an OpenAI model. */
let openAiTokenizer: Promise<PromptTokenCounter | undefined> | undefined;
let openAiCounter: PromptTokenCounter | undefined;
function loadOpenAiTokenizer(): Promise<PromptTokenCounter | undefined> {
  return (openAiTokenizer ??= import('../tokenizer.js').then(
    (m) => (openAiCounter = m.openAiPromptTokens),
    (error: unknown) => {
      log.warn(
        `OpenAI's tokenizers could not be loaded; prompts are estimated with the margin: ${String(error)}`,
      );
      return undefined;
    },
  ));
}

type EstimatorOptions = Pick<
  BudgetGuardOptions,
  'promptTokenCounter' | 'tokenizers' | 'unknownModelEstimateUsd'
> & {
  defaultMaxOutputTokens: number;
};

export class CallEstimator {
  private readonly counter: PromptTokenCounter | undefined;
  private readonly tokenizers: boolean;
  private readonly unknownModelEstimateUsd: number;
  private readonly defaultMaxOutputTokens: number;

  constructor(
    private readonly catalog: PriceCatalog,
    options: EstimatorOptions,
  ) {
    this.counter = options.promptTokenCounter;
    this.tokenizers = options.tokenizers ?? true;
    this.unknownModelEstimateUsd = options.unknownModelEstimateUsd ?? 0.1;
    this.defaultMaxOutputTokens = options.defaultMaxOutputTokens;
    if (!(this.unknownModelEstimateUsd >= 0 && Number.isFinite(this.unknownModelEstimateUsd)))
      throw new RangeError('BudgetGuard: unknownModelEstimateUsd must be a finite number >= 0');
  }

  /**
   * Prompt tokens of a request: the service's counter where it counts the model, else OpenAI's tokenizer for OpenAI
   * models (once loaded: `countPromptTokens` loads it), else the estimate with its stated margin.
   */
  promptTokens(params: ChatParams): number {
    const messages = params.messages ?? [];
    const model = String(params.model);
    return (
      this.counter?.(messages, model) ??
      (this.tokenizers ? openAiCounter?.(messages, model) : undefined) ??
      estimatePromptTokensWithMargin(messages)
    );
  }

  /** `promptTokens`, with OpenAI's tokenizers loaded first when the model is one they count. */
  async countPromptTokens(params: ChatParams): Promise<number> {
    const model = String(params.model);
    if (this.tokenizers && !openAiCounter && (O200K_MODELS.test(model) || CL100K_MODELS.test(model)))
      await loadOpenAiTokenizer();
    return this.promptTokens(params);
  }

  /**
   * Worst-case cost of a chat request: its prompt tokens (`promptTokens`) and every allowed output token. A model
   * the catalog cannot price reserves `unknownModelEstimateUsd`, never zero.
   */
  estimateChatCost(params: ChatParams): CallEstimate {
    const maxOut = Number(params.max_completion_tokens ?? params.max_tokens ?? this.defaultMaxOutputTokens);
    return this.estimateAt(
      String(params.model),
      this.promptTokens(params),
      Number.isFinite(maxOut) && maxOut > 0 ? Math.floor(maxOut) : this.defaultMaxOutputTokens,
    );
  }

  /** The cost of `promptTokens` in and `outputTokens` out on `model`, or the unpriced model's reservation. */
  estimateAt(model: string, promptTokens: number, outputTokens: number): CallEstimate {
    const estimate = this.catalog.estimate(model, { inputTokens: promptTokens, outputTokens });
    if (estimate) return { usd: estimate.usd };
    return {
      usd: this.unknownModelEstimateUsd,
      basis: `no price for model ${model} in the catalog: reserved unknownModelEstimateUsd ${this.unknownModelEstimateUsd} USD`,
    };
  }
}
