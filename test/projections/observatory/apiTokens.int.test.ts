import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiTokenEvent } from '../../../domain/observatory/apiTokens.js';
import {
  apiTokenByHash,
  apiTokensOf,
  apiTokensProjection,
  evolveApiTokenRow,
  recordApiTokenUse,
} from '../../../projections/observatory/apiTokens.js';
import { createPostgresEventStore } from '../../../src/platform/eventStore/postgresEventStore.js';
import { ProjectionRunner } from '../../../src/platform/subscriptions/projectionRunner.js';
import { newEvent, untilLogReadable } from '../../support/events.js';
import { backends, openTestDatabase, type TestDatabase } from '../../support/testDatabase.js';

const keyId = '00000000-0000-4000-8000-000000000001';
const other = '00000000-0000-4000-8000-000000000002';
const issued = (id: string, name: string, secretHash: string): ApiTokenEvent => ({
  type: 'ApiTokenIssued',
  data: { istatCode: '072006', keyId: id, name, secretHash, issuedBy: 'cf:RSSMRA80A01A662A' },
});
const revoked = (id: string, name: string): ApiTokenEvent => ({
  type: 'ApiTokenRevoked',
  data: { istatCode: '072006', keyId: id, name, revokedBy: 'cf:RSSMRA80A01A662A' },
});

describe('API token rows', () => {
  it('keep when and from where a token was issued, and when it was revoked', () => {
    const at = '2026-11-20T10:00:00.000Z';
    const row = evolveApiTokenRow(
      undefined,
      issued(keyId, 'Gestionale', 'a'.repeat(64)),
      at,
      '198.51.100.4',
    );
    expect(row).toEqual({
      keyId,
      istatCode: '072006',
      name: 'Gestionale',
      secretHash: 'a'.repeat(64),
      issuedBy: 'cf:RSSMRA80A01A662A',
      issuedAt: at,
      issuedFrom: '198.51.100.4',
      revokedAt: null,
      revokedBy: null,
    });
    const later = '2026-11-21T10:00:00.000Z';
    expect(evolveApiTokenRow(row, revoked(keyId, 'Gestionale'), later, null)).toMatchObject({
      revokedAt: later,
      revokedBy: 'cf:RSSMRA80A01A662A',
    });
    // A revocation of a token the read model never saw makes no row.
    expect(evolveApiTokenRow(undefined, revoked(keyId, 'Gestionale'), later, null)).toBeUndefined();
  });
});

describe.each(backends())('%s: API tokens in SQL', (backend) => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await openTestDatabase(backend);
  });
  afterAll(async () => test.drop());

  it('finds a token by its hash, the same after replaying twice, its last use kept', async () => {
    const store = createPostgresEventStore(test.database);
    await store.appendToStream(
      'observatory-api-tokens-072006',
      [
        issued(keyId, 'Gestionale', 'a'.repeat(64)),
        issued(other, 'Vecchio', 'b'.repeat(64)),
        revoked(other, 'Vecchio'),
      ].map((event) => newEvent(event.type, event.data as never)),
    );
    const runner = new ProjectionRunner(
      {
        db: test.database.db,
        store,
        projections: [apiTokensProjection],
        logger: pino({ level: 'silent' }),
      },
      { batchSize: 2 },
    );
    await untilLogReadable(test.database.db, store);
    await runner.rebuild('observatory_api_tokens');
    await recordApiTokenUse(
      test.database.db,
      keyId,
      new Date('2026-11-22T09:00:00Z'),
      '203.0.113.9',
    );
    const once = await apiTokensOf(test.database.db, '072006');
    expect(
      once.map((row) => [row.name, row.revokedAt !== null, row.lastUsedAt, row.lastUsedFrom]),
    ).toEqual([
      ['Gestionale', false, '2026-11-22T09:00:00.000Z', '203.0.113.9'],
      ['Vecchio', true, null, null],
    ]);
    expect((await apiTokenByHash(test.database.db, 'a'.repeat(64)))?.keyId).toBe(keyId);
    expect(await apiTokenByHash(test.database.db, 'c'.repeat(64))).toBeUndefined();
    await runner.rebuild('observatory_api_tokens');
    expect(await apiTokensOf(test.database.db, '072006')).toEqual(once);
  });
});
