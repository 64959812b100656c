import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, vi } from 'vitest';
import type { Database } from '../../../src/platform/db/database.js';
import { MailSender, type MailSenderOptions } from '../../../src/platform/mail/mailSender.js';
import { smtpTransport, type MailTransport } from '../../../src/platform/mail/mailTransport.js';
import { startSmtpServer, type SmtpTestServer } from '../../support/smtpTestServer.js';
import { openTestDatabase, type Backend, type TestDatabase } from '../../support/testDatabase.js';

export const from = 'Dichiara <noreply@dichiara.test>';

/**
 * What a mail sender test stands on, set up by the hooks it registers in the calling `describe`:
 * a database opened once, an empty outbox, a fresh SMTP server and a stopped clock for each test,
 * and every sender made through `sender()` stopped after it.
 */
export function mailSenderHarness(backend: Backend) {
  let test: TestDatabase;
  let smtp: SmtpTestServer;
  let now: Date;
  const senders: MailSender[] = [];
  const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };

  const smtpOut = (): MailTransport => smtpTransport(`smtp://127.0.0.1:${smtp.port}`);
  const sender = (
    options: MailSenderOptions = {},
    transport: MailTransport = smtpOut(),
    database: Database = test.database,
  ) => {
    const created = new MailSender(
      { database, transport, from, logger },
      { baseDelayMs: 1_000, clock: () => now, ...options },
    );
    senders.push(created);
    return created;
  };

  beforeAll(async () => {
    test = await openTestDatabase(backend);
  });
  afterAll(async () => test.drop());
  beforeEach(async () => {
    await sql`truncate mail_outbox restart identity cascade`.execute(test.database.db);
    smtp = await startSmtpServer();
    now = new Date('2025-03-01T09:00:00Z');
    vi.clearAllMocks();
  });
  afterEach(async () => {
    await Promise.all(senders.splice(0).map((created) => created.stop()));
    await smtp.close();
  });

  return {
    database: () => test.database,
    db: () => test.database.db,
    smtp: () => smtp,
    /** Brings SMTP back after a test closed it (on the same port, given it); afterEach closes it. */
    startSmtp: async (port?: number) => (smtp = await startSmtpServer(port)),
    smtpOut,
    now: () => now,
    advance: (ms: number) => (now = new Date(now.getTime() + ms)),
    sender,
    rows: () => test.database.db.selectFrom('mail_outbox').selectAll().orderBy('id').execute(),
    logger,
  };
}
