import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { municipalityStream } from '../../domain/observatory/municipalityOfficer.js';
import { flowStream, monthlyFlowDecider } from '../../domain/observatory/monthlyFlowDecider.js';
import { pugliaMunicipalities } from '../../domain/observatory/reference/municipalities.js';
import { handleCommand } from '../../src/platform/eventStore/commandHandler.js';
import {
  demoObservatoryAdmin,
  demoOfficerBari,
  demoOfficerLecce,
} from '../../src/dev/demoIdentities.js';
import { browserLoggedInAs, type HttpBrowser } from '../support/identityLogin.js';
import { settle, type TestApp } from '../support/testApp.js';
import { backends } from '../support/testDatabase.js';
import { glassFlowRow, startObservatoryApp, systemContext } from './support.js';
import { fieldError, pageText, rowText, sectionText } from './pageText.js';

describe.each(backends())('%s: the observatory admin', (backend) => {
  let ctx: TestApp;
  let baseUrl: string;
  let admin: HttpBrowser;
  // 10 November: October is due on the 15th, so not missing yet; August is over 30 days late.
  const now = new Date('2026-11-10T10:00:00Z');

  beforeAll(async () => {
    ({ ctx, baseUrl } = await startObservatoryApp(backend, () => now));
    const filedAt = new Date('2026-11-05T09:00:00Z');
    await handleCommand(
      ctx.store,
      monthlyFlowDecider,
      flowStream.id('072006', '2026-10'),
      {
        type: 'SubmitMonthlyFlow',
        istatCode: '072006',
        month: '2026-10',
        officerId: `cf:${demoOfficerBari.fiscalCode}`,
        rows: [glassFlowRow],
        now: filedAt,
      },
      systemContext(filedAt),
    );
    await settle(ctx);
    admin = await browserLoggedInAs(baseUrl, demoObservatoryAdmin);
  });
  afterAll(async () => ctx?.close());

  const count = (text: string, label: string) =>
    Number(new RegExp(`(\\d+) ${label}`).exec(text)?.[1]);

  /** The municipalities the grid of "Comuni e mesi" has a row for, by ISTAT code. */
  const gridRows = (html: string) =>
    [
      ...html.matchAll(/<th scope="row"[^>]*><a href="\/osservatorio\/admin\/comuni\/(\d{6})"/g),
    ].map((match) => match[1]);
  const inProvince = (province: string) =>
    pugliaMunicipalities.filter((m) => m.province === province).map((m) => m.istatCode);

  it('shows the first province by default, with the figures of the whole region, and counts months before their deadline as waiting', async () => {
    const page = await admin.get('/osservatorio/admin?anno=2026');
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/<option value="BA" selected>BA<\/option>/);
    expect(gridRows(page.body)).toEqual(inProvince('BA'));
    const text = pageText(page.body);
    expect(count(text, 'inviati in tempo')).toBe(1);
    expect(count(text, 'mancanti')).toBe(0);
    expect(count(text, 'in attesa')).toBe(pugliaMunicipalities.length - 1);
    // Every municipality has months of 2026 never filed and over 30 days late.
    expect(count(text, 'comuni oltre 30 giorni di ritardo')).toBe(pugliaMunicipalities.length);
    const bari = sectionText(page.body, 'Comuni e mesi');
    expect(bari).toContain('Provincia BA, ottobre 2026: 1 inviati in tempo');
    expect(count(bari, 'in attesa')).toBe(inProvince('BA').length - 1);

    const lecceBody = (await admin.get('/osservatorio/admin?anno=2026&provincia=LE')).body;
    expect(gridRows(lecceBody)).toEqual(inProvince('LE'));
    expect(count(pageText(lecceBody), 'in attesa')).toBe(pugliaMunicipalities.length - 1);
    const lecce = sectionText(lecceBody, 'Comuni e mesi');
    expect(lecce).toContain('Lecce');
    expect(lecce).not.toContain('Altamura');
    expect(count(lecce, 'in attesa')).toBe(inProvince('LE').length);
  });

  it('shows the whole region when asked, a page several times the size of one province', async () => {
    const one = await admin.get('/osservatorio/admin?anno=2026');
    const all = await admin.get('/osservatorio/admin?anno=2026&provincia=tutte');
    expect(all.body).toMatch(/<option value="tutte" selected>Tutte le province<\/option>/);
    expect(gridRows(all.body)).toHaveLength(pugliaMunicipalities.length);
    expect(sectionText(all.body, 'Comuni e mesi')).not.toContain('Provincia BA');
    expect(Buffer.byteLength(one.body)).toBeLessThan(Buffer.byteLength(all.body) / 3);
  });

  it('flags the funding in the grid and the CSV, for the whole region', async () => {
    const page = await admin.get('/osservatorio/admin?anno=2026&provincia=tutte');
    expect(rowText(page.body, 'Bari')).toContain(
      '✗ € Mancante (oltre la scadenza), incide sui finanziamenti regionali',
    );
    const csv = await admin.get('/osservatorio/admin/flussi.csv?anno=2026&provincia=tutte');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="flussi-2026.csv"');
    const lines = csv.body.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe(
      'codice_istat;comune;provincia;mese;stato;versione;giorni_ritardo;incide_finanziamenti;differenziata_t;indifferenziata_t;neutra_t;rd_percentuale;rd_percentuale_anno_certificata;stato_dato',
    );
    expect(lines).toContain(
      '072006;Bari;BA;2026-10;inviato;1;0;no;300,000;0,000;0,000;100,0;;non validato',
    );
    expect(lines).toContain('072006;Bari;BA;2026-08;mancante;;;sì;;;;;;');
    expect(lines).toContain('075035;Lecce;LE;2026-10;da_inviare;;;no;;;;;;');
    expect(lines).toContain('075035;Lecce;LE;2026-09;mancante;;;no;;;;;;');
  });
  const eventsOf = async (stream: string) =>
    (await ctx.store.readStream(stream)).events.map((event) => ({
      type: event.type,
      data: event.data,
      who: event.metadata.actor.id,
      ip: event.metadata.clientIp,
    }));

  it('rejects an unlock request with a reason, beside the field when missing, and mails the officer', async () => {
    const officer = await browserLoggedInAs(baseUrl, demoOfficerBari);
    await officer.get('/osservatorio/comune/2026-10');
    const reason = 'Il vetro di ottobre è stato pesato due volte';
    expect(
      (await officer.post('/osservatorio/comune/2026-10/sblocco', { motivo: reason })).status,
    ).toBe(303);
    await admin.get('/osservatorio/admin');
    const reject = '/osservatorio/admin/sblocchi/072006/2026-10/respingi';
    const missing = await admin.post(reject, { motivo: 'no' });
    expect(missing.status).toBe(422);
    expect(fieldError(missing.body, 'Motivo del rifiuto')).toBe(
      'Indicare il motivo (almeno 10 caratteri).',
    );
    expect((await admin.post(reject, { motivo: 'I dati sono già stati validati' })).status).toBe(
      303,
    );
    const events = await eventsOf(flowStream.id('072006', '2026-10'));
    expect(events.map((event) => event.type)).toEqual([
      'MonthlyFlowSubmitted',
      'FlowUnlockRequested',
      'FlowUnlockRejected',
    ]);
    expect(events[2]).toMatchObject({
      data: { reason: 'I dati sono già stati validati' },
      who: `cf:${demoObservatoryAdmin.fiscalCode}`,
      ip: '127.0.0.1',
    });
    await settle(ctx);
    const mail = await ctx.test.database.db
      .selectFrom('mail_outbox')
      .selectAll()
      .where('to_address', '=', 'ambiente@comune.bari.it')
      .where('subject', 'like', '%sblocco%')
      .executeTakeFirstOrThrow();
    expect(mail.subject).toContain('sblocco di ottobre 2026 non approvato');
    expect(JSON.stringify(mail)).toContain('I dati sono già stati validati');
    const page = await officer.get('/osservatorio/comune/2026-10');
    expect(page.body).toContain('i dati sono bloccati');
  });

  it('shows a municipality’s history with who, when and from where, and the rows of any version', async () => {
    const page = await admin.get('/osservatorio/admin/comuni/072006?anno=2026');
    expect(page.status).toBe(200);
    const users = sectionText(page.body, 'Utenti del comune');
    expect(users).toContain(
      `Associato l'utente ${demoOfficerBari.fiscalCode} (ambiente@comune.bari.it)`,
    );
    const october = sectionText(page.body, 'ottobre 2026');
    expect(october).toContain('Inviata la versione 1');
    expect(october).toContain('Sblocco respinto: I dati sono già stati validati');
    expect(october).toContain(`cf:${demoObservatoryAdmin.fiscalCode} 127.0.0.1`);
    const link = /href="(\/osservatorio\/admin\/comuni\/072006\/2026-10\/versioni\/1)"/.exec(
      page.body,
    )?.[1];
    expect(link).toBeDefined();
    const version = await admin.get(link!);
    expect(version.status).toBe(200);
    expect(pageText(version.body)).toContain('Comune di Bari: Flussi di ottobre 2026, versione 1');
    expect(rowText(version.body, '15 01 07')).toContain('300');
    expect(rowText(version.body, '15 01 07')).toContain('Piattaforma vetro');
    expect((await admin.get('/osservatorio/admin/comuni/072006/2026-10/versioni/2')).status).toBe(
      404,
    );
    const officer = await browserLoggedInAs(baseUrl, demoOfficerBari);
    expect((await officer.get(link!)).status).toBe(403);
  });

  it('changes the officer’s contact e-mail as an event, on the municipality’s own domain only', async () => {
    await admin.get('/osservatorio/admin');
    const change = '/osservatorio/admin/associazioni/072006/email';
    const reason = 'Nuova casella dell’ufficio ambiente';
    const wrong = await admin.post(change, { email: 'ambiente@comune.lecce.it', motivo: reason });
    expect(wrong.status).toBe(422);
    expect(fieldError(wrong.body, 'Nuova e-mail istituzionale (Bari)')).toBe(
      'Sono accettati solo indirizzi e-mail istituzionali del Comune di Bari (ad esempio nome@comune.bari.it).',
    );
    // Another municipality's address and a reason too short: both said at once.
    const both = await admin.post(change, { email: 'ambiente@comune.lecce.it', motivo: 'breve' });
    expect(both.status).toBe(422);
    expect(fieldError(both.body, 'Nuova e-mail istituzionale (Bari)')).toMatch(/Comune di Bari/);
    expect(pageText(both.body)).toContain('Indicare il motivo (almeno 10 caratteri).');
    expect(
      (await admin.post(change, { email: 'rifiuti@comune.bari.it', motivo: reason })).status,
    ).toBe(303);
    const events = await eventsOf(municipalityStream.id('072006'));
    expect(events.at(-1)).toMatchObject({
      type: 'OfficerEmailChanged',
      data: { email: 'rifiuti@comune.bari.it', previousEmail: 'ambiente@comune.bari.it', reason },
      who: `cf:${demoObservatoryAdmin.fiscalCode}`,
    });
    const page = await admin.get('/osservatorio/admin');
    expect(rowText(page.body, demoOfficerBari.fiscalCode)).toContain('rifiuti@comune.bari.it');
  });

  it('replaces the officer: the old association ends as an event, the old person loses access', async () => {
    await admin.get('/osservatorio/admin');
    const replaced = await admin.post('/osservatorio/admin/associazioni', {
      comune: '072006',
      codiceFiscale: demoOfficerLecce.fiscalCode,
      email: 'ambiente@comune.bari.it',
      motivo: 'Nuova referente indicata dal comune',
    });
    expect(replaced.status).toBe(303);
    const events = await eventsOf(municipalityStream.id('072006'));
    expect(events.slice(-2)).toMatchObject([
      {
        type: 'OfficerAssignmentEnded',
        data: { fiscalCode: demoOfficerBari.fiscalCode, reason: 'Sostituito da un nuovo utente' },
      },
      {
        type: 'OfficerAssigned',
        data: {
          fiscalCode: demoOfficerLecce.fiscalCode,
          reason: 'Nuova referente indicata dal comune',
        },
      },
    ]);
    const mario = await browserLoggedInAs(baseUrl, demoOfficerBari);
    expect((await mario.get('/osservatorio')).body).toContain('non è associata a un comune');
    const lucia = await browserLoggedInAs(baseUrl, demoOfficerLecce);
    expect((await lucia.get('/osservatorio/comune')).body).toContain('Comune di Bari');
  });

  it('ends an association with no one in its place, with a reason', async () => {
    await admin.get('/osservatorio/admin');
    const end = '/osservatorio/admin/associazioni/072006/chiudi';
    const missing = await admin.post(end, { motivo: '' });
    expect(missing.status).toBe(422);
    expect(fieldError(missing.body, "Motivo della chiusura dell'associazione (Bari)")).toBe(
      'Indicare il motivo (almeno 10 caratteri).',
    );
    expect(
      (await admin.post(end, { motivo: 'La funzionaria ha lasciato il servizio' })).status,
    ).toBe(303);
    const events = await eventsOf(municipalityStream.id('072006'));
    expect(events.at(-1)).toMatchObject({
      type: 'OfficerAssignmentEnded',
      data: {
        fiscalCode: demoOfficerLecce.fiscalCode,
        reason: 'La funzionaria ha lasciato il servizio',
      },
      who: `cf:${demoObservatoryAdmin.fiscalCode}`,
      ip: '127.0.0.1',
    });
    const lucia = await browserLoggedInAs(baseUrl, demoOfficerLecce);
    expect((await lucia.get('/osservatorio/comune')).location).toMatch(/\/osservatorio$/);
    expect(
      sectionText((await admin.get('/osservatorio/admin')).body, 'Utenti dei comuni'),
    ).not.toContain(demoOfficerLecce.fiscalCode);
    // A wrong fiscal code and another municipality's address: both said at once.
    const both = await admin.post('/osservatorio/admin/associazioni', {
      comune: '075035',
      codiceFiscale: 'RSSMRA80A01A662B',
      email: 'ambiente@comune.bari.it',
    });
    expect(both.status).toBe(422);
    expect(pageText(both.body)).toContain('Codice fiscale non valido.');
    expect(pageText(both.body)).toContain(
      'Sono accettati solo indirizzi e-mail istituzionali del Comune di Lecce',
    );
    // An association needs its reason.
    const unexplained = await admin.post('/osservatorio/admin/associazioni', {
      comune: '075035',
      codiceFiscale: demoOfficerLecce.fiscalCode,
      email: 'ambiente@comune.lecce.it',
    });
    expect(unexplained.status).toBe(422);
    expect(fieldError(unexplained.body, 'Motivo dell’associazione')).toBe(
      'Indicare il motivo (almeno 10 caratteri).',
    );
    const lecce = await admin.post('/osservatorio/admin/associazioni', {
      comune: '075035',
      codiceFiscale: demoOfficerLecce.fiscalCode,
      email: 'ambiente@comune.lecce.it',
      motivo: 'Richiesta del comune di Lecce',
    });
    expect(lecce.status).toBe(303);
  });

  it('grants the admin role from the web and revokes it with a reason, never the last admin', async () => {
    await admin.get('/osservatorio/admin');
    const grant = '/osservatorio/admin/amministratori';
    const invalid = await admin.post(grant, { amministratore: 'RSSMRA80A01A662B' });
    expect(invalid.status).toBe(422);
    expect(fieldError(invalid.body, 'Codice fiscale del nuovo amministratore')).toBe(
      'Codice fiscale non valido.',
    );
    expect((await admin.post(grant, { amministratore: demoOfficerBari.fiscalCode })).status).toBe(
      303,
    );
    expect((await eventsOf('observatory-admins')).at(-1)).toMatchObject({
      type: 'ObservatoryAdminGranted',
      data: {
        fiscalCode: demoOfficerBari.fiscalCode,
        grantedBy: `cf:${demoObservatoryAdmin.fiscalCode}`,
      },
      ip: '127.0.0.1',
    });
    const mario = await browserLoggedInAs(baseUrl, demoOfficerBari);
    expect((await mario.get('/osservatorio/admin')).status).toBe(200);

    const revoke = `/osservatorio/admin/amministratori/${demoOfficerBari.fiscalCode}/revoca`;
    const noReason = await admin.post(revoke, { motivo: '' });
    expect(noReason.status).toBe(422);
    expect(fieldError(noReason.body, `Motivo della revoca di ${demoOfficerBari.fiscalCode}`)).toBe(
      'Indicare il motivo (almeno 10 caratteri).',
    );
    expect((await admin.post(revoke, { motivo: 'Incarico concluso in Regione' })).status).toBe(303);
    expect((await eventsOf('observatory-admins')).at(-1)).toMatchObject({
      type: 'ObservatoryAdminRevoked',
      data: { fiscalCode: demoOfficerBari.fiscalCode, reason: 'Incarico concluso in Regione' },
    });
    expect((await mario.get('/osservatorio/admin')).location).toMatch(/\/osservatorio$/);

    const last = await admin.post(
      `/osservatorio/admin/amministratori/${demoObservatoryAdmin.fiscalCode}/revoca`,
      { motivo: 'Fine del mio incarico' },
    );
    expect(last.status).toBe(422);
    expect(pageText(last.body)).toContain(
      'Non si può revocare l’ultimo amministratore: prima aggiungine un altro.',
    );
    expect((await eventsOf('observatory-admins')).at(-1)?.type).toBe('ObservatoryAdminRevoked');
  });

  it('refuses an observatory form posted without its CSRF token', async () => {
    await admin.get('/osservatorio/admin');
    const before = (await eventsOf('observatory-admins')).length;
    const cookies = ['dichiara-session', 'dichiara-csrf']
      .map((name) => `${name}=${admin.cookie(name) ?? ''}`)
      .join('; ');
    expect(admin.cookie('dichiara-session')).toBeTruthy();
    const response = await fetch(`${baseUrl}/osservatorio/admin/amministratori`, {
      method: 'POST',
      headers: { cookie: cookies, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ amministratore: demoOfficerLecce.fiscalCode }).toString(),
      redirect: 'manual',
    });
    expect(response.status).toBe(403);
    expect((await eventsOf('observatory-admins')).length).toBe(before);
  });
});
