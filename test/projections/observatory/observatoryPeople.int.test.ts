import type { Kysely } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OfficerEvent } from '../../../domain/observatory/municipalityOfficer.js';
import type { AdminEvent } from '../../../domain/observatory/observatoryAdmins.js';
import {
  admins,
  evolveAdminRow,
  evolveOfficerRow,
  observatoryPeopleProjection,
  officers,
  standingOf,
  standingRows,
} from '../../../projections/observatory/officers.js';
import type { Schema } from '../../../src/platform/db/schema.js';
import { createPostgresEventStore } from '../../../src/platform/eventStore/postgresEventStore.js';
import { ProjectionRunner } from '../../../src/platform/subscriptions/projectionRunner.js';
import { newEvent, untilLogReadable } from '../../support/events.js';
import { backends, openTestDatabase, type TestDatabase } from '../../support/testDatabase.js';

/** Where a person stands on a day: the rows the session's statement reads, folded. */
const observatoryStanding = async (db: Kysely<Schema>, fiscalCode: string, today: string) =>
  standingOf((await standingRows(fiscalCode, today).execute(db)).rows);

const mario = 'RSSMRA80A01A662A';
const lucia = 'BNCLCU85M41E506C';
const own = (istatCode: string, email: string) => ({
  istatCode,
  email,
  mandate: 'responsabile',
  fromMonth: null,
  toMonth: null,
});
const assigned = (istatCode: string, fiscalCode: string, email: string): OfficerEvent => ({
  type: 'OfficerAssigned',
  data: { istatCode, fiscalCode, email, assignedBy: 'cf:admin' },
});
const ended = (istatCode: string, fiscalCode: string): OfficerEvent => ({
  type: 'OfficerAssignmentEnded',
  data: { istatCode, fiscalCode, endedBy: 'cf:admin', reason: 'Trasferito ad altro ufficio' },
});
const emailChanged = (istatCode: string, fiscalCode: string, email: string): OfficerEvent => ({
  type: 'OfficerEmailChanged',
  data: {
    istatCode,
    fiscalCode,
    email,
    previousEmail: 'ambiente@comune.bari.it',
    changedBy: 'cf:admin',
    reason: 'Nuova casella dell’ufficio',
  },
});
const granted = (fiscalCode: string): AdminEvent => ({
  type: 'ObservatoryAdminGranted',
  data: { fiscalCode, grantedBy: 'cli' },
});
const revoked = (fiscalCode: string): AdminEvent => ({
  type: 'ObservatoryAdminRevoked',
  data: { fiscalCode, revokedBy: 'cf:admin', reason: 'Cambio di incarico' },
});

describe('observatory people: pure row evolution', () => {
  const at = '2026-11-20T10:00:00.000Z';
  it('holds the municipality’s user, its address changes, and no row once ended', () => {
    const row = evolveOfficerRow(null, assigned('072006', mario, 'ambiente@comune.bari.it'), at);
    expect(row).toEqual({
      istatCode: '072006',
      fiscalCode: mario,
      email: 'ambiente@comune.bari.it',
      assignedAt: at,
    });
    const moved = evolveOfficerRow(
      row,
      emailChanged('072006', mario, 'rifiuti@comune.bari.it'),
      at,
    );
    expect(moved?.email).toBe('rifiuti@comune.bari.it');
    expect(evolveOfficerRow(moved, ended('072006', mario), at)).toBeNull();
  });

  it('ignores an end or a change that names someone else', () => {
    const row = evolveOfficerRow(null, assigned('072006', mario, 'ambiente@comune.bari.it'), at);
    expect(evolveOfficerRow(row, ended('072006', lucia), at)).toBe(row);
    expect(evolveOfficerRow(row, emailChanged('072006', lucia, 'x@comune.bari.it'), at)).toBe(row);
  });

  it('keeps an admin’s first grant date until revoked', () => {
    const first = evolveAdminRow(null, granted(mario), '2026-01-01T00:00:00.000Z');
    expect(evolveAdminRow(first, granted(mario), at)).toEqual({
      fiscalCode: mario,
      grantedAt: '2026-01-01T00:00:00.000Z',
    });
    expect(evolveAdminRow(first, revoked(mario), at)).toBeNull();
  });
});

describe.each(backends())('%s: observatory people in SQL', (backend) => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await openTestDatabase(backend);
  });
  afterAll(async () => test.drop());

  const event = (e: OfficerEvent | AdminEvent, occurredAt: string) => {
    const recorded = newEvent(e.type, e.data);
    return { ...recorded, metadata: { ...recorded.metadata, occurredAt } };
  };

  it('is the same after replaying twice, with a person of two municipalities, a second user and a delegate', async () => {
    const store = createPostgresEventStore(test.database);
    await store.appendToStream('observatory-admins', [
      event(granted(mario), '2026-01-01T08:00:00.000Z'),
      event(granted(lucia), '2026-01-02T08:00:00.000Z'),
      event(revoked(mario), '2026-01-03T08:00:00.000Z'),
    ]);
    await store.appendToStream('municipality-072006', [
      event(assigned('072006', mario, 'ambiente@comune.bari.it'), '2026-02-01T08:00:00.000Z'),
      event(emailChanged('072006', mario, 'rifiuti@comune.bari.it'), '2026-02-02T08:00:00.000Z'),
    ]);
    // One person, the user of two municipalities.
    const person = 'VRDGPP70C15F205N';
    await store.appendToStream('municipality-075035', [
      event(assigned('075035', person, 'ambiente@comune.lecce.it'), '2026-03-01T08:00:00.000Z'),
    ]);
    await store.appendToStream('municipality-073027', [
      event(assigned('073027', person, 'ambiente@comune.taranto.it'), '2026-03-01T08:00:01.000Z'),
    ]);
    await store.appendToStream('municipality-072004', [
      event(assigned('072004', lucia, 'ambiente@comune.altamura.it'), '2026-04-01T08:00:00.000Z'),
      event(ended('072004', lucia), '2026-04-02T08:00:00.000Z'),
    ]);
    // Lucia: a second user of Bari until the end of June, then a delegate of Lecce's collector.
    const delegation = '4f1c2a7e-9d1b-4c55-8a43-2f5b0c6d7e81';
    await store.appendToStream('municipality-072006', [
      event(
        {
          type: 'SecondUserAuthorised',
          data: {
            istatCode: '072006',
            fiscalCode: lucia,
            email: 'lucia@comune.bari.it',
            documentReference: 'Prot. 123/2026',
            reason: 'Assenza prolungata della referente',
            expiresOn: '2026-06-30',
            authorisedBy: 'cf:admin',
          },
        },
        '2026-04-03T08:00:00.000Z',
      ),
    ]);
    await store.appendToStream('municipality-075035', [
      event(
        {
          type: 'FilingDelegated',
          data: {
            istatCode: '075035',
            delegationId: delegation,
            fiscalCode: lucia,
            email: 'lucia@gestore.example',
            collector: 'Ecologia Salento',
            fromMonth: '2026-01',
            toMonth: '2026-12',
            delegatedBy: `cf:${person}`,
          },
        },
        '2026-04-04T08:00:00.000Z',
      ),
      event(
        {
          type: 'FilingDelegationRevoked',
          data: {
            istatCode: '075035',
            delegationId: '0b6f9d3c-1111-4a2b-9c3d-5e6f7a8b9c0d',
            fiscalCode: mario,
            email: 'mario@gestore.example',
            revokedBy: `cf:${person}`,
            reason: 'Una revoca di una delega mai data non tocca le altre',
          },
        },
        '2026-04-05T08:00:00.000Z',
      ),
    ]);
    const runner = new ProjectionRunner(
      {
        db: test.database.db,
        store,
        projections: [observatoryPeopleProjection],
        logger: pino({ level: 'silent' }),
      },
      { batchSize: 2 },
    );
    await untilLogReadable(test.database.db, store);
    await runner.rebuild('observatory_people');
    const read = async () => ({
      officers: (await officers(test.database.db)).map((row) => ({
        istat: row.istat_code,
        fiscalCode: row.fiscal_code,
        email: row.email,
      })),
      admins: (await admins(test.database.db)).map((row) => row.fiscal_code),
      person: (await observatoryStanding(test.database.db, person, '2026-05-01')).mandates,
      mario: (await observatoryStanding(test.database.db, mario, '2026-05-01')).mandates,
      lucia: (await observatoryStanding(test.database.db, lucia, '2026-05-01')).mandates,
      luciaInJuly: (await observatoryStanding(test.database.db, lucia, '2026-07-01')).mandates,
      standingAdmins: await Promise.all(
        [person, mario, lucia].map(
          async (who) => (await observatoryStanding(test.database.db, who, '2026-05-01')).admin,
        ),
      ),
    });
    const once = await read();
    expect(once).toEqual({
      officers: [
        { istat: '072006', fiscalCode: mario, email: 'rifiuti@comune.bari.it' },
        { istat: '073027', fiscalCode: person, email: 'ambiente@comune.taranto.it' },
        { istat: '075035', fiscalCode: person, email: 'ambiente@comune.lecce.it' },
      ],
      admins: [lucia],
      standingAdmins: [false, false, true],
      person: [
        own('073027', 'ambiente@comune.taranto.it'),
        own('075035', 'ambiente@comune.lecce.it'),
      ],
      mario: [own('072006', 'rifiuti@comune.bari.it')],
      lucia: [
        { ...own('072006', 'lucia@comune.bari.it'), mandate: 'autorizzato' },
        {
          istatCode: '075035',
          email: 'lucia@gestore.example',
          mandate: 'delegato',
          fromMonth: '2026-01',
          toMonth: '2026-12',
        },
      ],
      // The authorisation has expired; the delegation runs until revoked.
      luciaInJuly: [
        {
          istatCode: '075035',
          email: 'lucia@gestore.example',
          mandate: 'delegato',
          fromMonth: '2026-01',
          toMonth: '2026-12',
        },
      ],
    });
    await runner.rebuild('observatory_people');
    expect(await read()).toEqual(once);
  });
});
