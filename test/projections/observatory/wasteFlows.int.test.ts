import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowEvent, FlowRow } from '../../../domain/observatory/flowEvents.js';
import {
  evolveWasteFlowRow,
  flowsOfYear,
  pendingUnlocks,
  wasteFlowsProjection,
  type WasteFlowRow,
} from '../../../projections/observatory/wasteFlows.js';
import { migrateToLatest } from '../../../src/platform/db/migrate.js';
import { createPostgresEventStore } from '../../../src/platform/eventStore/postgresEventStore.js';
import { ProjectionRunner } from '../../../src/platform/subscriptions/projectionRunner.js';
import { newEvent, untilLogReadable } from '../../support/events.js';
import {
  backends,
  openTestDatabase,
  type TestDatabase,
  pgliteMigratedTo,
} from '../../support/testDatabase.js';

const unsorted: FlowRow = {
  eerCode: '200301',
  tonnes: 100.5,
  collectionMethod: 'porta-a-porta',
  transporter: 'Igiene Srl',
  destinationPlant: 'TMB Bari',
  operation: 'D8',
};
const glass: FlowRow = { ...unsorted, eerCode: '150107', tonnes: 300.25, operation: 'R5' };
const beach: FlowRow = { ...unsorted, eerCode: '200303', tonnes: 2, operation: 'D1' };
/** What the form let through before it had a maximum. */
const unbounded: FlowRow = { ...glass, tonnes: Number('99999999999999999999') };

const month = '2026-09';
const submitted = (version: number, rows: FlowRow[], daysLate = 0): FlowEvent => ({
  type: 'MonthlyFlowSubmitted',
  data: {
    istatCode: '072006',
    month,
    version,
    rows,
    submittedBy: 'cf:RSSMRA80A01A662A',
    submittedAt: `2026-10-${String(10 + version).padStart(2, '0')}T08:00:00.000Z`,
    dueDate: '2026-10-15',
    daysLate,
    affectsFunding: daysLate > 30,
  },
});
const requested: FlowEvent = {
  type: 'FlowUnlockRequested',
  data: { istatCode: '072006', month, reason: 'Vetro pesato due volte', requestedBy: 'cf:x' },
};
const unlocked: FlowEvent = {
  type: 'MonthlyFlowUnlocked',
  data: { istatCode: '072006', month, decidedBy: 'cf:admin', note: null },
};
const draft: FlowEvent = {
  type: 'FlowDraftSaved',
  data: { istatCode: '072006', month, rows: [glass], savedBy: 'cf:x' },
};

const returned: FlowEvent = {
  type: 'MonthlyFlowReturned',
  data: {
    istatCode: '072006',
    month,
    remarks: 'Il vetro è contato due volte',
    returnedBy: 'cf:admin',
    supersededUnlockRequest: null,
  },
};

/** A version as the month's page lists it, submitted by `submitted` below. */
const listed = (version: number, daysLate: number) => ({
  version,
  submittedAt: `2026-10-1${version}T08:00:00.000Z`,
  submittedBy: 'cf:RSSMRA80A01A662A',
  daysLate,
});

const fold = (events: readonly FlowEvent[]): WasteFlowRow | undefined =>
  events.reduce<WasteFlowRow | undefined>(
    (row, event, index) => evolveWasteFlowRow(row, event, `2026-10-2${index}T09:00:00.000Z`),
    undefined,
  );

describe('waste flows: pure row evolution', () => {
  it('keeps a draft without figures, then the figures of the submitted version in kilograms', () => {
    const afterDraft = fold([draft]);
    expect(afterDraft).toMatchObject({ status: 'draft', versions: 0, separateKg: 0 });
    expect(fold([draft, submitted(1, [unsorted, glass, beach], 5)])).toMatchObject({
      status: 'submitted',
      versions: 1,
      rows: [unsorted, glass, beach],
      separateKg: 300_250,
      unsortedKg: 102_500, // street sweepings sent to disposal count as unsorted
      neutralKg: 0,
      daysLate: 5,
      affectsFunding: false,
      lastSubmittedAt: '2026-10-11T08:00:00.000Z',
    });
  });

  it('dates the unlock request, clears it on the decision, and keeps the first lateness', () => {
    const asked = fold([submitted(1, [glass], 40), requested]);
    expect(asked).toMatchObject({
      status: 'unlock-requested',
      unlockReason: 'Vetro pesato due volte',
      unlockRequestedAt: '2026-10-21T09:00:00.000Z',
    });
    const refiled = fold([
      submitted(1, [glass], 40),
      requested,
      unlocked,
      submitted(2, [unsorted]),
    ]);
    expect(refiled).toMatchObject({
      status: 'submitted',
      versions: 2,
      unlockRequestedAt: null,
      unlockReason: null,
      daysLate: 40,
      affectsFunding: true,
      separateKg: 0,
      unsortedKg: 100_500,
      firstSubmittedAt: '2026-10-11T08:00:00.000Z',
      lastSubmittedAt: '2026-10-12T08:00:00.000Z',
    });
  });

  it('keeps the submitted rows apart from a draft saved after an unlock', () => {
    const reopened = fold([submitted(1, [unsorted, glass]), requested, unlocked, draft]);
    expect(reopened).toMatchObject({ rows: [glass], submittedRows: [unsorted, glass] });
    expect(fold([draft])?.submittedRows).toEqual([]);
  });

  it("lists each version submitted and the Region's last send-back, until a version follows it", () => {
    const sentBack = fold([draft, submitted(1, [glass], 3), returned]);
    expect(sentBack).toMatchObject({
      submittedVersions: [listed(1, 3)],
      regionReturn: {
        remarks: 'Il vetro è contato due volte',
        returnedAt: '2026-10-22T09:00:00.000Z',
        resubmitted: false,
      },
    });
    const refiled = fold([draft, submitted(1, [glass], 3), returned, draft, submitted(2, [])]);
    expect(refiled?.submittedVersions).toEqual([listed(1, 3), listed(2, 0)]);
    expect(refiled?.regionReturn).toMatchObject({ resubmitted: true });
    expect(fold([draft])).toMatchObject({ submittedVersions: [], regionReturn: null });
    // Applied again (its checkpoint behind the rows the migration filled): listed once.
    const again = evolveWasteFlowRow(refiled, submitted(2, []), '2026-10-30T09:00:00.000Z');
    expect(again.submittedVersions).toEqual([listed(1, 3), listed(2, 0)]);
  });

  it('sums a quantity accepted before the maximum to a finite figure', () => {
    const row = fold([submitted(1, [unbounded])]);
    expect(row?.separateKg).toBe(1e23);
    expect(Number.isFinite(row?.separateKg)).toBe(true);
  });
});

describe.each(backends())('%s: waste flows in SQL', (backend) => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await openTestDatabase(backend);
  });
  afterAll(async () => test.drop());

  it('holds one row per municipality and month, the same after replaying twice, whatever the quantity', async () => {
    const store = createPostgresEventStore(test.database);
    const append = (stream: string, events: FlowEvent[]) =>
      store.appendToStream(
        stream,
        events.map((event) => newEvent(event.type, event.data as never)),
      );
    await append('waste-flow-072006-2026-09', [
      draft,
      submitted(1, [unsorted, glass]),
      requested,
      unlocked,
      submitted(2, [unsorted]),
      requested,
    ]);
    const huge = submitted(1, [unbounded, unsorted]) as FlowEvent & {
      type: 'MonthlyFlowSubmitted';
    };
    huge.data.istatCode = '075035';
    huge.data.month = '2026-08';
    await append('waste-flow-075035-2026-08', [huge]);
    const runner = new ProjectionRunner(
      {
        db: test.database.db,
        store,
        projections: [wasteFlowsProjection],
        logger: pino({ level: 'silent' }),
      },
      { batchSize: 2 },
    );
    await untilLogReadable(test.database.db, store);
    await runner.rebuild('waste_flows');
    const once = await flowsOfYear(test.database.db, 2026);
    expect(once.map((flow) => [flow.istatCode, flow.month, flow.status, flow.versions])).toEqual([
      ['072006', '2026-09', 'unlock-requested', 2],
      ['075035', '2026-08', 'submitted', 1],
    ]);
    expect(once[0]).toMatchObject({ unsortedKg: 100_500, separateKg: 0, daysLate: 0 });
    expect(once[1]).toMatchObject({ separateKg: 1e23, unsortedKg: 100_500 });
    expect((await pendingUnlocks(test.database.db)).map((flow) => flow.istatCode)).toEqual([
      '072006',
    ]);
    await runner.rebuild('waste_flows');
    expect(await flowsOfYear(test.database.db, 2026)).toEqual(once);
  });
});

describe('migration 0038: months filed before it', () => {
  it("take their versions and the Region's last send-back from the log", async () => {
    const database = await pgliteMigratedTo('0037_background_job_takeover');
    try {
      await sql`
        insert into waste_flows (istat_code, month, status, versions, rows)
        values ('072006', ${month}, 'submitted', 2, '[]'::jsonb),
          ('072006', '2026-10', 'draft', 0, '[]'::jsonb),
          ('075035', ${month}, 'unlocked', 1, '[]'::jsonb)`.execute(database.db);
      const store = createPostgresEventStore(database);
      const append = (stream: string, events: FlowEvent[]) =>
        store.appendToStream(
          stream,
          events.map((event) => newEvent(event.type, event.data as never)),
        );
      await append(`waste-flow-072006-${month}`, [
        submitted(1, [glass], 3),
        returned,
        submitted(2, [unsorted]),
      ]);
      await append(`waste-flow-075035-${month}`, [submitted(1, [glass]), returned]);
      const returnedAt = async (stream: string) =>
        (await store.readStream(stream)).events.find(
          (event) => event.type === 'MonthlyFlowReturned',
        )!.metadata.occurredAt;
      const returnedAts = [
        await returnedAt(`waste-flow-072006-${month}`),
        await returnedAt(`waste-flow-075035-${month}`),
      ];
      await migrateToLatest(database.db);
      const rows = await database.db
        .selectFrom('waste_flows')
        .select(['istat_code', 'month', 'submitted_versions', 'region_return'])
        .orderBy('istat_code')
        .orderBy('month')
        .execute();
      const remarks = 'Il vetro è contato due volte';
      expect(rows).toEqual([
        {
          istat_code: '072006',
          month,
          submitted_versions: [listed(1, 3), listed(2, 0)],
          region_return: { remarks, returnedAt: returnedAts[0], resubmitted: true },
        },
        { istat_code: '072006', month: '2026-10', submitted_versions: [], region_return: null },
        {
          istat_code: '075035',
          month,
          submitted_versions: [listed(1, 0)],
          region_return: { remarks, returnedAt: returnedAts[1], resubmitted: false },
        },
      ]);
    } finally {
      await database.close();
    }
  });
});

describe('migration 0029: months submitted before it', () => {
  it('take the rows of their last submitted version from the log, not the draft since', async () => {
    const database = await pgliteMigratedTo('0028_personal_data_keys');
    try {
      await sql`
        insert into waste_flows (istat_code, month, status, versions, rows)
        values ('072006', ${month}, 'draft', 2, ${JSON.stringify([glass])}::jsonb),
          ('072006', '2026-10', 'draft', 0, ${JSON.stringify([glass])}::jsonb)`.execute(
        database.db,
      );
      await createPostgresEventStore(database).appendToStream(`waste-flow-072006-${month}`, [
        ...[submitted(1, [glass]), submitted(2, [unsorted, beach])].map((event) =>
          newEvent(event.type, event.data as never),
        ),
      ]);
      await migrateToLatest(database.db);
      const rows = await database.db
        .selectFrom('waste_flows')
        .select(['month', 'submitted_rows'])
        .orderBy('month')
        .execute();
      expect(rows).toEqual([
        { month, submitted_rows: [unsorted, beach] },
        { month: '2026-10', submitted_rows: [] },
      ]);
    } finally {
      await database.close();
    }
  });
});
