import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accountSubject,
  reminderChoiceStream,
  reminderStream,
} from '../../domain/reminders/reminderEvents.js';
import { demoObservatoryAdmin, demoOfficerBari } from '../../src/dev/demoIdentities.js';
import { runReminders } from '../../src/reminders/runReminders.js';
import pino from 'pino';
import { MailSender } from '../../src/platform/mail/mailSender.js';
import { smtpTransport } from '../../src/platform/mail/mailTransport.js';
import { startSmtpServer, type SmtpTestServer } from '../support/smtpTestServer.js';
import { registerAndApprove, registrationFields, seedRegistry } from '../support/accounts.js';
import { TestClient } from '../support/client.js';
import {
  campaignYear,
  fileDeclaration,
  inviteCompanyByPec,
  openCampaign,
} from '../support/declarations.js';
import { browserLoggedInAs, listenOnFreePort } from '../support/identityLogin.js';
import { assignDemoOfficerBari, grantDemoAdmin } from '../observatory/support.js';
import {
  createOperator,
  operatorLogin,
  settle,
  signedIn,
  startTestApp,
  type TestApp,
} from '../support/testApp.js';
import { backends } from '../support/testDatabase.js';
import { fieldError, pageText, sectionText } from '../observatory/pageText.js';

/**
 * Deadline reminders as filers and staff meet them: decided from the read models and the clock,
 * recorded once per key whoever runs them, mailed once per recipient, stopped from the mail's
 * link or the profile, set and followed by the operator.
 */
describe.each(backends())('%s: deadline reminders', (backend) => {
  let ctx: TestApp;
  let baseUrl: string;
  let smtp: SmtpTestServer;
  let sender: MailSender;
  let now = new Date('2026-01-05T09:00:00Z');
  const studio = { username: 'studio.verdi', password: 'Segreta-2026' };
  const sole = { username: 'lavanderia.sole', password: 'Segreta-2026' };
  const luna = { username: 'officina.luna', password: 'Segreta-2026' };
  const consulted = '3002220001';
  const companyPec = 'tintoria@pec.example';
  const deps = () => ({ db: ctx.test.database.db, store: ctx.store, clock: () => now });
  const eventCount = async () =>
    Number(
      (
        await ctx.test.database.db
          .selectFrom('events')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  /** Reminder mails queued, as `address: subject` lines. */
  const reminderMails = async (subjectPart: string) =>
    (
      await ctx.test.database.db
        .selectFrom('mail_outbox')
        .select(['to_address', 'subject', 'text_body'])
        .where('subject', 'like', `%${subjectPart}%`)
        .orderBy('to_address')
        .execute()
    ).map((mail) => ({ to: mail.to_address, text: mail.text_body.replace(/\s+/g, ' ') }));
  const stopLinkIn = (text: string) =>
    /http:\/\/portale\.test(\/promemoria\/disattiva\?\S+)/.exec(text)?.[1] ?? '';
  const at = async (iso: string) => {
    now = new Date(iso);
    const recorded = await runReminders(deps());
    await settle(ctx);
    return recorded.map((r) => r.key).sort();
  };

  beforeAll(async () => {
    ctx = await startTestApp({ backend, now: () => now });
    baseUrl = await listenOnFreePort(ctx.app);
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
    await createOperator(ctx);
    await seedRegistry(ctx.test.database.db, [
      ['2002220000', consulted, 'Tintoria Savena SRL'],
      ['4441234567', '3004441234', 'Lavanderia Sole SRL'],
      ['5551234567', '3005551234', 'Officina Luna SRL'],
    ]);
    await registerAndApprove(
      ctx,
      'studio',
      registrationFields({ ...studio, fullName: 'Vera Verdi', email: 'verdi@studio.example' }, [
        { customerCode: '2002220000', contracts: [consulted] },
      ]),
    );
    await registerAndApprove(
      ctx,
      'ditta',
      registrationFields({ ...sole, fullName: 'Sole Bianchi', email: 'sole@lavanderia.example' }, [
        { customerCode: '4441234567', contracts: ['3004441234'] },
      ]),
    );
    await registerAndApprove(
      ctx,
      'ditta',
      registrationFields({ ...luna, fullName: 'Luna Neri', email: 'luna@officina.example' }, [
        { customerCode: '5551234567', contracts: ['3005551234'] },
      ]),
    );
    await inviteCompanyByPec(ctx, {
      customerCode: '2002220000',
      pec: companyPec,
      username: 'ditta.2002220000',
      password: 'Tintoria-Savena_2026',
    });
    // The 2025 campaign opens on 5 January 2026, due on the 31st: the 30-day reminder fell before.
    await openCampaign(ctx);
    await grantDemoAdmin(ctx.store, now);
    await assignDemoOfficerBari(ctx.store, now);
    await settle(ctx);
  });
  afterAll(async () => {
    await sender?.stop();
    await smtp?.close();
    await ctx?.close();
  });

  /** The List-Unsubscribe headers of the mail an SMTP server received with this subject part. */
  const unsubscribeHeaders = async (to: string, subjectPart: string) => {
    await expect
      .poll(
        () =>
          smtp.received.some(
            (m) => m.text?.includes(subjectPart) && m.headerLines.some((h) => h.line.includes(to)),
          ),
        { timeout: 10_000 },
      )
      .toBe(true);
    const mail = smtp.received.find(
      (m) => m.text?.includes(subjectPart) && m.headerLines.some((h) => h.line.includes(to)),
    )!;
    return mail.headerLines
      .filter((h) => h.key.startsWith('list-unsubscribe'))
      .map((h) => h.line.replace(/\s+/g, ' '));
  };

  it('on the opening day writes to every contract still to file and to the municipality, once', async () => {
    expect(await at('2026-01-05T09:00:00Z')).toEqual([
      `declarations:${campaignYear}:${consulted}:opened`,
      `declarations:${campaignYear}:3004441234:opened`,
      `declarations:${campaignYear}:3005551234:opened`,
      'observatory:072006:2025-12:month-ended',
    ]);
    const opened = await reminderMails(`campagna ${campaignYear} aperta`);
    // The consultant's address and the company's, for the contract a consultant manages.
    expect(opened.map((mail) => mail.to)).toEqual([
      'luna@officina.example',
      'sole@lavanderia.example',
      companyPec,
      'verdi@studio.example',
    ]);
    expect(opened[0]!.text).toMatch(
      new RegExp(
        `la dichiarazione ${campaignYear} degli scarichi del contratto 3005551234 \\([^)]+\\) entro il 31/01/2026`,
      ),
    );
    expect(opened[0]!.text).toContain('http://portale.test/dichiarazioni');
    // The opening is a service message: no link to stop it.
    expect(stopLinkIn(opened[0]!.text)).toBe('');
    const [flow] = await reminderMails('flussi di dicembre 2025');
    expect(flow?.to).toBe('ambiente@comune.bari.it');
    expect(flow?.text).toContain('entro il 15/01/2026');

    const events = await eventCount();
    expect(await at('2026-01-05T15:00:00Z')).toEqual([]);
    expect(await eventCount()).toBe(events);
  });

  it('two schedulers at once record each reminder once, and each recipient gets one mail', async () => {
    now = new Date('2026-01-24T07:00:00Z');
    const [first, second] = await Promise.all([runReminders(deps()), runReminders(deps())]);
    await settle(ctx);
    expect([...first, ...second].map((r) => r.key).sort()).toEqual([
      `declarations:${campaignYear}:${consulted}:before-7`,
      `declarations:${campaignYear}:3004441234:before-7`,
      `declarations:${campaignYear}:3005551234:before-7`,
      'observatory:072006:2025-12:month-late',
    ]);
    for (const contract of [consulted, '3004441234', '3005551234']) {
      const { events } = await ctx.store.readStream(
        reminderStream.id(`declarations:${campaignYear}:${contract}:before-7`),
      );
      expect(events.map((e) => e.type)).toEqual(['ReminderSent']);
    }
    const mails = await reminderMails('scade il 31/01/2026');
    expect(mails.map((mail) => mail.to)).toEqual([
      'luna@officina.example',
      'sole@lavanderia.example',
      companyPec,
      'verdi@studio.example',
    ]);
    expect(mails[0]!.text).toContain('mancano 7 giorni');
    expect(stopLinkIn(mails[0]!.text)).toMatch(/^\/promemoria\/disattiva\?soggetto=account/);
  });

  it('stops the optional reminders from the mail’s link without a login: opening it asks, one click stops', async () => {
    const [mail] = await reminderMails('scade il 31/01/2026');
    const link = stopLinkIn(mail!.text);
    const subject = new URL(link, 'http://x').searchParams.get('soggetto')!;
    const choices = async () =>
      (await ctx.store.readStream(reminderChoiceStream.id(subject))).events.map((e) => [
        e.type,
        e.data.via,
      ]);
    const visitor = new TestClient(ctx.app);
    // A mail scanner opening the link, or the person, changes nothing yet.
    const asked = await visitor.get(link);
    expect(asked.statusCode).toBe(200);
    expect(pageText(asked.body)).toContain('Disattivare i promemoria facoltativi?');
    expect((await ctx.app.inject({ method: 'HEAD', url: link })).statusCode).toBe(200);
    expect(await choices()).toEqual([]);

    const stopped = await visitor.post(link, {});
    expect(stopped.statusCode).toBe(200);
    expect(pageText(stopped.body)).toContain(
      'Non riceverai più i promemoria facoltativi delle scadenze.',
    );
    expect(await choices()).toEqual([['OptionalRemindersStopped', 'mail-link']]);
    // A second click records nothing more.
    expect((await visitor.post(link, {})).statusCode).toBe(200);
    expect(await choices()).toHaveLength(1);

    const events = await eventCount();
    const forged = link.replace(/t=[\w-]+/, 't=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    const refused = await visitor.post(forged, {});
    expect(refused.statusCode).toBe(404);
    expect(pageText(refused.body)).toContain('Il link non è valido');
    const someoneElse = link.replace(/soggetto=[^&]+/, `soggetto=${accountSubject(randomUUID())}`);
    expect((await visitor.get(someoneElse)).statusCode).toBe(404);
    expect((await visitor.post(someoneElse, {})).statusCode).toBe(404);
    // A control character never reaches the route: the URL guard refuses it first.
    expect((await visitor.get('/promemoria/disattiva?soggetto=%00&t=x')).statusCode).toBe(400);
    expect((await visitor.get('/promemoria/disattiva')).statusCode).toBe(404);
    expect(await eventCount()).toBe(events);

    const resumed = await visitor.post('/promemoria/riattiva', {
      soggetto: subject,
      t: new URL(link, 'http://x').searchParams.get('t')!,
    });
    expect(resumed.statusCode).toBe(200);
    expect(pageText(resumed.body)).toContain('sono di nuovo attivi');
    expect(await choices()).toEqual([
      ['OptionalRemindersStopped', 'mail-link'],
      ['OptionalRemindersResumed', 'mail-link'],
    ]);
  });

  it('carries the link as List-Unsubscribe with one-click POST, which works with no cookie and no CSRF token', async () => {
    expect(await unsubscribeHeaders('sole@lavanderia.example', 'è aperta la campagna')).toEqual([]);
    const [post, header] = (
      await unsubscribeHeaders('sole@lavanderia.example', 'mancano 7 giorni')
    ).sort();
    const [mail] = (await reminderMails('scade il 31/01/2026')).filter(
      (m) => m.to === 'sole@lavanderia.example',
    );
    const link = stopLinkIn(mail!.text);
    expect(header).toBe(`List-Unsubscribe: <http://portale.test${link}>`);
    expect(post).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');

    const subject = new URL(link, 'http://x').searchParams.get('soggetto')!;
    const oneClick = (url: string) =>
      ctx.app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'List-Unsubscribe=One-Click',
      });
    const events = await eventCount();
    expect(
      (await oneClick(link.replace(/t=[\w-]+/, 't=BBBBBBBBBBBBBBBBBBBBBBBB'))).statusCode,
    ).toBe(404);
    expect(await eventCount()).toBe(events);
    const stopped = await oneClick(link);
    expect(stopped.statusCode).toBe(200);
    const { events: choices } = await ctx.store.readStream(reminderChoiceStream.id(subject));
    expect(choices.map((e) => e.type)).toEqual(['OptionalRemindersStopped']);
    // The exemption is this route's alone: any other form still needs its CSRF token.
    expect((await oneClick(`/promemoria/riattiva?soggetto=${subject}`)).statusCode).toBe(403);
  });

  it('lets a declarant stop them from the profile, and refuses anything but the two choices', async () => {
    const person = await signedIn(ctx, luna);
    const profile = await person.get('/profilo');
    expect(sectionText(profile.body, 'Promemoria delle scadenze')).toContain('Ricevi i promemoria');
    const events = await eventCount();
    const hostile = await person.post('/profilo/promemoria', { promemoria: 'sempre\u0000' });
    expect(hostile.statusCode).toBe(422);
    expect(pageText(hostile.body)).toContain('Scegli se ricevere i promemoria.');
    expect(await eventCount()).toBe(events);
    const saved = await person.post('/profilo/promemoria', { promemoria: 'disattivati' });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe('/profilo?esito=promemoria#promemoria');
    const after = await person.get('/profilo?esito=promemoria');
    expect(pageText(after.body)).toContain('Scelta sui promemoria salvata.');
    expect(after.body).toMatch(/id="promemoria-disattivati" value="disattivati" checked/);
  });

  it('lets the operator set the days, refusing days that are not days, and shows who was reminded', async () => {
    const operator = await signedIn(ctx, operatorLogin);
    const page = await operator.get(`/operatori/campagne/${campaignYear}`);
    const section = sectionText(page.body, 'Promemoria');
    expect(section).toContain('24/01/2026 7 giorni prima della scadenza facoltativo');
    expect(section).toContain('01/02/2026 Il giorno dopo la scadenza sempre inviato');
    expect(section).toMatch(new RegExp(`${consulted} [^,]+? 7 giorni prima della scadenza`));
    expect(section).toContain(`verdi@studio.example, ${companyPec}`);

    const declarant = await signedIn(ctx, sole);
    const events = await eventCount();
    for (const [typed, message] of [
      ['tre', 'Promemoria: indicare i giorni prima della scadenza'],
      ['0', 'Ogni promemoria va da 1 a 180 giorni prima della scadenza.'],
      ['7, 7', 'Lo stesso numero di giorni è indicato più di una volta.'],
      ['1, 2, 3, 4, 5, 6', 'Indicare al massimo 5 promemoria.'],
    ] as const) {
      const refused = await operator.post(`/operatori/campagne/${campaignYear}/promemoria`, {
        promemoria: typed,
      });
      expect(refused.statusCode, typed).toBe(422);
      expect(fieldError(refused.body, 'Promemoria (giorni prima della scadenza)')).toContain(
        message,
      );
    }
    expect(
      (await declarant.post(`/operatori/campagne/${campaignYear}/promemoria`, { promemoria: '1' }))
        .statusCode,
    ).toBe(403);
    expect(await eventCount()).toBe(events);

    const saved = await operator.post(`/operatori/campagne/${campaignYear}/promemoria`, {
      promemoria: '3',
    });
    expect(saved.statusCode).toBe(303);
    const { events: campaign } = await ctx.store.readStream(`campaign-${campaignYear}`);
    expect(campaign.at(-1)).toMatchObject({
      type: 'CampaignRemindersChanged',
      data: { reminderDays: [3] },
    });
  });

  it('follows the new days: none to who filed or stopped them; the overdue notice to every one missing', async () => {
    now = new Date('2026-01-26T09:00:00Z');
    await fileDeclaration(
      ctx,
      await signedIn(ctx, sole),
      `/dichiarazioni/${campaignYear}/3004441234`,
      'ambiente@lavanderia.example',
    );
    // Luna stopped the optional ones from its profile: only the consulted contract hears.
    expect(await at('2026-01-28T08:00:00Z')).toEqual([
      `declarations:${campaignYear}:${consulted}:before-3`,
    ]);
    expect(await at('2026-02-01T08:00:00Z')).toEqual([
      `declarations:${campaignYear}:${consulted}:overdue`,
      `declarations:${campaignYear}:3005551234:overdue`,
      'observatory:072006:2026-01:month-ended',
    ]);
    const [overdue] = await reminderMails('3005551234 non inviata');
    expect(overdue?.to).toBe('luna@officina.example');
    expect(overdue?.text).toContain('il termine del 31/01/2026 è scaduto');
    expect(overdue?.text).toContain('anche a chi ha disattivato i promemoria facoltativi');
  });

  it('sends nothing again when the read model lags or is rebuilt, nor mails twice on a replay', async () => {
    const events = await eventCount();
    const mails = await reminderMails('');
    await ctx.test.database.db.deleteFrom('reminders').execute();
    expect(await runReminders(deps())).toEqual([]);
    await ctx.projections.rebuild('reminders');
    await ctx.projections.rebuild('reminder_mails');
    await settle(ctx);
    expect(await eventCount()).toBe(events);
    expect(await reminderMails('')).toHaveLength(mails.length);
  });

  it('shows the admin the next reminders, and lets the officer stop the optional ones', async () => {
    const admin = await browserLoggedInAs(baseUrl, demoObservatoryAdmin);
    const page = await admin.get('/osservatorio/admin');
    const section = sectionText(page.body, 'Promemoria ai comuni');
    expect(section).toContain('Prossimi promemoria, il 10/02/2026');
    expect(section).toContain(
      'Bari gennaio 2026 Scadenza vicina (10 del mese) ambiente@comune.bari.it',
    );
    expect(section).toContain('Bari dicembre 2025 In ritardo (16 del mese)');

    const officer = await browserLoggedInAs(baseUrl, demoOfficerBari);
    const dashboard = await officer.get('/osservatorio/comune');
    expect(sectionText(dashboard.body, 'Promemoria delle scadenze')).toContain(
      'Il 1° e il 10 di ogni mese',
    );
    const saved = await officer.post('/osservatorio/comune/promemoria', {
      promemoria: 'disattivati',
    });
    expect(saved.status).toBe(303);
    await settle(ctx);
    const after = await admin.get('/osservatorio/admin');
    expect(sectionText(after.body, 'Promemoria ai comuni')).toContain(
      'Nessun promemoria previsto.',
    );
    // The late notice on the 16th is not optional: Bari still gets it.
    expect(await at('2026-02-16T08:00:00Z')).toEqual(['observatory:072006:2026-01:month-late']);
  });
});
