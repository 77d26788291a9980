#!/usr/bin/env node
// Runs the SaaS intake fakes as a devstack service. Ports from FAKE_HONEYCOMB_PORT, FAKE_DATADOG_PORT, FAKE_CONTROL_PORT.
import { startSaasIntake } from './saas-intake.js';

const port = (name: string) => Number(process.env[name] ?? 0);
const intake = await startSaasIntake({
  honeycomb: port('FAKE_HONEYCOMB_PORT'),
  datadog: port('FAKE_DATADOG_PORT'),
  control: port('FAKE_CONTROL_PORT'),
});
process.stdout.write(
  `saas-intake: honeycomb=${intake.honeycombPort} datadog=${intake.datadogPort} control=${intake.controlPort}\n`,
);
const stop = () => {
  intake.close().finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
