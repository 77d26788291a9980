// Decodes OTLP protobuf requests with protobufjs and the message definitions in assets/otlp/otlp.proto.
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

/** The package's assets/otlp/otlp.proto, beside src/ and dist/. */
const PROTO = fileURLToPath(new URL('../assets/otlp/otlp.proto', import.meta.url));

interface Codec {
  decode(bytes: Uint8Array): unknown;
  toObject(message: unknown, options: Record<string, unknown>): Record<string, unknown>;
}

let root: protobuf.Root | undefined;

function codec(name: string): Codec {
  root ??= protobuf.loadSync(PROTO);
  return root.lookupType(`opentelemetry.proto.${name}`) as unknown as Codec;
}

export type OtlpSignal = 'traces' | 'metrics' | 'logs';

const REQUESTS: Record<OtlpSignal, string> = {
  traces: 'ExportTraceServiceRequest',
  metrics: 'ExportMetricsServiceRequest',
  logs: 'ExportLogsServiceRequest',
};

/** The request as plain JSON-like data (longs as strings, bytes as hex-free base64, enums as numbers). */
export function decodeOtlp(signal: OtlpSignal, bytes: Uint8Array): Record<string, unknown> {
  const request = codec(REQUESTS[signal]);
  return request.toObject(request.decode(bytes), {
    longs: String,
    bytes: String,
    defaults: false,
    arrays: true,
  });
}
