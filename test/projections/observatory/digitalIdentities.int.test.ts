import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  digitalIdentitiesProjection,
  evolveDigitalIdentityRow,
} from '../../../projections/observatory/digitalIdentities.js';
import type { RecordedEvent } from '../../../src/platform/eventStore/eventStore.js';
import { createPostgresEventStore } from '../../../src/platform/eventStore/postgresEventStore.js';
import { ProjectionRunner } from '../../../src/platform/subscriptions/projectionRunner.js';
import { newEvent, untilLogReadable } from '../../support/events.js';
import { backends, openTestDatabase, type TestDatabase } from '../../support/testDatabase.js';

const loggedIn = (givenName: string, occurredAt: string) => {
  const event = newEvent('DigitalIdentityLoggedIn', {
    fiscalCode: 'RSSMRA80A01A662A',
    givenName,
    familyName: 'Rossi',
    email: 'mario.rossi@comune.bari.it',
    issuer: 'https://identita.example.it',
  });
  return { ...event, metadata: { ...event.metadata, occurredAt } };
};

const recorded = (event: ReturnType<typeof loggedIn>): RecordedEvent => ({
  ...event,
  streamId: 'digital-identity-RSSMRA80A01A662A',
  version: 1,
  hash: '',
  position: { commit: 1n, prepare: 1n },
  metadata: { ...event.metadata, recordedAt: event.metadata.occurredAt },
});

describe('digital identities: pure evolution', () => {
  it('keeps the first login and takes the names of the last one', () => {
    const first = evolveDigitalIdentityRow(
      undefined,
      recorded(loggedIn('Mario', '2026-01-01T08:00:00.000Z')),
    );
    const second = evolveDigitalIdentityRow(
      first,
      recorded(loggedIn('Mario Luigi', '2026-02-01T08:00:00.000Z')),
    );
    expect(second).toMatchObject({
      givenName: 'Mario Luigi',
      firstLoginAt: '2026-01-01T08:00:00.000Z',
      lastLoginAt: '2026-02-01T08:00:00.000Z',
    });
  });

  it('leaves the row as it is on a logout', () => {
    const login = recorded(loggedIn('Mario', '2026-01-01T08:00:00.000Z'));
    const row = evolveDigitalIdentityRow(undefined, login);
    const logout = { ...login, type: 'DigitalIdentityLoggedOut', data: { fiscalCode: 'x' } };
    expect(row).toBeDefined();
    expect(evolveDigitalIdentityRow(row, logout)).toBeUndefined();
  });
});

describe.each(backends())('%s: digital identities in SQL', (backend) => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await openTestDatabase(backend);
  });
  afterAll(async () => test.drop());

  it('holds one row per fiscal code, the same after replaying twice', async () => {
    const store = createPostgresEventStore(test.database);
    await store.appendToStream('digital-identity-RSSMRA80A01A662A', [
      loggedIn('Mario', '2026-01-01T08:00:00.000Z'),
      newEvent('DigitalIdentityLoggedOut', { fiscalCode: 'RSSMRA80A01A662A' }),
      loggedIn('Mario Luigi', '2026-02-01T08:00:00.000Z'),
    ]);
    const runner = new ProjectionRunner(
      {
        db: test.database.db,
        store,
        projections: [digitalIdentitiesProjection],
        logger: pino({ level: 'silent' }),
      },
      { batchSize: 2 },
    );
    await untilLogReadable(test.database.db, store);
    await runner.rebuild('digital_identities');
    const stored = () =>
      test.database.db
        .selectFrom('digital_identities')
        .selectAll()
        .where('fiscal_code', '=', 'RSSMRA80A01A662A')
        .executeTakeFirst();
    const once = await stored();
    expect(once).toEqual({
      fiscal_code: 'RSSMRA80A01A662A',
      given_name: 'Mario Luigi',
      family_name: 'Rossi',
      email: 'mario.rossi@comune.bari.it',
      issuer: 'https://identita.example.it',
      first_login_at: new Date('2026-01-01T08:00:00.000Z'),
      last_login_at: new Date('2026-02-01T08:00:00.000Z'),
    });
    await runner.rebuild('digital_identities');
    expect(await stored()).toEqual(once);
  });
});
