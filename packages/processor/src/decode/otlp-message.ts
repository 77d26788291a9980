// One cost-topic message as the OTLP JSON object it holds, whichever encoding the collector's Kafka exporter wrote it
// in: `otlp_proto` (its default) or `otlp_json`, told apart per message, so a running pipeline can switch either way.
import type { DecodeFailure } from './decode-errors.js';
import { mayBeOtlpProto, otlpProtoToJson } from './otlp-proto.js';

/** How a cost-topic message was written; `invalid`: neither (it is dead-lettered). */
export type MessageEncoding = 'otlp_proto' | 'otlp_json' | 'invalid';

/** The message as the OTLP JSON object it holds, whether it came as OTLP protobuf or OTLP JSON. */
export function parseTraces(
  bytes: Buffer | string,
): { json: unknown; encoding: 'otlp_proto' | 'otlp_json' } | { failure: DecodeFailure } {
  let protoError: Error | undefined;
  if (mayBeOtlpProto(bytes)) {
    try {
      return { json: otlpProtoToJson(bytes), encoding: 'otlp_proto' };
    } catch (error) {
      protoError = error as Error;
    }
  }
  try {
    return {
      json: JSON.parse(typeof bytes === 'string' ? bytes : bytes.toString('utf8')),
      encoding: 'otlp_json',
    };
  } catch (error) {
    const notJson = (error as Error).message;
    return {
      failure: protoError
        ? {
            code: 'NOT_OTLP_PROTO',
            reason: `not OTLP protobuf (${protoError.message}) nor JSON (${notJson})`,
          }
        : { code: 'NOT_JSON', reason: `not JSON: ${notJson}` },
    };
  }
}
