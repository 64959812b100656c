import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowRow } from '../../domain/observatory/flowEvents.js';
import { flowStream, monthlyFlowDecider } from '../../domain/observatory/monthlyFlowDecider.js';
import { addMonths } from '../../domain/observatory/months.js';
import { validatedYearRefusal } from '../../domain/observatory/unlockMonthlyFlow.js';
import { yearStream } from '../../domain/observatory/yearValidationDecider.js';
import { demoObservatoryAdmin, demoOfficerBari } from '../../src/dev/demoIdentities.js';
import { handleCommand } from '../../src/platform/eventStore/commandHandler.js';
import { yearSendBacks } from '../../src/observatory/yearDecisions.js';
import { browserLoggedInAs, HttpBrowser } from '../support/identityLogin.js';
import { settle, type TestApp } from '../support/testApp.js';
import { backends } from '../support/testDatabase.js';
import { fieldError, pageText, rowText, sectionText } from './pageText.js';
import { startObservatoryApp, systemContext } from './support.js';

const row = (eerCode: string, tonnes: number, operation: string): FlowRow => ({
  eerCode,
  tonnes,
  collectionMethod: 'porta-a-porta',
  transporter: 'Igiene Srl',
  destinationPlant: 'Impianto di Bari',
  operation,
});
/** A month of Bari: 600 t separate (organic and glass), 400 t unsorted: 60% separate collection. */
const month2025 = [row('200108', 400, 'R3'), row('150107', 200, 'R5'), row('200301', 400, 'D8')];
/** The same month as the officer types it again, with the organic waste first left out: 800 t separate. */
const corrected = {
  'righe[0][eerCode]': '200108',
  'righe[0][tonnellate]': '600',
  'righe[0][modalita]': 'porta-a-porta',
  'righe[0][trasportatore]': 'Igiene Srl',
  'righe[0][impianto]': 'Impianto di Bari',
  'righe[0][operazione]': 'R3',
  'righe[1][eerCode]': '150107',
  'righe[1][tonnellate]': '200',
  'righe[1][modalita]': 'porta-a-porta',
  'righe[1][trasportatore]': 'Igiene Srl',
  'righe[1][impianto]': 'Impianto di Bari',
  'righe[1][operazione]': 'R5',
  'righe[2][eerCode]': '200301',
  'righe[2][tonnellate]': '400',
  'righe[2][modalita]': 'porta-a-porta',
  'righe[2][trasportatore]': 'Igiene Srl',
  'righe[2][impianto]': 'Impianto di Bari',
  'righe[2][operazione]': 'D8',
};
const remarks = 'Marzo e aprile: manca la frazione organica conferita al secondo impianto';

describe.each(backends())('%s: the Region validates a municipality’s year', (backend) => {
  let ctx: TestApp;
  let baseUrl: string;
  let admin: HttpBrowser;
  let officer: HttpBrowser;
  // 10 February 2026: 2025 has closed; March and April 2025 are far outside the 4-month window.
  const now = new Date('2026-02-10T09:00:00Z');
  const bari = '072006';

  /** What a municipality's officer files, as the page would: the month's rows, on time. */
  const file = async (istatCode: string, month: string, rows: FlowRow[]) => {
    const filedAt = new Date(`${addMonths(month, 1)}-10T09:00:00Z`);
    await handleCommand(
      ctx.store,
      monthlyFlowDecider,
      flowStream.id(istatCode, month),
      {
        type: 'SubmitMonthlyFlow',
        istatCode,
        month,
        officerId: `cf:${demoOfficerBari.fiscalCode}`,
        rows,
        now: filedAt,
      },
      systemContext(filedAt, `cf:${demoOfficerBari.fiscalCode}`),
    );
  };

  beforeAll(async () => {
    ({ ctx, baseUrl } = await startObservatoryApp(backend, () => now));
    // Bari files January to November 2025; Altamura, in the same province, one month.
    for (let m = 1; m <= 11; m++) await file(bari, `2025-${String(m).padStart(2, '0')}`, month2025);
    await file('072004', '2025-01', month2025);
    await settle(ctx);
    admin = await browserLoggedInAs(baseUrl, demoObservatoryAdmin);
    officer = await browserLoggedInAs(baseUrl, demoOfficerBari);
  });
  afterAll(async () => ctx?.close());

  const eventsOf = async (streamId: string) =>
    (await ctx.store.readStream(streamId)).events.map((event) => ({
      type: event.type,
      data: event.data,
      who: event.metadata.actor.id,
      ip: event.metadata.clientIp,
    }));
  const validate = (year = 2025, istat = bari) =>
    admin.post(`/osservatorio/admin/validazione/${istat}/${year}/valida`);
  const sendBack = (fields: Record<string, string>) =>
    admin.post(`/osservatorio/admin/validazione/${bari}/2025/rinvia`, fields);
  const page = () => admin.get('/osservatorio/admin/validazione?anno=2025&provincia=BA');

  it('is reached from the admin’s page and refused to anyone but an admin', async () => {
    const adminPage = await admin.get('/osservatorio/admin');
    expect(adminPage.body).toContain('href="/osservatorio/admin/validazione"');
    expect((await officer.get('/osservatorio/admin/validazione')).status).toBe(403);
    await officer.get('/osservatorio/comune');
    expect((await officer.post(`/osservatorio/admin/validazione/${bari}/2025/valida`)).status).toBe(
      403,
    );
    expect(
      (
        await officer.post(`/osservatorio/admin/validazione/${bari}/2025/rinvia`, {
          osservazioni: remarks,
          'mesi[3]': '3',
        })
      ).status,
    ).toBe(403);
    const visitor = new HttpBrowser(baseUrl);
    expect((await visitor.get('/osservatorio/admin/validazione')).location).toMatch(
      /\/osservatorio\/accesso$/,
    );
    expect(await eventsOf(yearStream.id(bari, 2025))).toEqual([]);
  });

  it('refuses a year not closed yet, and a year with a month missing, appending nothing', async () => {
    await page();
    const open = await validate(2026);
    expect(open.status).toBe(422);
    expect(pageText(open.body)).toContain(
      'L’anno 2026 non è ancora chiuso: la Regione lo valida o lo rinvia dal 1° gennaio 2027.',
    );
    const missing = await validate();
    expect(missing.status).toBe(422);
    expect(pageText(missing.body)).toContain(
      'Non si può validare il 2025: manca il mese (dicembre 2025)',
    );
    // Beside the row's actions, in the summary too.
    expect(missing.body).toMatch(
      /<div id="valida-072006"[^>]*role="alert"[^>]*>Non si può validare/,
    );
    expect(missing.body).toContain('href="#valida-072006"');
    expect(await eventsOf(yearStream.id(bari, 2025))).toEqual([]);
    expect(await eventsOf(yearStream.id(bari, 2026))).toEqual([]);
    expect(rowText(missing.body, 'Bari')).toContain('11 su 12');
  });

  it('lists the province’s municipalities with the provisional rate, the months filed and the state', async () => {
    // December is filed from the officer's page.
    await officer.get('/osservatorio/comune/2025-12');
    const december = Object.fromEntries(
      Object.entries(corrected).map(([key, value]) => [key, value === '600' ? '400' : value]),
    );
    expect(
      (await officer.post('/osservatorio/comune/2025-12', { ...december, azione: 'invia' })).status,
    ).toBe(303);
    const listed = await page();
    expect(listed.status).toBe(200);
    expect(pageText(listed.body)).toContain('Validazione annuale 2025');
    expect(rowText(listed.body, 'Bari')).toMatch(
      /Bari 60,0% 12 su 12 Non validato Valida il 2025 di Bari/,
    );
    expect(rowText(listed.body, 'Altamura')).toContain('1 su 12');
    expect(rowText(listed.body, 'Altamura')).toContain(
      'Validabile quando tutti i 12 mesi sono inviati (ne mancano 11).',
    );
    expect(pageText(listed.body)).not.toContain('Lecce');
  });

  it('sends the year back with remarks beside their fields when missing, appending nothing', async () => {
    await page();
    const short = await sendBack({ osservazioni: 'no', 'mesi[3]': '3' });
    expect(short.status).toBe(422);
    expect(fieldError(short.body, 'Osservazioni per il comune (Bari)')).toBe(
      'Indicare le osservazioni per il comune (almeno 10 caratteri).',
    );
    // The month ticked stays ticked.
    expect(short.body).toMatch(/id="mese-072006-3"[^>]*checked/);
    const none = await sendBack({ osservazioni: remarks });
    expect(none.status).toBe(422);
    expect(none.body).toMatch(
      /<div id="mesi-072006-error" class="invalid-feedback d-block">Scegliere almeno un mese da correggere\.<\/div>/,
    );
    expect(none.body).toContain(remarks);
    expect(await eventsOf(yearStream.id(bari, 2025))).toEqual([]);
  });

  it('sends months 3 and 4 back: unlocked on their streams whatever the 4-month window, mailed', async () => {
    await page();
    const sent = await sendBack({ osservazioni: remarks, 'mesi[4]': '4', 'mesi[3]': '3' });
    expect(sent.status).toBe(303);
    expect(sent.location).toMatch(
      /\/osservatorio\/admin\/validazione\?anno=2025&provincia=BA&esito=rinviato#comune-072006$/,
    );
    const who = `cf:${demoObservatoryAdmin.fiscalCode}`;
    expect(await eventsOf(yearStream.id(bari, 2025))).toEqual([
      {
        type: 'YearSentBack',
        data: {
          istatCode: bari,
          year: 2025,
          months: ['2025-03', '2025-04'],
          remarks,
          sentBackBy: who,
          withdrawnCertification: null,
        },
        who,
        ip: '127.0.0.1',
      },
    ]);
    for (const month of ['2025-03', '2025-04']) {
      expect((await eventsOf(flowStream.id(bari, month))).at(-1)).toEqual({
        type: 'MonthlyFlowReturned',
        data: { istatCode: bari, month, remarks, returnedBy: who, supersededUnlockRequest: null },
        who,
        ip: '127.0.0.1',
      });
    }
    expect((await eventsOf(flowStream.id(bari, '2025-05'))).map((e) => e.type)).toEqual([
      'MonthlyFlowSubmitted',
    ]);
    const listed = await admin.get(sent.location!);
    expect(pageText(listed.body)).toContain('Anno rinviato con osservazioni');
    expect(rowText(listed.body, 'Bari')).toContain(
      `Rinviato con osservazioni il 10/02/2026 (marzo 2025, aprile 2025): «${remarks}»`,
    );
    await settle(ctx);
    const mail = await ctx.test.database.db
      .selectFrom('mail_outbox')
      .selectAll()
      .where('to_address', '=', 'ambiente@comune.bari.it')
      .where('subject', 'like', '%rinviato dalla Regione%')
      .execute();
    expect(mail).toHaveLength(1);
    expect(mail[0]!.subject).toBe('Dichiara – anno 2025 rinviato dalla Regione con osservazioni');
    expect(JSON.stringify(mail[0])).toContain(remarks);
    expect(JSON.stringify(mail[0])).toContain('marzo 2025, aprile 2025');
  });

  it('shows the officer the remarks, and the months as drafts to correct; the year cannot be validated yet', async () => {
    const dashboard = await officer.get('/osservatorio/comune?anno=2025');
    expect(pageText(dashboard.body)).toContain(
      `la Regione ha rinviato l'anno con osservazioni: «${remarks}». Mesi da correggere e inviare di nuovo: marzo 2025, aprile 2025.`,
    );
    expect(rowText(dashboard.body, 'marzo 2025')).toContain('Sbloccato: da reinviare');
    const march = await officer.get('/osservatorio/comune/2025-03');
    expect(sectionText(march.body, 'Osservazioni della Regione')).toContain(`«${remarks}»`);
    expect(sectionText(march.body, 'Osservazioni della Regione')).toContain(
      'Il mese è sbloccato: correggi i dati e invialo di nuovo.',
    );
    expect(march.body).toContain('Invia il mese');
    expect(march.body).not.toContain('i dati sono bloccati');
    expect((await officer.get('/osservatorio/comune/2025-05')).body).toContain(
      'i dati sono bloccati',
    );

    await page();
    const early = await validate();
    expect(early.status).toBe(422);
    expect(pageText(early.body)).toContain('mancano 2 mesi (marzo 2025, aprile 2025)');
  });

  it('takes the corrected months, then validates: the certified rate is recorded with its totals', async () => {
    for (const month of ['2025-03', '2025-04']) {
      await officer.get(`/osservatorio/comune/${month}`);
      const filed = await officer.post(`/osservatorio/comune/${month}`, {
        ...corrected,
        azione: 'invia',
      });
      expect(filed.status).toBe(303);
      expect((await eventsOf(flowStream.id(bari, month))).at(-1)).toMatchObject({
        type: 'MonthlyFlowSubmitted',
        data: { version: 2 },
      });
    }
    expect(
      sectionText(
        (await officer.get('/osservatorio/comune/2025-03')).body,
        'Osservazioni della Regione',
      ),
    ).toContain('Il mese è stato inviato di nuovo dopo il rinvio.');

    await page();
    const done = await validate();
    expect(done.status).toBe(303);
    const [, validated] = await eventsOf(yearStream.id(bari, 2025));
    // 10 × 600 t + 2 × 800 t separate, 12 × 400 t unsorted.
    expect(validated).toEqual({
      type: 'YearValidated',
      data: {
        istatCode: bari,
        year: 2025,
        certifiedRate: 7_600 / 12_400,
        separateKg: 7_600_000,
        unsortedKg: 4_800_000,
        neutralKg: 0,
        months: Array.from({ length: 12 }, (_, i) => ({
          month: `2025-${String(i + 1).padStart(2, '0')}`,
          version: i === 2 || i === 3 ? 2 : 1,
        })),
        validatedBy: `cf:${demoObservatoryAdmin.fiscalCode}`,
      },
      who: `cf:${demoObservatoryAdmin.fiscalCode}`,
      ip: '127.0.0.1',
    });
    const listed = await page();
    expect(rowText(listed.body, 'Bari')).toContain('Validato RD certificata 61,3%');
    const again = await validate();
    expect(again.status).toBe(422);
    expect(pageText(again.body)).toContain('L’anno 2025 è già validato');
    expect(await eventsOf(yearStream.id(bari, 2025))).toHaveLength(2);
    await settle(ctx);
    const mail = await ctx.test.database.db
      .selectFrom('mail_outbox')
      .select(['subject', 'text_body'])
      .where('subject', 'like', '%validato dalla Regione%')
      .executeTakeFirstOrThrow();
    expect(mail.text_body).toContain('Raccolta differenziata certificata: 61,3%');
  });

  it('publishes the certified rate beside the provisional one, and marks which data is validated', async () => {
    const visitor = new HttpBrowser(baseUrl);
    const openData = await visitor.get('/osservatorio/dati-aperti?anno=2025&provincia=BA');
    expect(pageText(openData.body)).toContain(
      'Anno 2025 validato dalla Regione per 1 comune su 257.',
    );
    expect(rowText(openData.body, 'Bari')).toMatch(/61,3% 61,3% validata dalla Regione$/);
    expect(rowText(openData.body, 'Altamura')).toMatch(/60,0% — anno non validato$/);
    expect(pageText(openData.body)).toContain('percentuale_rd_certificata');

    const csv = await visitor.get('/osservatorio/dati-aperti/flussi.csv?anno=2025&provincia=BA');
    const lines = csv.body.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe(
      'codice_istat;comune;provincia;mese;stato;versione;giorni_ritardo;incide_finanziamenti;differenziata_t;indifferenziata_t;neutra_t;rd_percentuale;rd_percentuale_anno_certificata;stato_dato',
    );
    expect(lines).toContain(
      '072006;Bari;BA;2025-03;inviato;2;0;no;800,000;400,000;0,000;66,7;61,3;validato',
    );
    expect(lines).toContain(
      '072004;Altamura;BA;2025-01;inviato;1;0;no;600,000;400,000;0,000;60,0;;non validato',
    );

    const detail = await visitor.get(
      '/osservatorio/dati-aperti/dettaglio.csv?anno=2025&provincia=BA',
    );
    const rows = detail.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(rows[0]).toBe(
      'codice_istat;comune;provincia;mese;versione;codice_eer;descrizione_eer;classe_rd;tonnellate;modalita_raccolta;trasportatore;impianto_destinazione;operazione;percentuale_rd_certificata;stato_dato',
    );
    expect(
      rows
        .filter((line) => line.startsWith('072006;'))
        .every((line) => line.endsWith(';61,3;validato')),
    ).toBe(true);
    expect(rows.filter((line) => line.startsWith('072006;'))).toHaveLength(36);
    expect(rows.filter((line) => line.startsWith('072004;'))).toEqual(
      expect.arrayContaining([expect.stringMatching(/;;non validato$/)]),
    );

    const json = JSON.parse(
      (await visitor.get('/osservatorio/dati-aperti/dettaglio.json?anno=2025&provincia=BA')).body,
    ) as {
      stato_dato: string;
      campi: { nome: string }[];
      righe: Record<string, unknown>[];
    };
    expect(json.campi.map((field) => field.nome)).toEqual(rows[0]!.split(';'));
    expect(json.stato_dato).toBe('in parte validato');
    expect(json.righe).toContainEqual(
      expect.objectContaining({
        codice_istat: bari,
        mese: '2025-03',
        percentuale_rd_certificata: 61.3,
        stato_dato: 'validato',
      }),
    );
    expect(json.righe).toContainEqual(
      expect.objectContaining({
        codice_istat: '072004',
        percentuale_rd_certificata: null,
        stato_dato: 'non validato',
      }),
    );
  });

  it('shows the officer the certified rate, and refuses to unlock a month of the validated year on request', async () => {
    const dashboard = await officer.get('/osservatorio/comune?anno=2025');
    expect(pageText(dashboard.body)).toContain(
      'certificata dalla Regione: 61,3% , anno validato il 10/02/2026',
    );
    // December is within the 4-month window: only the validation keeps it locked.
    const december = await officer.get('/osservatorio/comune/2025-12');
    expect(december.body).toContain(validatedYearRefusal('2025-12'));
    const asked = await officer.post('/osservatorio/comune/2025-12/sblocco', {
      motivo: 'Il vetro di dicembre è stato pesato due volte',
    });
    expect(asked.status).toBe(422);
    expect(fieldError(asked.body, 'Motivo della richiesta')).toBe(validatedYearRefusal('2025-12'));
    expect((await eventsOf(flowStream.id(bari, '2025-12'))).map((e) => e.type)).toEqual([
      'MonthlyFlowSubmitted',
    ]);
  });

  it('returns the months once, whether the process manager handles the send-back again or the read model is rebuilt', async () => {
    const months = async () =>
      Promise.all(
        ['2025-03', '2025-04'].map(async (m) => (await eventsOf(flowStream.id(bari, m))).length),
      );
    const before = await months();
    const { events } = await ctx.store.readStream(yearStream.id(bari, 2025));
    await yearSendBacks({ store: ctx.store, logger: { warn: () => undefined } }).handle(
      events,
      new AbortController().signal,
    );
    await ctx.projections.rebuild('observatory_year_validations');
    await settle(ctx);
    expect(await months()).toEqual(before);
    expect(rowText((await page()).body, 'Bari')).toContain('Validato RD certificata 61,3%');
  });

  it('withdraws the certification when a validated year is sent back, and says so', async () => {
    await page();
    const sent = await sendBack({
      osservazioni: 'Dicembre: manca il vetro stradale',
      'mesi[12]': '12',
    });
    expect(sent.status).toBe(303);
    expect((await eventsOf(yearStream.id(bari, 2025))).at(-1)).toMatchObject({
      type: 'YearSentBack',
      data: {
        months: ['2025-12'],
        withdrawnCertification: {
          certifiedRate: 7_600 / 12_400,
          validatedBy: `cf:${demoObservatoryAdmin.fiscalCode}`,
        },
      },
    });
    expect(rowText((await page()).body, 'Bari')).toContain('validazione ritirata (era 61,3%)');
    const visitor = new HttpBrowser(baseUrl);
    const openData = await visitor.get('/osservatorio/dati-aperti?anno=2025&provincia=BA');
    expect(pageText(openData.body)).toContain('Dati non validati dalla Regione.');
    const csv = await visitor.get('/osservatorio/dati-aperti/flussi.csv?anno=2025&provincia=BA');
    expect(csv.body).toContain(
      '072006;Bari;BA;2025-03;inviato;2;0;no;800,000;400,000;0,000;66,7;;non validato',
    );
  });
});
