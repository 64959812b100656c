import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MailSender } from '../../src/platform/mail/mailSender.js';
import { smtpTransport } from '../../src/platform/mail/mailTransport.js';
import { registrationFields, seedRegistry } from '../support/accounts.js';
import { TestClient } from '../support/client.js';
import { startSmtpServer, type SmtpTestServer } from '../support/smtpTestServer.js';
import { startTestApp, type TestApp } from '../support/testApp.js';

describe('registration code through a real SMTP server', () => {
  let ctx: TestApp;
  let smtp: SmtpTestServer;
  let sender: MailSender;

  beforeAll(async () => {
    ctx = await startTestApp();
    smtp = await startSmtpServer();
    sender = new MailSender(
      {
        database: ctx.test.database,
        transport: smtpTransport(`smtp://127.0.0.1:${smtp.port}`),
        from: 'Dichiara <noreply@dichiara.test>',
        logger: pino({ level: 'silent' }),
      },
      { pollIntervalMs: 50 },
    );
    await sender.start();
    await seedRegistry(ctx.test.database.db, [['1001234567', '3001234567', 'Euro Oil SRL']]);
  });
  afterAll(async () => {
    await sender.stop();
    await smtp.close();
    await ctx.close();
  });

  it('mails, in Italian text and HTML, the code that then confirms the address', async () => {
    const person = new TestClient(ctx.app);
    await person.get('/registrazione/ditta');
    const response = await person.post(
      '/registrazione/ditta',
      registrationFields({
        email: 'smtp@example.com',
        username: 'via.smtp',
      }),
    );
    expect(response.statusCode).toBe(303);

    await expect.poll(() => smtp.received.length, { timeout: 10_000 }).toBe(1);
    const mail = smtp.received[0]!;
    expect(mail.subject).toBe('Dichiara – codice di conferma della registrazione');
    expect(mail.to && 'text' in mail.to ? mail.to.text : '').toContain('smtp@example.com');
    const code = /\b(\d{6})\b/.exec(mail.text ?? '')?.[1];
    expect(code).toBeDefined();
    expect(mail.html).toContain(code!);

    const confirmed = await person.post('/registrazione/verifica', { code: code! });
    expect(confirmed.statusCode).toBe(303);
    expect((await person.get('/registrazione/verifica')).body).toContain('Registrazione inviata');
  });
});
