import { simpleParser } from 'mailparser';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { MailSender } from '../../src/platform/mail/mailSender.js';
import { createMailTransport } from '../../src/platform/mail/mailTransport.js';
import { enqueueMail, messageIdFor } from '../../src/platform/mail/outbox.js';
import { backends } from '../support/testDatabase.js';
import {
  type TestApp,
  startTestApp,
  testSeal,
  testTagKey,
  testWitness,
} from '../support/testApp.js';

const logger = pino({ level: 'silent' });
const from = 'Dichiara <noreply@dichiara.local>';
const subject = '<script>alert(1)</script> Conferma della registrazione';

describe.each(backends())('%s: local mailbox (no SMTP_URL)', (backend) => {
  let ctx: TestApp;
  let id: string;
  beforeAll(async () => {
    ctx = await startTestApp({ backend });
    const { db } = ctx.test.database;
    await enqueueMail(
      db,
      {
        key: 'account-registered:evt-42',
        to: 'mario.rossi@example.com',
        subject,
        text: 'Il tuo codice è 123456.\n<b>non è grassetto</b>',
        html: '<p>Il tuo codice è <b>123456</b>.</p>',
        attachments: [
          {
            filename: 'informativa.pdf',
            contentType: 'application/pdf',
            content: Buffer.from('%PDF'),
          },
        ],
      },
      new Date(),
    );
    const transport = createMailTransport(loadConfig({ NODE_ENV: 'test' }), db);
    const sender = new MailSender({ database: ctx.test.database, transport, from, logger });
    expect(await sender.deliverDue()).toBe(1);
    id = (await db.selectFrom('mailbox').select('id').executeTakeFirstOrThrow()).id;
  });
  afterAll(async () => ctx.close());

  it('keeps the full RFC 822 message, once per outbox row', async () => {
    const { db } = ctx.test.database;
    const rows = await db.selectFrom('mailbox').selectAll().execute();
    expect(rows).toHaveLength(1);
    const parsed = await simpleParser(rows[0]!.raw);
    expect(parsed.subject).toBe(subject);
    expect(parsed.messageId).toBe(messageIdFor('account-registered:evt-42', from));
    expect(parsed.attachments.map((a) => a.filename)).toEqual(['informativa.pdf']);

    const outbox = await db.selectFrom('mail_outbox').select('id').executeTakeFirstOrThrow();
    const transport = createMailTransport({ SMTP_URL: undefined }, db);
    const again = { from, to: 'x@example.com', subject: 'x', text: 'x', html: 'x' };
    await transport.send({ ...again, attachments: [], messageId: '<x@y>', outboxId: outbox.id });
    expect(await db.selectFrom('mailbox').select('id').execute()).toHaveLength(1);
  });

  it('lists the messages with the subject escaped', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/dev/mailbox' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('<html lang="it">');
    expect(response.body).toContain('SMTP_URL');
    expect(response.body).toContain('mario.rossi@example.com');
    expect(response.body).toContain(`href="/dev/mailbox/${id}"`);
    expect(response.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt; Conferma');
    expect(response.body).not.toContain('<script>alert(1)');
  });

  it('shows one message: recipient, subject, escaped text body, attachments, .eml link', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: `/dev/mailbox/${id}` });
    expect(response.statusCode).toBe(200);
    expect(response.body).not.toContain('<script>alert(1)');
    expect(response.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt; Conferma');
    expect(response.body).toContain('mario.rossi@example.com');
    expect(response.body).toMatch(
      /<pre[^>]*>Il tuo codice è 123456\.\n&lt;b&gt;non è grassetto&lt;\/b&gt;\s*<\/pre>/,
    );
    expect(response.body).toContain('informativa.pdf');
    expect(response.body).toContain(`href="/dev/mailbox/${id}/raw"`);
  });

  it('downloads the raw message as an .eml attachment', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: `/dev/mailbox/${id}/raw` });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('message/rfc822');
    expect(response.headers['content-disposition']).toBe(
      `attachment; filename="messaggio-${id}.eml"`,
    );
    expect((await simpleParser(response.rawPayload)).subject).toBe(subject);
  });

  it('answers an unknown or malformed id with the 404 page', async () => {
    for (const url of ['/dev/mailbox/999999', '/dev/mailbox/abc', '/dev/mailbox/0/raw']) {
      const response = await ctx.app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(404);
      expect(response.body, url).toContain('Pagina non trovata');
    }
  });

  it('does not exist in production', async () => {
    const production = await buildApp({
      config: loadConfig({
        NODE_ENV: 'production',
        COOKIE_SECRET: 'p'.repeat(32),
        SEAL_PRIVATE_KEY: 'pem',
        PERSONAL_DATA_KEY: Buffer.alloc(32, 7).toString('base64'),
        SMTP_URL: 'smtp://127.0.0.1:2525',
        OIDC_ISSUER: 'https://identita.example.it',
        OIDC_CLIENT_ID: 'dichiara',
        OIDC_CLIENT_SECRET: 'segreto',
      }),
      logger,
      clock: () => new Date(),
      database: ctx.test.database,
      eventStore: ctx.store,
      projections: ctx.projections,
      cookieSecret: 'p'.repeat(32),
      sealPublicKey: testSeal.publicKey,
      eventTagKey: testTagKey,
      headWitness: testWitness(),
    });
    try {
      for (const url of ['/dev/mailbox', `/dev/mailbox/${id}`, `/dev/mailbox/${id}/raw`]) {
        expect((await production.inject({ method: 'GET', url })).statusCode, url).toBe(404);
      }
    } finally {
      await production.close();
    }
  });
});
