// The cost topic in OTLP protobuf (the collector's `encoding: otlp_proto`) and in OTLP JSON, told apart per message:
// spans made by the OpenTelemetry SDK and serialized by its own OTLP serializers become the same cost events either
// way, so a running deployment can switch encodings without losing a span.
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { decodeCostSpans } from '../../src/decode/decode-cost-spans.js';
import { otlpProtoToJson } from '../../src/decode/otlp-proto.js';
import { otlpJson, otlpProto, sdkCostSpans } from '../support/sdk-spans.js';

const END = 1_767_225_600_250;
const EXTRA = { 'genops.customer_id': 'c-42', 'genops.test.flags': ['a', 'b'], 'genops.test.cached': true };

describe('OTLP on the cost topic', () => {
  const spans = sdkCostSpans([
    { team: 'search', costUsd: 0.000057, endMs: END, attributes: EXTRA },
    { team: 'growth', costUsd: 1.25, endMs: END, attributes: EXTRA },
  ]);
  const proto = otlpProto(spans);
  const json = otlpJson(spans);

  it('reads OTLP protobuf as it reads OTLP JSON: the same events, to the nano-dollar', () => {
    expect(proto[0]).toBe(0x0a);
    expect(json[0]).toBe(0x7b);
    const fromProto = decodeCostSpans(proto);
    const fromJson = decodeCostSpans(json);
    expect(fromProto.failures).toEqual([]);
    expect([fromProto.encoding, fromJson.encoding]).toEqual(['otlp_proto', 'otlp_json']);
    expect({ ...fromProto, encoding: 'same' }).toEqual({ ...fromJson, encoding: 'same' });
    expect(
      fromProto.events.map((e) => [e.team, e.costNano, e.inputTokens, e.customer, e.eventTimeMs]),
    ).toEqual([
      ['search', 57_000n, 1200, 'c-42', 1_767_225_600_250],
      ['growth', 1_250_000_000n, 1200, 'c-42', 1_767_225_600_250],
    ]);
    expect(fromProto.events[0]!.traceId).toBe(spans[0]!.spanContext().traceId);
    expect(fromProto.events[0]!.spanId).toBe(spans[0]!.spanContext().spanId);
  });

  it('still reads JSON that opens with a newline, which looks like protobuf’s first byte', () => {
    const decoded = decodeCostSpans(Buffer.concat([Buffer.from('\n'), json]));
    expect(decoded.failures).toEqual([]);
    expect(decoded.encoding).toBe('otlp_json');
    expect(decoded.events).toHaveLength(2);
  });

  it('dead-letters a message that opens like protobuf but is neither, naming both', () => {
    const { failures, encoding } = decodeCostSpans(Buffer.from([0x0a, 0xff, 0xff, 0x01, 0x02]));
    expect(encoding).toBe('invalid');
    expect(failures).toEqual([
      {
        code: 'NOT_OTLP_PROTO',
        reason: expect.stringMatching(/^not OTLP protobuf \(index out of range.*\) nor JSON \(.+\)$/s),
      },
    ]);
  });

  it('reads what the official definitions say: the same objects as protobufjs’s reflection over proto/', () => {
    const root = new protobuf.Root();
    root.resolvePath = (_origin, target) => join(import.meta.dirname, '..', '..', 'proto', target);
    root.loadSync('opentelemetry/proto/trace/v1/trace.proto');
    const type = root.lookupType('opentelemetry.proto.trace.v1.TracesData');
    const full = type.toObject(type.decode(proto), { longs: String, bytes: String, defaults: true }) as {
      resourceSpans: {
        resource?: { attributes: unknown[] };
        scopeSpans: { spans: Record<string, unknown>[] }[];
      }[];
    };
    const hex = (base64: unknown) => Buffer.from(String(base64), 'base64').toString('hex');
    // What the decoder reads of each span, in the JSON shape (the set member of each AnyValue only).
    const value = (v: Record<string, unknown>): Record<string, unknown> => {
      const which = ['stringValue', 'boolValue', 'intValue', 'doubleValue', 'arrayValue'].find(
        (k) => k in v && (k !== 'stringValue' || v.stringValue !== ''),
      )!;
      if (which === 'arrayValue')
        return {
          arrayValue: { values: (v.arrayValue as { values: Record<string, unknown>[] }).values.map(value) },
        };
      return { [which]: v[which] };
    };
    const attrs = (list: unknown[]) =>
      (list as { key: string; value: Record<string, unknown> }[]).map((kv) => ({
        key: kv.key,
        value: value(kv.value),
      }));
    const expected = {
      resourceSpans: full.resourceSpans.map((rs) => ({
        ...(rs.resource ? { resource: { attributes: attrs(rs.resource.attributes) } } : {}),
        scopeSpans: rs.scopeSpans.map((ss) => ({
          spans: ss.spans.map((s) => ({
            traceId: hex(s.traceId),
            spanId: hex(s.spanId),
            name: s.name,
            startTimeUnixNano: s.startTimeUnixNano,
            endTimeUnixNano: s.endTimeUnixNano,
            ...(s.status ? { status: { code: (s.status as { code: number }).code } } : {}),
            attributes: attrs(s.attributes as unknown[]),
          })),
        })),
      })),
    };
    expect(otlpProtoToJson(proto)).toEqual(expected);
  });
});
