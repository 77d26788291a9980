// A fresh PostgreSQL database on the devstack server for each test that needs one.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export async function freshDatabase(serverUrl: string): Promise<string> {
  const name = `genops_test_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
