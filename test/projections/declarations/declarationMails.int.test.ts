import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  declarationMail,
  declarationMailsProjection,
} from '../../../projections/declarations/declarationMails.js';
import { storeDocument } from '../../../src/platform/documents/documentStore.js';
import { createPostgresEventStore } from '../../../src/platform/eventStore/postgresEventStore.js';
import { ProjectionRunner } from '../../../src/platform/subscriptions/projectionRunner.js';
import { newEvent, untilLogReadable } from '../../support/events.js';
import { backends, openTestDatabase, type TestDatabase } from '../../support/testDatabase.js';
import { recorded } from './support.js';

const pdf = Buffer.from('%PDF-1.4 copia conforme');
const copyOfRecord = { sha256: 'c'.repeat(64), size: pdf.length };
const protocolled = (sha256 = copyOfRecord.sha256) => ({
  year: 2025,
  protocolNumber: '2025/000042',
  copyOfRecord: { ...copyOfRecord, sha256 },
  notificationEmail: 'ufficio@ditta.example',
});
const resent = (sha256 = copyOfRecord.sha256) => ({
  ...protocolled(sha256),
  to: 'ufficio@ditta.example',
  requestedBy: 'ditta-1',
  requestedAt: '2026-02-03T10:00:00.000Z',
});

describe('declaration mails: what each event sends', () => {
  it('mails the receipt with the protocol number and the copy of record to attach', () => {
    const event = recorded('contract-3001234567', 'DeclarationProtocolled', protocolled());
    expect(declarationMail(event, 'https://portale.example')).toMatchObject({
      key: `${event.metadata.eventId}:mail`,
      to: 'ufficio@ditta.example',
      subject: 'Dichiara – dichiarazione scarichi industriali 2025, protocollo 2025/000042',
      copyOfRecordSha256: copyOfRecord.sha256,
      attachmentName: 'dichiarazione-2025-000042.pdf',
    });
    const { text } = declarationMail(event, 'https://portale.example')!;
    expect(text).toContain(
      'del contratto 3001234567 è stata ricevuta con il numero di protocollo 2025/000042',
    );
    expect(text).toContain('https://portale.example/dichiarazioni/2025/3001234567/risultato');
  });

  it('mails the receipt when the copy is stored, not when only the number is recorded', () => {
    const numbered: Record<string, unknown> = { ...protocolled() };
    delete numbered.copyOfRecord;
    expect(
      declarationMail(recorded('contract-3001234567', 'DeclarationProtocolled', numbered), 'x'),
    ).toBeNull();
    const stored = recorded('contract-3001234567', 'CopyOfRecordStored', protocolled());
    expect(declarationMail(stored, 'x')).toMatchObject({
      key: `${stored.metadata.eventId}:mail`,
      to: 'ufficio@ditta.example',
      copyOfRecordSha256: copyOfRecord.sha256,
    });
  });

  it('says in the receipt of a correction which number it replaces, and why', () => {
    const corrects = { replaces: '2025/000007', reason: 'Volume del pozzo sbagliato' };
    const stored = recorded('contract-3001234567', 'CopyOfRecordStored', {
      ...protocolled(),
      corrects,
    });
    expect(declarationMail(stored, 'x')!.text).toContain(
      'È una rettifica: sostituisce la dichiarazione protocollo 2025/000007 (motivo: «Volume del pozzo sbagliato»).',
    );
    const first = recorded('contract-3001234567', 'CopyOfRecordStored', protocolled());
    expect(declarationMail(first, 'x')!.text).not.toContain('rettifica');
  });

  it('mails a copy asked for again, each request its own mail', () => {
    const first = declarationMail(
      recorded('contract-3001234567', 'CopyOfRecordResent', resent()),
      'x',
    );
    const second = declarationMail(
      recorded('contract-3001234567', 'CopyOfRecordResent', resent()),
      'x',
    );
    expect(first?.to).toBe('ufficio@ditta.example');
    expect(first?.key).not.toBe(second?.key);
  });

  it('sends nothing for other events or other streams', () => {
    expect(
      declarationMail(recorded('contract-3001234567', 'DeclarationSubmitted', {}), 'x'),
    ).toBeNull();
    expect(
      declarationMail(recorded('campaign-2025', 'DeclarationProtocolled', protocolled()), 'x'),
    ).toBeNull();
  });
});

describe.each(backends())('%s: declaration mails in SQL', (backend) => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await openTestDatabase(backend);
  });
  afterAll(async () => test.drop());

  it('queues each receipt once with the PDF attached, also after replaying twice', async () => {
    const store = createPostgresEventStore(test.database);
    const { sha256 } = await storeDocument(test.database.db, pdf, 'application/pdf', new Date());
    // A receipt whose copy of record is not in the documents: said, and the others go on.
    const lost = newEvent('CopyOfRecordResent', resent('d'.repeat(64)));
    await store.appendToStream('contract-3001234567', [
      newEvent('DeclarationProtocolled', protocolled(sha256)),
      lost,
      newEvent('CopyOfRecordResent', resent(sha256)),
    ]);
    const warned: unknown[] = [];
    const warn = (details: unknown) => void warned.push(details);
    const runner = new ProjectionRunner(
      {
        db: test.database.db,
        store,
        projections: [
          declarationMailsProjection({
            publicUrl: () => 'https://portale.example',
            now: () => new Date('2026-02-03T10:00:00Z'),
            logger: { warn },
          }),
        ],
        logger: pino({ level: 'silent' }),
      },
      { batchSize: 1 },
    );
    const outbox = () =>
      test.database.db
        .selectFrom('mail_outbox')
        .select(['key', 'to_address', 'subject', 'attachments'])
        .orderBy('id')
        .execute();
    await untilLogReadable(test.database.db, store);
    await runner.rebuild('declaration_mails');
    const once = await outbox();
    expect(once).toHaveLength(2);
    for (const mail of once) {
      expect(mail.to_address).toBe('ufficio@ditta.example');
      expect(mail.subject).toContain('protocollo 2025/000042');
      expect(mail.attachments).toEqual([
        {
          filename: 'dichiarazione-2025-000042.pdf',
          contentType: 'application/pdf',
          contentBase64: pdf.toString('base64'),
        },
      ]);
    }
    expect(warned).toEqual([{ eventId: lost.metadata.eventId, sha256: 'd'.repeat(64) }]);
    await runner.rebuild('declaration_mails');
    expect(await outbox()).toEqual(once);
  });
});
