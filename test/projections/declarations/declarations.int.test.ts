import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContractEvent } from '../../../domain/contracts/contractEvents.js';
import type { DeclarationContent } from '../../../domain/declarations/declarationEvents.js';
import {
  declarationRow,
  declarationsProjection,
  evolveDeclarationRow,
  submittedDeclarations,
} from '../../../projections/declarations/declarations.js';
import { createPostgresEventStore } from '../../../src/platform/eventStore/postgresEventStore.js';
import { ProjectionRunner } from '../../../src/platform/subscriptions/projectionRunner.js';
import { newEvent, untilLogReadable } from '../../support/events.js';
import { backends, openTestDatabase, type TestDatabase } from '../../support/testDatabase.js';

const file = {
  slot: 'dichiarazione' as const,
  filename: 'dichiarazione.xlsx',
  contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  size: 1234,
  sha256: 'a'.repeat(64),
  description: null,
};
const content: DeclarationContent = {
  year: 2025,
  templateVersion: '2025.1',
  notificationEmail: 'ufficio@ditta.example',
  files: [file],
  figures: {
    year: 2025,
    contractNumber: '3001234567',
    customerCode: '1001234567',
    companyName: 'Test SRL',
    plantAddress: 'Via Vai 1, 40100 Bologna (BO)',
    waterSources: [],
    dischargeMeters: [],
    deductions: [],
    dischargedVolume: 4000,
    productionDays: 230,
    notes: '',
  },
  analyses: null,
  warnings: [],
};
const prepared: ContractEvent = {
  type: 'DeclarationPrepared',
  data: { ...content, preparedBy: 'ditta-1' },
};
const submitted: ContractEvent = {
  type: 'DeclarationSubmitted',
  data: {
    ...content,
    notificationEmail: 'altro@ditta.example',
    signatory: {
      accountId: 'ditta-1',
      name: 'Carla Test',
      username: 'carla',
      email: 'carla@ditta.example',
      kind: 'ditta',
    },
    receivedAt: '2026-02-02T10:00:00.000Z',
    deadline: '2026-01-31',
    late: true,
    warningsAcknowledged: false,
  },
};
const copyOfRecord = { sha256: 'b'.repeat(64), size: 99 };
const protocolled: ContractEvent = {
  type: 'DeclarationProtocolled',
  data: {
    year: 2025,
    protocolNumber: '2025/000007',
    copyOfRecord,
    notificationEmail: 'altro@ditta.example',
  },
};
/** The number first, the copy when stored (since the copy left the request). */
const numbered: ContractEvent = {
  type: 'DeclarationProtocolled',
  data: { year: 2025, protocolNumber: '2025/000008', notificationEmail: 'altro@ditta.example' },
};
const stored: ContractEvent = {
  type: 'CopyOfRecordStored',
  data: {
    year: 2025,
    protocolNumber: '2025/000008',
    copyOfRecord,
    notificationEmail: 'altro@ditta.example',
  },
};
/** A correction filed by someone else (a consultant taking over) replacing 2025/000007. */
const corrected: ContractEvent = {
  type: 'DeclarationSubmitted',
  data: {
    ...submitted.data,
    signatory: {
      accountId: 'studio-9',
      name: 'Sara Studio',
      username: 'sara',
      email: 'sara@studio.example',
      kind: 'studio',
    },
    corrects: { replaces: '2025/000007', reason: 'Volume da rettificare.' },
  },
};
const resent: ContractEvent = {
  type: 'CopyOfRecordResent',
  data: {
    year: 2025,
    protocolNumber: '2025/000007',
    copyOfRecord,
    to: 'altro@ditta.example',
    requestedBy: 'ditta-1',
    requestedAt: '2026-02-03T10:00:00.000Z',
  },
};
const evolve = (events: ContractEvent[]) =>
  events.reduce(
    (row, event, i) =>
      evolveDeclarationRow(row, '3001234567', event, {
        at: `2026-01-2${i}T08:00:00.000Z`,
        version: i + 1,
      }),
    undefined as ReturnType<typeof evolveDeclarationRow>,
  );

describe('declarations: pure row evolution', () => {
  it('starts as a draft when prepared, with who and when', () =>
    expect(evolve([prepared])).toMatchObject({
      contractNumber: '3001234567',
      year: 2025,
      status: 'draft',
      preparedBy: 'ditta-1',
      preparedAt: '2026-01-20T08:00:00.000Z',
      submittedBy: null,
      files: [file],
    }));

  it('becomes submitted with the signatory, time of receipt and lateness, keeping the draft’s when', () =>
    expect(evolve([prepared, submitted])).toMatchObject({
      status: 'submitted',
      preparedBy: 'ditta-1',
      preparedAt: '2026-01-20T08:00:00.000Z',
      submittedBy: 'ditta-1',
      signatoryName: 'Carla Test',
      submittedAt: '2026-02-02T10:00:00.000Z',
      late: true,
      notificationEmail: 'altro@ditta.example',
      protocolNumber: null,
    }));

  it('takes the protocol number and the copy of record, and nothing from a re-send', () => {
    const row = evolve([prepared, submitted, protocolled]);
    expect(row).toMatchObject({
      protocolNumber: '2025/000007',
      copyOfRecordSha256: copyOfRecord.sha256,
    });
    expect(evolve([prepared, submitted, protocolled, resent])).toEqual(row);
  });

  it('takes the number first and the copy when it is stored', () => {
    expect(evolve([prepared, submitted, numbered])).toMatchObject({
      protocolNumber: '2025/000008',
      copyOfRecordSha256: null,
    });
    expect(evolve([prepared, submitted, numbered, stored])).toMatchObject({
      protocolNumber: '2025/000008',
      copyOfRecordSha256: copyOfRecord.sha256,
    });
  });

  it('keeps every version and whoever filed one; the row shows the version in force', () => {
    const row = evolve([prepared, submitted, protocolled, corrected, numbered]);
    expect(row?.versions.map((version) => version.protocolNumber)).toEqual([
      '2025/000007',
      '2025/000008',
    ]);
    expect(row?.versions[1]?.corrects).toEqual({
      replaces: '2025/000007',
      reason: 'Volume da rettificare.',
    });
    expect(row?.filedBy).toEqual(['ditta-1', 'studio-9']);
    expect(row).toMatchObject({
      protocolNumber: '2025/000008',
      submittedBy: 'studio-9',
      signatoryName: 'Sara Studio',
    });
  });

  it('has no row to number without a submission', () =>
    expect(evolve([protocolled])).toBeUndefined());
});

describe.each(backends())('%s: declarations in SQL', (backend) => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await openTestDatabase(backend);
  });
  afterAll(async () => test.drop());

  it('holds one row per contract and year, the same after replaying twice', async () => {
    const store = createPostgresEventStore(test.database);
    const append = (streamId: string, events: ContractEvent[]) =>
      store.appendToStream(
        streamId,
        events.map((event) => newEvent(event.type, event.data as never)),
      );
    await append('contract-3001234567', [prepared, submitted, protocolled, resent]);
    await append('contract-3001234568', [{ ...prepared, data: { ...prepared.data, year: 2026 } }]);
    await append('contract-3001234569', [prepared, submitted, numbered, stored]);
    // Filed by ditta-1, corrected by a consultant since: ditta-1 still finds the year it filed.
    await append('contract-3001234570', [prepared, submitted, protocolled, corrected]);
    // Not a declaration stream: the draft's own files and the contract's limits are elsewhere.
    await store.appendToStream('declaration-draft-3001234567-2025', [
      newEvent('DeclarationFileUploaded', { contractNumber: '3001234567', year: 2025 }),
    ]);
    const runner = new ProjectionRunner(
      {
        db: test.database.db,
        store,
        projections: [declarationsProjection],
        logger: pino({ level: 'silent' }),
      },
      { batchSize: 2 },
    );
    await untilLogReadable(test.database.db, store);
    await runner.rebuild('declarations');
    const once = await declarationRow(test.database.db, '3001234567', 2025);
    expect(once).toMatchObject({
      status: 'submitted',
      protocolNumber: '2025/000007',
      late: true,
      submittedAt: '2026-02-02T10:00:00.000Z',
      files: [file],
    });
    const draft = await declarationRow(test.database.db, '3001234568', 2026);
    expect(draft).toMatchObject({ status: 'draft', year: 2026 });
    const twoSteps = await declarationRow(test.database.db, '3001234569', 2025);
    expect(twoSteps).toMatchObject({
      protocolNumber: '2025/000008',
      copyOfRecordSha256: copyOfRecord.sha256,
    });
    expect(
      (await submittedDeclarations(test.database.db, ['3001234568'], 'ditta-1')).map(
        (row) => row.contractNumber,
      ),
    ).toEqual(['3001234567', '3001234569', '3001234570']);
    const byConsultant = await submittedDeclarations(test.database.db, [], 'studio-9');
    expect(byConsultant.map((row) => [row.contractNumber, row.versions.length])).toEqual([
      ['3001234570', 2],
    ]);
    await runner.rebuild('declarations');
    expect(await declarationRow(test.database.db, '3001234567', 2025)).toEqual(once);
    expect(await declarationRow(test.database.db, '3001234568', 2026)).toEqual(draft);
    expect(await declarationRow(test.database.db, '3001234569', 2025)).toEqual(twoSteps);
    const count = await test.database.db
      .selectFrom('declarations')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(4);
  });
});
