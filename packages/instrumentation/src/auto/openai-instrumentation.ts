// `@genops/instrumentation/auto`: an OpenTelemetry `Instrumentation` that patches the `openai` module, so a service
// that registers it (`registerInstrumentations` or the NodeSDK's `instrumentations`) gets GenOps spans and metrics
// on every client it creates, with no other code change. CommonJS is patched on `require`; ES modules need the
// loader hook that every OTel ESM instrumentation needs (`node --import @opentelemetry/instrumentation/hook.mjs`,
// or `register('@opentelemetry/instrumentation/hook.mjs', import.meta.url)` before `openai` is imported).
//
// The patch is on `Completions.prototype.create`, so clients created before or after registering are covered; a
// client also wrapped by `instrumentOpenAI` keeps its own (one span per call, never two).
import type { MeterProvider, TracerProvider } from '@opentelemetry/api';
import {
  InstrumentationBase,
  InstrumentationNodeModuleDefinition,
  isWrapped,
  type InstrumentationConfig,
} from '@opentelemetry/instrumentation';
import { INSTRUMENTATION_SCOPE, INSTRUMENTATION_VERSION } from '@genops/semconv';
import {
  clientTarget,
  instrumentedCreate,
  isInstrumented,
  type CreateFn,
} from '../openai/instrument-openai.js';
import { resolveTelemetry, type ResolvedTelemetry } from '../telemetry/resolve.js';
import type { InstrumentOpenAIOptions } from '../types.js';

/** The `instrumentOpenAI` options, minus the providers (the SDK hands the instrumentation its own). */
export interface GenOpsOpenAIInstrumentationConfig
  extends InstrumentationConfig, Omit<InstrumentOpenAIOptions, 'tracerProvider' | 'meterProvider'> {}

/** The `openai` majors whose `Chat.Completions.prototype.create` this patches. */
export const SUPPORTED_OPENAI_VERSIONS = ['>=5 <8'];

interface CompletionsLike {
  _client?: { baseURL?: string };
}

interface OpenAIModule {
  OpenAI?: { Chat?: { Completions?: { prototype: { create: CreateFn } } } };
  default?: OpenAIModule['OpenAI'];
}

export class GenOpsOpenAIInstrumentation extends InstrumentationBase<GenOpsOpenAIInstrumentationConfig> {
  /** Settings resolved from the config and the current providers; cleared when either changes. */
  private telemetry: ResolvedTelemetry | undefined;
  /** One instrumented `create` per completions object (each client has its own base URL). */
  private creates = new WeakMap<object, { telemetry: ResolvedTelemetry; create: CreateFn }>();

  constructor(config: GenOpsOpenAIInstrumentationConfig = {}) {
    super(INSTRUMENTATION_SCOPE, INSTRUMENTATION_VERSION, config);
  }

  protected override init() {
    return [
      new InstrumentationNodeModuleDefinition(
        'openai',
        SUPPORTED_OPENAI_VERSIONS,
        (exports: OpenAIModule) => this.patch(exports),
        (exports: OpenAIModule) => this.unpatch(exports),
      ),
    ];
  }

  override setTracerProvider(tracerProvider: TracerProvider): void {
    super.setTracerProvider(tracerProvider);
    this.telemetry = undefined;
  }

  override setMeterProvider(meterProvider: MeterProvider): void {
    super.setMeterProvider(meterProvider);
    this.telemetry = undefined;
  }

  override setConfig(config: GenOpsOpenAIInstrumentationConfig = {}): void {
    super.setConfig(config);
    this.telemetry = undefined;
  }

  private completionsPrototype(exports: OpenAIModule) {
    return (exports.OpenAI ?? exports.default)?.Chat?.Completions?.prototype;
  }

  private patch(exports: OpenAIModule): OpenAIModule {
    const prototype = this.completionsPrototype(exports);
    if (!prototype || typeof prototype.create !== 'function') {
      this._diag.warn('openai module without OpenAI.Chat.Completions.prototype.create: not instrumented');
      return exports;
    }
    if (isWrapped(prototype.create)) this._unwrap(prototype, 'create');
    const createFor = (completions: CompletionsLike, original: CreateFn) =>
      this.createFor(completions, original);
    this._wrap(
      prototype,
      'create',
      (original: CreateFn) =>
        function genopsCreate(this: unknown, params, requestOptions) {
          return createFor(this as CompletionsLike, original).call(this, params, requestOptions);
        },
    );
    return exports;
  }

  private unpatch(exports: OpenAIModule): void {
    const prototype = this.completionsPrototype(exports);
    if (prototype && isWrapped(prototype.create)) this._unwrap(prototype, 'create');
  }

  private currentTelemetry(): ResolvedTelemetry {
    if (this.telemetry) return this.telemetry;
    const tracer = this.tracer;
    const meter = this.meter;
    const config = this.getConfig();
    this.telemetry = resolveTelemetry({
      ...config,
      tracerProvider: { getTracer: () => tracer },
      meterProvider: { getMeter: () => meter },
    });
    return this.telemetry;
  }

  private createFor(completions: CompletionsLike, original: CreateFn): CreateFn {
    if (isInstrumented(completions)) return original; // instrumentOpenAI wraps this client already
    const telemetry = this.currentTelemetry();
    const known = this.creates.get(completions);
    if (known?.telemetry === telemetry) return known.create;
    const config = this.getConfig();
    const create = instrumentedCreate(original, {
      telemetry,
      ...clientTarget(completions._client?.baseURL, config.provider),
      budgetGuard: config.budgetGuard,
    });
    this.creates.set(completions, { telemetry, create });
    return create;
  }
}
