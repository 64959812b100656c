import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAndApprove, registrationFields, seedRegistry } from '../support/accounts.js';
import type { TestClient } from '../support/client.js';
import { filledTemplate, labReport, openCampaign } from '../support/declarations.js';
import {
  createOperator,
  operatorLogin,
  settle,
  signedIn,
  startTestApp,
  type TestApp,
} from '../support/testApp.js';
import { backends } from '../support/testDatabase.js';
import { fieldError, pageText } from '../observatory/pageText.js';
import {
  analysesEdits,
  declarationEdits,
  merge,
  type Edits,
} from './workbooks/support/workbookFixtures.js';

/** The form's name of each sheet, as «Compila online» names its inputs (fonti[C2]). */
const formSheets: Record<string, string> = {
  Analisi: 'analisi',
  Dichiarazione: 'dichiarazione',
  'Fonti di approvvigionamento': 'fonti',
  'Contatori scarico': 'contatori',
  Detrazioni: 'detrazioni',
};

/** The workbook edits as a person types them online: numbers in Italian, text as it is. */
const typedOnline = (edits: Edits): Record<string, string> =>
  Object.fromEntries(
    Object.entries(edits).flatMap(([sheet, cells]) =>
      Object.entries(cells).map(([ref, value]) => [
        `${formSheets[sheet]}[${ref}]`,
        value instanceof Date
          ? value.toLocaleDateString('it-IT', {
              timeZone: 'UTC',
              day: '2-digit',
              month: '2-digit',
              year: 'numeric',
            })
          : typeof value === 'number'
            ? String(value).replace('.', ',')
            : (value as string),
      ]),
    ),
  );

/** The figures a submission keeps, without what names the contract. */
const declared = (figures: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(figures).filter(([key]) => key !== 'contractNumber' && key !== 'plantAddress'),
  );

/**
 * «Compila online»: the same figures typed in the page and in the workbook give the same
 * declaration and the same messages. A company with two contracts files one each way.
 */
describe.each(backends())('%s: the declaration typed online', (backend) => {
  let ctx: TestApp;
  const ditta = { username: 'cartotecnica.po', password: 'Segreta-2026' };
  const byExcel = '3004440001';
  const online = '3004440002';
  const base = (contract: string) => `/dichiarazioni/2025/${contract}`;
  let client: TestClient;

  const streamEvents = async (streamId: string) => (await ctx.store.readStream(streamId)).events;
  const prepared = async (contract: string) =>
    (await streamEvents(`contract-${contract}`)).findLast(
      (event) => event.type === 'DeclarationPrepared',
    );
  const draftEvents = async (contract: string) =>
    (await streamEvents(`declaration-draft-${contract}-2025`)).length;

  /** AVANTI with what the draft holds: the files already there, nothing chosen now. */
  async function avanti(contract: string) {
    return client.postMultipart(
      base(contract),
      { visionato: 'si', 'email-notifica': 'ambiente@cartotecnica.example' },
      {},
    );
  }

  beforeAll(async () => {
    ctx = await startTestApp({ backend, now: () => new Date('2026-01-20T09:30:00Z') });
    await createOperator(ctx);
    await seedRegistry(ctx.test.database.db, [
      ['4440000000', byExcel, 'Cartotecnica Po SRL'],
      ['4440000000', online, 'Cartotecnica Po SRL'],
    ]);
    await registerAndApprove(
      ctx,
      'ditta',
      registrationFields({ ...ditta, 'companies[0][name]': 'Cartotecnica Po SRL' }, [
        { customerCode: '4440000000', contracts: [byExcel, online] },
      ]),
    );
    await openCampaign(ctx, 2025);
    client = await signedIn(ctx, ditta);
  });
  afterAll(async () => ctx.close());

  it('offers «Compila online» at step 3, and the form the workbook’s cells', async () => {
    const wizard = await client.get(base(online));
    expect(wizard.body).toContain(`href="${base(online)}/online"`);
    const page = await client.get(`${base(online)}/online`);
    expect(page.statusCode).toBe(200);
    const text = pageText(page.body);
    expect(text).toContain('Compila online la dichiarazione 2025');
    expect(text).toContain('Cartotecnica Po SRL (codice cliente 4440000000)');
    for (const heading of [
      "Dati dell'anno",
      'Fonti di approvvigionamento',
      'Contatori scarico',
      'Detrazioni',
    ])
      expect(page.body).toMatch(new RegExp(`<h2[^>]*>${heading}</h2>`));
    expect(page.body).toContain(
      '<label for="dichiarazione-B10" class="active">Volume scaricato in fognatura (m³) <span aria-hidden="true">*</span></label>',
    );
    expect(page.body).toContain(
      '<label for="fonti-C2" class="visually-hidden">Matricola contatore – Fonti di approvvigionamento, riga 1</label>',
    );
    // The drop-downs offer the workbook's own choices.
    expect(page.body).toMatch(/<select id="fonti-A2"[\s\S]*?<option>Acquedotto<\/option>/);
  });

  it('files the same declaration typed online as uploaded in Excel', async () => {
    await client.get(base(byExcel));
    const uploaded = await client.postMultipart(
      base(byExcel),
      { visionato: 'si', 'email-notifica': 'ambiente@cartotecnica.example' },
      {
        dichiarazione: {
          filename: 'dichiarazione.xlsx',
          content: await filledTemplate(client, base(byExcel), 'dichiarazione'),
        },
      },
    );
    expect(uploaded.statusCode, uploaded.body).toBe(303);

    await client.get(`${base(online)}/online`);
    const saved = await client.post(`${base(online)}/online`, {
      azione: 'salva',
      ...typedOnline(declarationEdits),
    });
    expect(saved.statusCode, saved.body).toBe(303);
    expect(saved.headers.location).toBe(`${base(online)}?online=salvata`);
    const wizard = await client.get(saved.headers.location!);
    expect(pageText(wizard.body)).toContain(
      'La dichiarazione compilata online è salvata nella bozza',
    );
    expect(pageText(wizard.body)).toContain('Già caricato: dichiarazione-2025-3004440002.xlsx');
    const validated = await avanti(online);
    expect(validated.statusCode, validated.body).toBe(303);
    expect(validated.headers.location).toBe(`${base(online)}/validazione`);
    await settle(ctx);

    const [excel, typed] = [await prepared(byExcel), await prepared(online)];
    const figures = (event: typeof excel) =>
      declared((event?.data as { figures: Record<string, unknown> }).figures);
    expect(figures(typed)).toEqual(figures(excel));
    expect((typed?.data as { warnings: unknown }).warnings).toEqual(
      (excel?.data as { warnings: unknown }).warnings,
    );
  });

  it('gives the upload’s messages beside the fields, and keeps the draft', async () => {
    // The start reading above the end one: a rule across the figures, named on its cell.
    const wrong = merge(declarationEdits, {
      'Fonti di approvvigionamento': { D2: 15500, E2: 12000 },
    });
    const page = await client.post(`${base(online)}/online`, {
      azione: 'salva',
      ...typedOnline(wrong),
    });
    expect(page.statusCode).toBe(422);
    expect(pageText(page.body)).toContain('La bozza è salvata: correggi i campi segnalati');
    const reading =
      fieldError(page.body, 'Lettura fine anno (m³) – Fonti di approvvigionamento, riga 1') ?? '';
    expect(reading).toContain('è inferiore a quella di inizio anno');

    // The same workbook uploaded: the same message for the same cell.
    const upload = await client.postMultipart(
      base(byExcel),
      { visionato: 'si', 'email-notifica': 'ambiente@cartotecnica.example' },
      {
        dichiarazione: {
          filename: 'dichiarazione.xlsx',
          content: await filledTemplate(client, base(byExcel), 'dichiarazione', wrong),
        },
      },
    );
    expect(upload.statusCode).toBe(422);
    expect(pageText(upload.body)).toContain(reading);

    // A volume in words: the cell's own message, as for a text typed in the workbook.
    const words = await client.post(`${base(online)}/online`, {
      azione: 'salva',
      ...typedOnline(merge(wrong, { Dichiarazione: { B10: 'quattromila' } })),
    });
    expect(words.statusCode).toBe(422);
    expect(fieldError(words.body, 'Volume scaricato in fognatura (m³)')).toMatch(/numero/);

    // Opened again, the form shows what was saved, wrong figures included.
    const again = await client.get(`${base(online)}/online`);
    expect(again.body).toMatch(/id="dichiarazione-B10"[^>]*value="quattromila"/);
    expect(again.body).toMatch(/id="fonti-E2"[^>]*value="12000"/);
  });

  it('checks one field as it changes (htmx): the field again, with its message', async () => {
    const response = await client.post(
      `${base(online)}/online`,
      {
        ...typedOnline(declarationEdits),
        'dichiarazione[B11]': '400',
        azione: 'verifica',
        campo: 'dichiarazione[B11]',
      },
      { 'HX-Request': 'true' },
    );
    expect(response.statusCode).toBe(200);
    expect(response.body).not.toContain('<html');
    expect(response.body.trimStart()).toMatch(/^<div id="dichiarazione-B11-campo"/);
    expect(response.body).toContain('aria-invalid="true"');
    expect(pageText(response.body)).toMatch(/366/);
  });

  it('redraws out of band the fields a rule across figures names or clears', async () => {
    const check = (edits: Edits) =>
      client.post(
        `${base(online)}/online`,
        { ...typedOnline(edits), azione: 'verifica', campo: 'fonti[G2]' },
        { 'HX-Request': 'true' },
      );
    /** The out-of-band copy of «Volume scaricato», as the answer carries it. */
    const volumeField = (html: string) =>
      /<div id="dichiarazione-B10-campo"[^>]*hx-swap-oob="true">[\s\S]*?<\/div>\s*<\/div>|<div id="dichiarazione-B10-campo"[^>]*hx-swap-oob="true">[\s\S]*?<\/div>/.exec(
        html,
      )?.[0] ?? '';
    // 5,000 m³ declared against 5,000 − 1,000 withdrawn: the balance names «Volume scaricato».
    const unbalanced = await check(merge(declarationEdits, { Dichiarazione: { B10: 5000 } }));
    expect(unbalanced.body.trimStart()).toMatch(/^<div id="fonti-G2-campo"/);
    expect(volumeField(unbalanced.body)).toContain('aria-invalid="true"');
    // The sources fixed: the same field comes again, its message gone.
    const balanced = await check(
      merge(declarationEdits, {
        Dichiarazione: { B10: 5000 },
        'Fonti di approvvigionamento': { E2: 16500, G2: 4500 },
      }),
    );
    expect(volumeField(balanced.body)).toContain('id="dichiarazione-B10"');
    expect(volumeField(balanced.body)).not.toContain('aria-invalid');

    // A field the page shows a message beside, in another row, comes again too: cleared here.
    const flagged = await client.post(
      `${base(online)}/online`,
      {
        ...typedOnline(declarationEdits),
        azione: 'verifica',
        campo: 'fonti[G2]',
        'segnalati[detrazioni-B3]': '1',
      },
      { 'HX-Request': 'true' },
    );
    expect(flagged.body).toMatch(/<div id="detrazioni-B3-campo"[^>]*hx-swap-oob="true">/);
  });

  it('opens an uploaded workbook online and turns the form into the workbook again', async () => {
    const page = await client.get(`${base(byExcel)}/online`);
    expect(page.body).toMatch(/id="dichiarazione-B10"[^>]*value="4000"/);
    expect(page.body).toMatch(/id="fonti-C2"[^>]*value="AQ-1001"/);
    expect(page.body).toMatch(/<select id="fonti-A2"[\s\S]*?<option selected>Acquedotto<\/option>/);

    const excel = await client.post(`${base(byExcel)}/online`, {
      azione: 'excel',
      ...typedOnline(merge(declarationEdits, { Dichiarazione: { B12: 'Scaricato dal portale.' } })),
    });
    expect(excel.statusCode).toBe(200);
    expect(excel.headers['content-type']).toContain('spreadsheetml');
    expect(excel.headers['content-disposition']).toContain('dichiarazione-2025-3004440001.xlsx');
    // The workbook is the draft's: opened online again it says what was typed.
    const reopened = await client.get(`${base(byExcel)}/online`);
    expect(reopened.body).toContain('Scaricato dal portale.');
  });

  it('adds a row without JavaScript, keeping what was typed', async () => {
    const page = await client.post(`${base(online)}/online`, {
      ...typedOnline(declarationEdits),
      'righe[contatori]': '1',
      azione: 'aggiungi-contatori',
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('id="contatori-A3"');
    expect(page.body).not.toContain('id="contatori-A4"');
    expect(page.body).toMatch(/id="fonti-C3"[^>]*value="PZ-2002"/);
  });

  it('refuses control characters and unknown fields beside the field, saving nothing', async () => {
    const before = await draftEvents(online);
    const hostile = await client.post(`${base(online)}/online`, {
      ...typedOnline(declarationEdits),
      'fonti[C2]': 'AQ\u00001001',
      azione: 'salva',
    });
    expect(hostile.statusCode).toBe(422);
    expect(
      fieldError(hostile.body, 'Matricola contatore – Fonti di approvvigionamento, riga 1'),
    ).toMatch(/caratteri/);
    expect(pageText(hostile.body)).toContain('Nulla è stato salvato');
    // A cell written with a leading zero would be another cell in the workbook (G002 is G2).
    const aliased = await client.post(`${base(online)}/online`, {
      'fonti[G002]': '1',
      azione: 'salva',
    });
    expect(aliased.statusCode).toBe(422);
    // A row added to a table the form does not have: the page again, nothing saved.
    const addedNowhere = await client.post(`${base(online)}/online`, {
      ...typedOnline(declarationEdits),
      azione: 'aggiungi-ovunque',
    });
    expect(addedNowhere.statusCode).toBe(200);
    const unknown = await client.post(`${base(online)}/online`, {
      'fonti[Z9]': '1',
      'dichiarazione[B3]': 'Altra ditta',
      azione: 'salva',
    });
    expect(unknown.statusCode).toBe(422);
    expect(pageText(unknown.body)).toContain('Il modulo contiene un campo non valido.');
    await settle(ctx);
    expect(await draftEvents(online)).toBe(before);
  });

  it('files the same analyses typed online as uploaded, with the lab report beside them', async () => {
    const step4 = { 'rapporto-di-prova': labReport };
    const byUpload = await client.postMultipart(
      base(byExcel),
      { visionato: 'si', 'email-notifica': 'ambiente@cartotecnica.example' },
      {
        ...step4,
        analisi: {
          filename: 'analisi.xlsx',
          content: await filledTemplate(client, base(byExcel), 'analisi'),
        },
      },
    );
    expect(byUpload.statusCode, byUpload.body).toBe(303);

    const form = await client.get(`${base(online)}/online/analisi`);
    expect(form.statusCode).toBe(200);
    expect(pageText(form.body)).toContain('Compila online le analisi chimiche 2025');
    expect(form.body).toMatch(/<select id="analisi-D2"[\s\S]*?<option>COD \(mg\/l\)<\/option>/);
    await client.post(`${base(online)}/online`, {
      azione: 'salva',
      ...typedOnline(declarationEdits),
    });
    const saved = await client.post(`${base(online)}/online/analisi`, {
      azione: 'salva',
      ...typedOnline({ Analisi: analysesEdits.Analisi! }),
    });
    expect(saved.statusCode, saved.body).toBe(303);
    const typed = await client.postMultipart(
      base(online),
      { visionato: 'si', 'email-notifica': 'ambiente@cartotecnica.example' },
      step4,
    );
    expect(typed.statusCode, typed.body).toBe(303);
    await settle(ctx);
    const analyses = async (contract: string) =>
      ((await prepared(contract))?.data as { analyses: unknown }).analyses;
    expect(await analyses(online)).toEqual(await analyses(byExcel));
    // Four results, their dates typed as dd/mm/yyyy and read back as the workbook's dates.
    const { results } = (await analyses(online)) as {
      results: { sampledOn: string; value: number }[];
    };
    expect(results.map((result) => [result.sampledOn, result.value])).toEqual([
      ['2025-10-15', 320],
      ['2025-10-15', 120],
      ['2025-10-15', 7.2],
      ['2025-10-15', 18.5],
    ]);

    // A date outside the year: the reader's message beside the cell, as for an upload.
    const wrongDate = await client.post(`${base(online)}/online/analisi`, {
      azione: 'verifica',
      ...typedOnline({ Analisi: { ...analysesEdits.Analisi!, A2: '31/02/2025' } }),
    });
    expect(wrongDate.statusCode).toBe(422);
    expect(fieldError(wrongDate.body, 'Data del prelievo – Analisi, riga 1')).toBeTruthy();
  });

  it('is only for whoever may file the contract', async () => {
    const operator = await signedIn(ctx, operatorLogin);
    expect((await operator.get(`${base(online)}/online`)).statusCode).toBe(403);
    expect((await client.get('/dichiarazioni/2025/3009990000/online')).statusCode).toBe(404);
  });
});
