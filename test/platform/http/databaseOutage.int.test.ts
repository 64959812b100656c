import type { FastifyInstance } from 'fastify';
import { Kysely, PostgresDialect } from 'kysely';
import { createServer } from 'node:net';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionCookie } from '../../../src/accounts/sessions.js';
import { buildApp } from '../../../src/app.js';
import { loadConfig } from '../../../src/config.js';
import type { Database } from '../../../src/platform/db/database.js';
import type { Schema } from '../../../src/platform/db/schema.js';
import { createPostgresEventStore } from '../../../src/platform/eventStore/postgresEventStore.js';
import { ProjectionRunner } from '../../../src/platform/subscriptions/projectionRunner.js';
import { TestClient } from '../../support/client.js';
import { cookieSecret, testSeal, testTagKey, testWitness } from '../../support/testApp.js';

/** A port nothing listens on: every connection is refused, as while PostgreSQL is down. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function unreachableDatabase(): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: `postgres://dichiara:dichiara@127.0.0.1:${await closedPort()}/dichiara`,
  });
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  return {
    kind: 'postgres',
    db,
    listen: async () => async () => undefined,
    tryLock: async () => null,
    close: () => db.destroy(),
  };
}

describe('pages while the database is unreachable', () => {
  let app: FastifyInstance;
  let database: Database;
  beforeAll(async () => {
    database = await unreachableDatabase();
    const logger = pino({ level: 'silent' });
    const store = createPostgresEventStore(database);
    app = await buildApp({
      config: loadConfig({ NODE_ENV: 'test' }),
      logger,
      clock: () => new Date(),
      database,
      eventStore: store,
      projections: new ProjectionRunner({ db: database.db, store, projections: [], logger }),
      cookieSecret,
      sealPublicKey: testSeal.publicKey,
      eventTagKey: testTagKey,
      headWitness: testWitness(),
    });
  });
  afterAll(async () => {
    await app.close();
    await database.close();
  });

  const session = () => `${sessionCookie}=${app.signCookie('a-session-token')}`;

  it('answers a signed-in person 503 with the Italian page and Retry-After, not a 500', async () => {
    const response = await app.inject({ url: '/dichiarazioni', headers: { cookie: session() } });
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('30');
    expect(response.body).toContain('<html');
    expect(response.body).toContain('Servizio non disponibile');
    expect(response.body).toContain(
      'Il servizio è momentaneamente non disponibile: riprova tra poco.',
    );
    expect(response.body).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
  });

  it('answers htmx with the alert alone', async () => {
    const response = await app.inject({
      url: '/dichiarazioni',
      headers: { cookie: session(), 'hx-request': 'true' },
    });
    expect(response.statusCode).toBe(503);
    expect(response.body).not.toContain('<html');
    expect(response.body).toContain('Il servizio è momentaneamente non disponibile');
  });

  it('answers a login attempt 503', async () => {
    const visitor = new TestClient(app);
    const form = await visitor.get('/accesso');
    expect(form.statusCode).toBe(200);
    const response = await visitor.post('/accesso', {
      username: 'mario',
      password: 'Segreta-2026',
    });
    expect(response.statusCode).toBe(503);
    expect(response.body).toContain('Servizio non disponibile');
  });
});
