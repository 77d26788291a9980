// Apache Kafka in KRaft mode (one combined broker + controller) on loopback.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Admin } from '@platformatic/kafka';
import type { StackPorts } from '../endpoints.js';
import { runCommand } from '../run-command.js';
import type { ServiceSpec } from '../supervisor.js';

/** Topics the stack creates: the cost spans (6 partitions, for scale-out), dead letters, budget alerts. */
export const STACK_TOPICS = [
  { topic: 'genops.cost-spans', numPartitions: 6 },
  { topic: 'genops.cost-spans.dlq', numPartitions: 1 },
  { topic: 'genops.budget-alerts', numPartitions: 1 },
];

function serverProperties(ports: StackPorts, dataDir: string): string {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${ports.kafkaController}`,
    `listeners=PLAINTEXT://127.0.0.1:${ports.kafka},CONTROLLER://127.0.0.1:${ports.kafkaController}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${ports.kafka}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${dataDir}`,
    'num.partitions=1',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=3',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=true',
    'message.max.bytes=16777216',
    '',
  ].join('\n');
}

const LOG4J2 = `Configuration:
  status: warn
  Appenders:
    Console:
      name: STDOUT
      PatternLayout:
        Pattern: "[%d] %p %m (%c)%n"
  Loggers:
    Root:
      level: warn
      AppenderRef:
        - ref: STDOUT
    Logger:
      - name: kafka.server.KafkaServer
        level: info
      - name: kafka.server.BrokerServer
        level: info
`;

/** Writes the config and formats the storage (once per stack); returns the broker's service spec. */
export async function prepareKafka(
  stateDir: string,
  ports: StackPorts,
  libs: string,
  java: string,
): Promise<ServiceSpec> {
  const dir = join(stateDir, 'kafka');
  const dataDir = join(dir, 'data');
  mkdirSync(dir, { recursive: true });
  const properties = join(dir, 'server.properties');
  writeFileSync(properties, serverProperties(ports, dataDir));
  writeFileSync(join(dir, 'log4j2.yaml'), LOG4J2);
  const classpath = `${libs}/*`;
  if (!existsSync(join(dataDir, 'meta.properties'))) {
    await runCommand(java, [
      '-cp',
      classpath,
      'kafka.tools.StorageTool',
      'format',
      '-t',
      kafkaClusterId(),
      '-c',
      properties,
    ]);
  }
  return {
    name: 'kafka',
    command: java,
    args: [
      '-Xms256m',
      '-Xmx768m',
      '-XX:+UseG1GC',
      `-Dlog4j2.configurationFile=${join(dir, 'log4j2.yaml')}`,
      '-cp',
      classpath,
      'kafka.Kafka',
      properties,
    ],
    env: {},
    cwd: dir,
    logFile: join(stateDir, 'logs', 'kafka.log'),
    health: { kind: 'tcp', port: ports.kafka },
    startTimeoutS: 90,
  };
}

/** Waits until the broker answers metadata requests, then creates the stack's topics. */
export async function createStackTopics(brokers: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    // A client per attempt: one made before the broker listened keeps failing.
    const admin = new Admin({ clientId: 'genops-devstack', bootstrapBrokers: [brokers] });
    try {
      const existing = new Set(await admin.listTopics());
      const missing = STACK_TOPICS.filter((t) => !existing.has(t.topic));
      if (missing.length)
        await admin.createTopics({
          topics: missing.map((t) => ({ topic: t.topic, partitions: t.numPartitions, replicas: 1 })),
        });
      // Every partition has a leader before anyone produces (kafkajs's waitForLeaders).
      const metadata = await admin.metadata({ topics: STACK_TOPICS.map((t) => t.topic), forceUpdate: true });
      const led = STACK_TOPICS.every((t) =>
        metadata.topics.get(t.topic)?.partitions.every((p) => p.leader >= 0),
      );
      if (!led) throw new Error('kafka: the stack topics have no leaders yet');
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      await admin.close().catch(() => {});
    }
  }
}

/**
 * A random cluster id as Kafka makes one (`Uuid.randomUuid()`): 16 bytes in base64url, never starting with `-`,
 * which the storage tool would read as an option (1 start in 64 failed with its usage text).
 */
export function kafkaClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}
