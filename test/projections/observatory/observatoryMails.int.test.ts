import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { observatoryMailsProjection } from '../../../projections/observatory/observatoryMails.js';
import { createPostgresEventStore } from '../../../src/platform/eventStore/postgresEventStore.js';
import { ProjectionRunner } from '../../../src/platform/subscriptions/projectionRunner.js';
import { newEvent, untilLogReadable } from '../../support/events.js';
import { backends, openTestDatabase, type TestDatabase } from '../../support/testDatabase.js';

const decision = (type: 'MonthlyFlowUnlocked' | 'FlowUnlockRejected', month: string) =>
  newEvent(
    type,
    type === 'MonthlyFlowUnlocked'
      ? { istatCode: '072006', month, decidedBy: 'cf:admin', note: 'Correggere il vetro' }
      : { istatCode: '072006', month, decidedBy: 'cf:admin', reason: 'Dati già validati' },
  );

describe.each(backends())('%s: the officer’s mails of unlock decisions', (backend) => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await openTestDatabase(backend);
  });
  afterAll(async () => test.drop());

  it('writes to the address of the moment, none once the association ended, once when replayed twice', async () => {
    const store = createPostgresEventStore(test.database);
    const officer = { istatCode: '072006', fiscalCode: 'RSSMRA80A01A662A' };
    await store.appendToStream('municipality-072006', [
      newEvent('OfficerAssigned', {
        ...officer,
        email: 'ambiente@comune.bari.it',
        assignedBy: 'x',
      }),
    ]);
    await store.appendToStream('waste-flow-072006-2026-08', [
      decision('MonthlyFlowUnlocked', '2026-08'),
    ]);
    await store.appendToStream('municipality-072006', [
      newEvent('OfficerEmailChanged', {
        ...officer,
        email: 'rifiuti@comune.bari.it',
        previousEmail: 'ambiente@comune.bari.it',
        changedBy: 'cf:admin',
        reason: 'Nuova casella',
      }),
    ]);
    await store.appendToStream('waste-flow-072006-2026-09', [
      decision('FlowUnlockRejected', '2026-09'),
    ]);
    await store.appendToStream('municipality-072006', [
      newEvent('OfficerAssignmentEnded', { ...officer, endedBy: 'cf:admin', reason: 'Trasferito' }),
    ]);
    await store.appendToStream('waste-flow-072006-2026-10', [
      decision('MonthlyFlowUnlocked', '2026-10'),
    ]);
    const runner = new ProjectionRunner(
      {
        db: test.database.db,
        store,
        projections: [
          observatoryMailsProjection({
            publicUrl: () => 'http://portale.test',
            now: () => new Date('2026-11-20T10:00:00Z'),
          }),
        ],
        logger: pino({ level: 'silent' }),
      },
      { batchSize: 2 },
    );
    const outbox = () =>
      test.database.db
        .selectFrom('mail_outbox')
        .select(['to_address', 'subject'])
        .orderBy('subject')
        .execute();
    await untilLogReadable(test.database.db, store);
    await runner.rebuild('observatory_mails');
    const once = await outbox();
    expect(once.map((mail) => mail.to_address)).toEqual([
      'ambiente@comune.bari.it',
      'rifiuti@comune.bari.it',
    ]);
    expect(once[0]?.subject).toContain('sblocco di agosto 2026 approvato');
    expect(once[1]?.subject).toContain('sblocco di settembre 2026 non approvato');
    await runner.rebuild('observatory_mails');
    expect(await outbox()).toEqual(once);
  });
});
