// OTLP protobuf on the cost topic (the collector's Kafka exporter with `encoding: otlp_proto`): a `TracesData`, read
// with protobufjs's wire reader straight into the shape of OTLP JSON the decoder reads — resource attributes, and each
// span's ids (hex), name, times (decimal strings), attributes and status — skipping every other field. Field numbers
// are the official definitions' (opentelemetry-proto v1.11.0, checked in under proto/); a test decodes real SDK output
// with protobufjs's reflection over those .proto files and gets the same objects. No intermediate message objects:
// this is the hot path, and it must cost less than JSON.parse.
import protobuf from 'protobufjs';

type Reader = protobuf.Reader;

/**
 * Whether a message may be OTLP protobuf: a TracesData opens with its field 1 (`resource_spans`, length-delimited),
 * 0x0A; OTLP JSON opens with `{`. JSON that opens with a newline is tried as protobuf first, fails, and is read as JSON.
 */
export const mayBeOtlpProto = (bytes: Buffer | string): bytes is Buffer =>
  typeof bytes !== 'string' && bytes.length > 0 && bytes[0] === 0x0a;

const LEN = 2;
const tag = (field: number, wire: number) => (field << 3) | wire;

/** Reads the fields of one message ending at `end`, calling `field` with each tag; skips what it does not take. */
function each(r: Reader, end: number, field: (tag: number) => boolean): void {
  while (r.pos < end) {
    const t = r.uint32();
    if (!field(t)) r.skipType(t & 7);
  }
  if (r.pos !== end) throw new Error(`field overruns its message at byte ${r.pos}`);
}

const sub = (r: Reader) => r.uint32() + r.pos;
const hex = (bytes: Uint8Array) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
/** A fixed64 (little-endian) as decimal digits. */
const fixed64 = (r: Reader) => {
  const low = r.fixed32();
  const high = r.fixed32();
  return ((BigInt(high) << 32n) | BigInt(low)).toString();
};

type Json = Record<string, unknown>;

// common.proto — AnyValue: 1 string_value, 2 bool_value, 3 int_value, 4 double_value, 5 array_value, 6 kvlist_value,
// 7 bytes_value; ArrayValue/KeyValueList: 1 values; KeyValue: 1 key, 2 value.
function anyValue(r: Reader, end: number): Json {
  let value: Json = {};
  each(r, end, (t) => {
    if (t === tag(1, LEN)) value = { stringValue: r.string() };
    else if (t === tag(2, 0)) value = { boolValue: r.bool() };
    else if (t === tag(3, 0)) value = { intValue: r.int64().toString() };
    else if (t === tag(4, 1)) value = { doubleValue: r.double() };
    else if (t === tag(5, LEN)) value = { arrayValue: { values: list(r, sub(r), anyValue) } };
    else if (t === tag(6, LEN)) value = { kvlistValue: { values: list(r, sub(r), keyValue) } };
    else if (t === tag(7, LEN)) value = { bytesValue: Buffer.from(r.bytes()).toString('base64') };
    else return false;
    return true;
  });
  return value;
}

function keyValue(r: Reader, end: number): Json {
  const kv: Json = { key: '' };
  each(r, end, (t) => {
    if (t === tag(1, LEN)) kv.key = r.string();
    else if (t === tag(2, LEN)) kv.value = anyValue(r, sub(r));
    else return false;
    return true;
  });
  return kv;
}

/** The repeated field 1 of a message (ArrayValue, KeyValueList), each read by `read`. */
function list(r: Reader, end: number, read: (r: Reader, end: number) => Json): Json[] {
  const values: Json[] = [];
  each(r, end, (t) => t === tag(1, LEN) && values.push(read(r, sub(r))) > 0);
  return values;
}

// trace.proto — Span: 1 trace_id, 2 span_id, 5 name, 7 start_time_unix_nano, 8 end_time_unix_nano, 9 attributes,
// 15 status (Status: 3 code). Absent fields are proto3 defaults, as the JSON shape's checks then see them.
function span(r: Reader, end: number): Json {
  const s: Json = { traceId: '', spanId: '', name: '', startTimeUnixNano: '0', endTimeUnixNano: '0' };
  const attributes: Json[] = [];
  each(r, end, (t) => {
    if (t === tag(1, LEN)) s.traceId = hex(r.bytes());
    else if (t === tag(2, LEN)) s.spanId = hex(r.bytes());
    else if (t === tag(5, LEN)) s.name = r.string();
    else if (t === tag(7, 1)) s.startTimeUnixNano = fixed64(r);
    else if (t === tag(8, 1)) s.endTimeUnixNano = fixed64(r);
    else if (t === tag(9, LEN)) attributes.push(keyValue(r, sub(r)));
    else if (t === tag(15, LEN)) {
      const status = { code: 0 };
      each(r, sub(r), (st) => st === tag(3, 0) && ((status.code = r.int32()), true));
      s.status = status;
    } else return false;
    return true;
  });
  s.attributes = attributes;
  return s;
}

// TracesData: 1 resource_spans; ResourceSpans: 1 resource (Resource: 1 attributes), 2 scope_spans; ScopeSpans: 2 spans.
function resourceSpans(r: Reader, end: number): Json {
  const rs: Json = {};
  const scopeSpans: Json[] = [];
  each(r, end, (t) => {
    if (t === tag(1, LEN)) {
      const attributes: Json[] = [];
      each(r, sub(r), (rt) => rt === tag(1, LEN) && attributes.push(keyValue(r, sub(r))) > 0);
      rs.resource = { attributes };
    } else if (t === tag(2, LEN)) {
      const spans: Json[] = [];
      each(r, sub(r), (st) => st === tag(2, LEN) && spans.push(span(r, sub(r))) > 0);
      scopeSpans.push({ spans });
    } else return false;
    return true;
  });
  rs.scopeSpans = scopeSpans;
  return rs;
}

/** A TracesData message as the OTLP JSON object the decoder reads; throws when the bytes are not one. */
export function otlpProtoToJson(bytes: Buffer): unknown {
  const r = protobuf.Reader.create(bytes);
  const all: Json[] = [];
  each(r, r.len, (t) => t === tag(1, LEN) && all.push(resourceSpans(r, sub(r))) > 0);
  return { resourceSpans: all };
}
