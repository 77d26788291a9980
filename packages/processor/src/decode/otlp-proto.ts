// OTLP protobuf on the cost topic (the collector's Kafka exporter with `encoding: otlp_proto`): a `TracesData`,
// decoded with protobufjs from the official definitions (proto/, opentelemetry-proto v1.11.0) into the shape of OTLP
// JSON, which the decoder reads — ids as hex, 64-bit integers as decimal strings, bytes values as base64, enums as
// numbers. Told apart from OTLP JSON per message, by its first byte (`mayBeOtlpProto`).
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import protobuf from 'protobufjs';

const PROTO_DIR = fileURLToPath(new URL('../../proto/', import.meta.url));

let tracesData: protobuf.Type | undefined;
function tracesDataType(): protobuf.Type {
  if (!tracesData) {
    const root = new protobuf.Root();
    root.resolvePath = (_origin, target) => join(PROTO_DIR, target);
    root.loadSync('opentelemetry/proto/trace/v1/trace.proto');
    tracesData = root.lookupType('opentelemetry.proto.trace.v1.TracesData');
  }
  return tracesData;
}

/**
 * Whether a message may be OTLP protobuf: a TracesData opens with its field 1 (`resource_spans`, length-delimited),
 * 0x0A; OTLP JSON opens with `{`. JSON that opens with a newline is tried as protobuf first, fails, and is read as JSON.
 */
export const mayBeOtlpProto = (bytes: Buffer | string): bytes is Buffer =>
  typeof bytes !== 'string' && bytes.length > 0 && bytes[0] === 0x0a;

interface IdHolder {
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
}

const hex = (base64: string | undefined) =>
  base64 === undefined ? undefined : Buffer.from(base64, 'base64').toString('hex');

function idsToHex(holder: IdHolder): void {
  if (holder.traceId !== undefined) holder.traceId = hex(holder.traceId)!;
  if (holder.spanId !== undefined) holder.spanId = hex(holder.spanId)!;
  if (holder.parentSpanId !== undefined) holder.parentSpanId = hex(holder.parentSpanId)!;
}

interface TracesObject {
  resourceSpans?: { scopeSpans?: { spans?: (IdHolder & { links?: IdHolder[] })[] }[] }[];
}

/** A TracesData message as the OTLP JSON object it encodes; throws when the bytes are not one. */
export function otlpProtoToJson(bytes: Buffer): unknown {
  const type = tracesDataType();
  const object = type.toObject(type.decode(bytes), { longs: String, bytes: String }) as TracesObject;
  for (const rs of object.resourceSpans ?? [])
    for (const ss of rs.scopeSpans ?? [])
      for (const span of ss.spans ?? []) {
        idsToHex(span);
        for (const link of span.links ?? []) idsToHex(link);
      }
  return object;
}
