// Installs Apache Kafka's jars from Maven Central (KRaft mode needs nothing else).
import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { assetsDir, cacheDir } from '../paths.js';
import type { Progress } from '../progress.js';
import { runCommand } from '../run-command.js';

export function kafkaVersion(): string {
  const pom = readFileSync(join(assetsDir(), 'kafka', 'pom.xml'), 'utf8');
  const match = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom);
  if (!match) throw new Error('packages/devstack/assets/kafka/pom.xml has no <kafka.version>');
  return match[1]!;
}

export function kafkaLibsDir(): string {
  return join(cacheDir(), 'kafka', kafkaVersion(), 'libs');
}

export async function ensureKafka(progress: Progress): Promise<string> {
  const libs = kafkaLibsDir();
  if (existsSync(libs) && readdirSync(libs).some((f) => f.startsWith('kafka_2.13-'))) return libs;
  progress(`kafka: resolving Apache Kafka ${kafkaVersion()} jars from Maven Central`);
  const tmp = `${libs}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  await runCommand('mvn', [
    '-q',
    '-B',
    '-f',
    join(assetsDir(), 'kafka', 'pom.xml'),
    'dependency:copy-dependencies',
    `-DoutputDirectory=${tmp}`,
    '-DincludeScope=runtime',
  ]);
  renameSync(tmp, libs);
  return libs;
}
