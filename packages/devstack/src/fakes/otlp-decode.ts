// Decodes OTLP protobuf requests with the generated codecs that ship in @opentelemetry/otlp-transformer.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface Codec {
  decode(bytes: Uint8Array): unknown;
  toObject(message: unknown, options: Record<string, unknown>): Record<string, unknown>;
}

interface Root {
  opentelemetry: {
    proto: {
      collector: {
        trace: { v1: { ExportTraceServiceRequest: Codec } };
        metrics: { v1: { ExportMetricsServiceRequest: Codec } };
        logs: { v1: { ExportLogsServiceRequest: Codec } };
      };
    };
  };
}

// Not a public entry point of the package; pinned by the lockfile and covered by the devstack tests.
const root = require('@opentelemetry/otlp-transformer/build/src/generated/root.js') as Root;
const collector = root.opentelemetry.proto.collector;

export type OtlpSignal = 'traces' | 'metrics' | 'logs';

const CODECS: Record<OtlpSignal, Codec> = {
  traces: collector.trace.v1.ExportTraceServiceRequest,
  metrics: collector.metrics.v1.ExportMetricsServiceRequest,
  logs: collector.logs.v1.ExportLogsServiceRequest,
};

/** The request as plain JSON-like data (longs as strings, bytes as hex-free base64, enums as numbers). */
export function decodeOtlp(signal: OtlpSignal, bytes: Uint8Array): Record<string, unknown> {
  const codec = CODECS[signal];
  return codec.toObject(codec.decode(bytes), { longs: String, bytes: String, defaults: false, arrays: true });
}
