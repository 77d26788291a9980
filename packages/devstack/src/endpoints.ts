// The ports a stack uses and the endpoints it publishes (`devstack status --json`).

/** Every port of a stack; each is configurable. DESIGN.md's defaults are in `DEFAULT_PORTS`. */
export interface StackPorts {
  otlpGrpc: number;
  otlpHttp: number;
  collectorPrometheus: number;
  collectorHealth: number;
  collectorTelemetry: number;
  collectorPprof: number;
  collectorZpages: number;
  kafka: number;
  kafkaController: number;
  jaegerOtlpGrpc: number;
  jaegerOtlpHttp: number;
  jaegerQuery: number;
  jaegerQueryGrpc: number;
  jaegerHealth: number;
  prometheus: number;
  postgres: number;
  fakeHoneycomb: number;
  fakeDatadog: number;
  fakeControl: number;
}

export const DEFAULT_PORTS: StackPorts = {
  otlpGrpc: 4317,
  otlpHttp: 4318,
  collectorPrometheus: 8889,
  collectorHealth: 13133,
  collectorTelemetry: 8888,
  collectorPprof: 1777,
  collectorZpages: 55679,
  kafka: 9092,
  kafkaController: 9094,
  jaegerOtlpGrpc: 14317,
  jaegerOtlpHttp: 14318,
  jaegerQuery: 16686,
  jaegerQueryGrpc: 16685,
  jaegerHealth: 13134,
  prometheus: 9090,
  postgres: 5432,
  fakeHoneycomb: 14417,
  fakeDatadog: 14418,
  fakeControl: 14419,
};

export interface StackEndpoints {
  kafkaBrokers: string;
  otlpGrpc: string;
  otlpHttp: string;
  collectorHealthUrl: string;
  collectorMetricsUrl: string;
  prometheusUrl: string;
  jaegerUrl: string;
  jaegerOtlpGrpc: string;
  postgresUrl: string;
  fakeIntakeUrl: string;
  honeycombOtlp: string;
  datadogUrl: string;
}

export function endpointsFor(p: StackPorts): StackEndpoints {
  const at = (port: number) => `127.0.0.1:${port}`;
  return {
    kafkaBrokers: at(p.kafka),
    otlpGrpc: `http://${at(p.otlpGrpc)}`,
    otlpHttp: `http://${at(p.otlpHttp)}`,
    collectorHealthUrl: `http://${at(p.collectorHealth)}/`,
    collectorMetricsUrl: `http://${at(p.collectorPrometheus)}/metrics`,
    prometheusUrl: `http://${at(p.prometheus)}`,
    jaegerUrl: `http://${at(p.jaegerQuery)}`,
    jaegerOtlpGrpc: at(p.jaegerOtlpGrpc),
    postgresUrl: `postgres://genops@${at(p.postgres)}/genops`,
    fakeIntakeUrl: `http://${at(p.fakeControl)}`,
    honeycombOtlp: at(p.fakeHoneycomb),
    datadogUrl: `http://${at(p.fakeDatadog)}`,
  };
}
