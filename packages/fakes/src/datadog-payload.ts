// Decodes the Datadog agent-payload protobufs the collector's Datadog exporter sends (metrics v2 series and
// sketches), so tests can read metric names, tags and values as Datadog's intake would.
import protobuf from 'protobufjs';

// From github.com/DataDog/agent-payload/v5 proto/metrics/agent_payload.proto (the fields we read).
const AGENT_PAYLOAD_PROTO = `
syntax = "proto3";
package datadog.agentpayload;
message Origin { uint32 origin_product = 4; uint32 origin_category = 5; uint32 origin_service = 6; }
message Metadata { Origin origin = 1; }
message MetricPayload {
  enum MetricType { UNSPECIFIED = 0; COUNT = 1; RATE = 2; GAUGE = 3; }
  message MetricPoint { double value = 1; int64 timestamp = 2; }
  message Resource { string type = 1; string name = 2; }
  message MetricSeries {
    repeated Resource resources = 1; string metric = 2; repeated string tags = 3; repeated MetricPoint points = 4;
    MetricType type = 5; string unit = 6; string source_type_name = 7; int64 interval = 8; Metadata metadata = 9;
  }
  repeated MetricSeries series = 1;
}
message SketchPayload {
  message Sketch {
    message Dogsketch {
      int64 ts = 1; int64 cnt = 2; double min = 3; double max = 4; double avg = 5; double sum = 6;
      repeated sint32 k = 7; repeated uint32 n = 8;
    }
    string metric = 1; string host = 2; repeated string tags = 4; repeated Dogsketch dogsketches = 7;
    Metadata metadata = 8;
  }
  repeated Sketch sketches = 1;
}
`;

const root = protobuf.parse(AGENT_PAYLOAD_PROTO, { keepCase: true }).root;
const MetricPayload = root.lookupType('datadog.agentpayload.MetricPayload');
const SketchPayload = root.lookupType('datadog.agentpayload.SketchPayload');

/** One metric series or sketch as Datadog would index it. */
export interface DatadogMetric {
  name: string;
  kind: 'count' | 'rate' | 'gauge' | 'unspecified' | 'distribution';
  tags: string[];
  /** Sum of the points (series) or of the sketches' sums (distribution). */
  sum: number;
  /** Number of values a distribution summarises (0 for series). */
  count: number;
}

const KINDS = ['unspecified', 'count', 'rate', 'gauge'] as const;

/** Metrics in a protobuf body sent to `path`, or undefined when the path carries no metric payload. */
export function decodeDatadogMetrics(path: string, body: Buffer): DatadogMetric[] | undefined {
  if (path === '/api/v2/series') {
    const payload = MetricPayload.toObject(MetricPayload.decode(body), { longs: Number, enums: Number }) as {
      series?: { metric: string; tags?: string[]; type?: number; points?: { value?: number }[] }[];
    };
    return (payload.series ?? []).map((s) => ({
      name: s.metric,
      kind: KINDS[s.type ?? 0] ?? 'unspecified',
      tags: s.tags ?? [],
      sum: (s.points ?? []).reduce((n, p) => n + (p.value ?? 0), 0),
      count: 0,
    }));
  }
  if (path === '/api/beta/sketches') {
    const payload = SketchPayload.toObject(SketchPayload.decode(body), { longs: Number }) as {
      sketches?: { metric: string; tags?: string[]; dogsketches?: { cnt?: number; sum?: number }[] }[];
    };
    return (payload.sketches ?? []).map((s) => ({
      name: s.metric,
      kind: 'distribution' as const,
      tags: s.tags ?? [],
      sum: (s.dogsketches ?? []).reduce((n, d) => n + (d.sum ?? 0), 0),
      count: (s.dogsketches ?? []).reduce((n, d) => n + (d.cnt ?? 0), 0),
    }));
  }
  return undefined;
}
