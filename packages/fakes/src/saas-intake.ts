// Local fakes of the SaaS intakes the collector ships to: Honeycomb (OTLP gRPC), Datadog (HTTP intake API) and
// Langfuse (OTLP/HTTP with basic auth).
// They record what arrives and expose it on a small control API for tests.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync, inflateSync } from 'node:zlib';
import * as grpc from '@grpc/grpc-js';
import { decodeDatadogMetrics, type DatadogMetric } from './datadog-payload.js';
import { decodeOtlp, type OtlpSignal } from './otlp-decode.js';

/** One OTLP export Honeycomb's fake received. */
export interface HoneycombRecord {
  signal: OtlpSignal;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

/** One request Datadog's fake received. `json` when the body was JSON, else `text` (protobuf as latin1). */
export interface DatadogRecord {
  path: string;
  headers: Record<string, string>;
  json?: unknown;
  text?: string;
  /** Decoded metrics of a v2 series or sketches payload. */
  metrics?: DatadogMetric[];
  /** Why a metrics payload could not be decoded. */
  decodeError?: string;
}

/** One OTLP/HTTP export Langfuse's fake received (`/api/public/otel/v1/{traces,metrics,logs}`). */
export interface LangfuseRecord {
  signal: OtlpSignal;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export interface SaasIntake {
  honeycombPort: number;
  datadogPort: number;
  controlPort: number;
  close(): Promise<void>;
}

const SERVICES: Record<OtlpSignal, string> = {
  traces: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
  metrics: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
  logs: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
};

const identity = (b: Buffer) => b;

async function startHoneycomb(
  port: number,
  records: HoneycombRecord[],
): Promise<{ server: grpc.Server; port: number }> {
  const server = new grpc.Server();
  for (const [signal, path] of Object.entries(SERVICES) as [OtlpSignal, string][]) {
    const definition = {
      Export: {
        path,
        requestStream: false,
        responseStream: false,
        requestSerialize: identity,
        requestDeserialize: identity,
        responseSerialize: identity,
        responseDeserialize: identity,
      },
    };
    server.addService(definition, {
      Export: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
        const headers: Record<string, string> = {};
        for (const [key, values] of Object.entries(call.metadata.getMap())) headers[key] = String(values);
        try {
          records.push({ signal, headers, body: decodeOtlp(signal, call.request) });
          callback(null, Buffer.alloc(0)); // an empty Export*ServiceResponse
        } catch (error) {
          callback({ code: grpc.status.INVALID_ARGUMENT, details: String(error) });
        }
      },
    });
  }
  const bound = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (error, p) =>
      error ? reject(error) : resolve(p),
    ),
  );
  return { server, port: bound };
}

function readRaw(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function decompress(body: Buffer, encoding: string | undefined): Buffer {
  if (encoding === 'gzip') return gunzipSync(body);
  if (encoding === 'deflate') return inflateSync(body);
  return body;
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.headers)) out[key] = String(value);
  return out;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve) =>
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

const LANGFUSE_OTLP = /^\/api\/public\/otel\/v1\/(traces|metrics|logs)$/;

/** The HTTP intakes on one port, by path: Langfuse's OTLP endpoint, and Datadog's intake API for the rest. */
function startHttpIntake(
  port: number,
  records: DatadogRecord[],
  langfuse: LangfuseRecord[],
): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    readRaw(req)
      .then((raw) => {
        const path = (req.url ?? '').split('?')[0] ?? '';
        const otlp = LANGFUSE_OTLP.exec(path);
        if (otlp) {
          const body = decompress(raw, req.headers['content-encoding']);
          const signal = otlp[1] as OtlpSignal;
          const decoded = req.headers['content-type']?.includes('json')
            ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>)
            : decodeOtlp(signal, body);
          langfuse.push({ signal, headers: flatHeaders(req), body: decoded });
          res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
          return;
        }
        if (path === '/api/v1/validate') {
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"valid":true}');
          return;
        }
        const body = decompress(raw, req.headers['content-encoding']);
        const record: DatadogRecord = { path, headers: flatHeaders(req) };
        try {
          record.json = JSON.parse(body.toString('utf8'));
        } catch {
          record.text = body.toString('latin1');
          try {
            const metrics = decodeDatadogMetrics(path, body);
            if (metrics) record.metrics = metrics;
          } catch (error) {
            record.decodeError = String(error);
          }
        }
        records.push(record);
        res.writeHead(202, { 'content-type': 'application/json' }).end('{}');
      })
      .catch((error: unknown) => res.writeHead(400).end(String(error)));
  });
  return listen(server, port).then((p) => ({ server, port: p }));
}

/**
 * Starts the fakes and the control API: GET /honeycomb, GET /datadog, GET /langfuse, DELETE /records, GET /healthz.
 * Langfuse shares the Datadog port (its own path).
 */
export async function startSaasIntake(
  ports: { honeycomb?: number; datadog?: number; control?: number } = {},
): Promise<SaasIntake> {
  const honeycombRecords: HoneycombRecord[] = [];
  const datadogRecords: DatadogRecord[] = [];
  const langfuseRecords: LangfuseRecord[] = [];
  const honeycomb = await startHoneycomb(ports.honeycomb ?? 0, honeycombRecords);
  const datadog = await startHttpIntake(ports.datadog ?? 0, datadogRecords, langfuseRecords);
  const control = createServer((req, res) => {
    const send = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.method === 'GET' && req.url === '/healthz') return send(200, { ok: true });
    if (req.method === 'GET' && req.url === '/honeycomb') return send(200, honeycombRecords);
    if (req.method === 'GET' && req.url === '/datadog') return send(200, datadogRecords);
    if (req.method === 'GET' && req.url === '/langfuse') return send(200, langfuseRecords);
    if (req.method === 'DELETE' && req.url === '/records') {
      honeycombRecords.length = 0;
      datadogRecords.length = 0;
      langfuseRecords.length = 0;
      return send(200, { ok: true });
    }
    return send(404, { error: { code: 'NOT_FOUND', message: `no route ${req.method} ${req.url}` } });
  });
  const controlPort = await listen(control, ports.control ?? 0);
  return {
    honeycombPort: honeycomb.port,
    datadogPort: datadog.port,
    controlPort,
    close: async () => {
      await new Promise<void>((r) => control.close(() => r()));
      await new Promise<void>((r) => datadog.server.close(() => r()));
      await new Promise<void>((r) => honeycomb.server.tryShutdown(() => r()));
    },
  };
}
