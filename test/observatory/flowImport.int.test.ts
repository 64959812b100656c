import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flowStream } from '../../domain/observatory/monthlyFlowDecider.js';
import { demoOfficerBari } from '../../src/dev/demoIdentities.js';
import { readFlowFile } from '../../src/observatory/flowImport/flowFile.js';
import { browserLoggedInAs } from '../support/identityLogin.js';
import { type TestApp } from '../support/testApp.js';
import { backends } from '../support/testDatabase.js';
import { postFile } from './postFile.js';
import { controlId, pageText } from './pageText.js';
import { startObservatoryApp } from './support.js';

const header =
  'Codice EER;Quantità (t);Modalità di raccolta;Trasportatore;Impianto di destinazione;Operazione (R/D)';
const csvOf = (...lines: string[]) => Buffer.from([header, ...lines].join('\r\n') + '\r\n');
const goodCsv = csvOf(
  '20 03 01;1200,5;porta-a-porta;Igiene Srl;TMB Bari;D8',
  '15 01 07;300;stradale;Igiene Srl;Piattaforma vetro;R5',
);

/** The items of the page's alert that lists a refused file's problems. */
const fileErrors = (html: string): string[] => {
  const alert = /<div id="errori-file"[^>]*role="alert"[^>]*>([\s\S]*?)<\/div>/.exec(html)?.[1];
  return [...(alert ?? '').matchAll(/<li>([\s\S]*?)<\/li>/g)].map((match) => pageText(match[1]!));
};

/** The value shown in the form's field `name` (righe[0][tonnellate]…), selected option included. */
function formValue(html: string, name: string): string | undefined {
  const input = new RegExp(`<input[^>]*name="${name.replace(/[[\]]/g, '\\$&')}"[^>]*>`).exec(html);
  if (input) return /value="([^"]*)"/.exec(input[0])?.[1];
  const select = new RegExp(
    `<select[^>]*name="${name.replace(/[[\]]/g, '\\$&')}"[^>]*>([\\s\\S]*?)</select>`,
  ).exec(html);
  return /<option value="([^"]*)" selected>/.exec(select?.[1] ?? '')?.[1];
}

describe.each(backends())('%s: a month imported from a file', (backend) => {
  let ctx: TestApp;
  let baseUrl: string;
  const now = new Date('2026-11-20T10:00:00Z');

  beforeAll(async () => {
    ({ ctx, baseUrl } = await startObservatoryApp(backend, () => now));
  });
  afterAll(async () => ctx?.close());

  const eventsOf = async (month: string) =>
    (await ctx.store.readStream(flowStream.id('072006', month))).events;

  it('offers the templates, which download and import again as they are', async () => {
    const officer = await browserLoggedInAs(baseUrl, demoOfficerBari);
    const page = await officer.get('/osservatorio/comune/2026-08');
    expect(page.body).toContain('Importa da file');
    expect(page.body).toContain('href="/osservatorio/comune/2026-08/modello/xlsx"');
    expect(controlId(page.body, 'File dei flussi del mese')).toBe('file-flussi');

    const xlsx = await fetch(officer.absolute('/osservatorio/comune/2026-08/modello/xlsx'), {
      headers: { cookie: `dichiara-session=${officer.cookie('dichiara-session')}` },
    });
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-type')).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(xlsx.headers.get('content-disposition')).toBe(
      'attachment; filename="flussi-072006-2026-08.xlsx"',
    );
    const template = Buffer.from(await xlsx.arrayBuffer());
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(template as unknown as ExcelJS.Buffer);
    const sheet = workbook.getWorksheet('Flussi')!;
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual([
      'Codice EER',
      'Quantità (t)',
      'Modalità di raccolta',
      'Trasportatore',
      'Impianto di destinazione',
      'Operazione (R/D)',
    ]);
    sheet.getRow(2).values = ['20 03 01', 1200.5, 'porta-a-porta', 'Igiene Srl', 'TMB Bari', 'D8'];
    const filled = Buffer.from(await workbook.xlsx.writeBuffer());

    const imported = await postFile(officer, page, '/osservatorio/comune/2026-08/importa', {
      name: 'flussi-072006-2026-08.xlsx',
      content: filled,
    });
    expect(imported.status).toBe(303);
    expect(imported.location).toBe('/osservatorio/comune/2026-08?esito=importato');
    expect((await eventsOf('2026-08')).map((event) => event.type)).toEqual(['FlowDraftSaved']);

    // The CSV of the month now holds that row, and imports again to the same draft.
    const csv = await officer.get('/osservatorio/comune/2026-08/modello/csv');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.body).toContain('20 03 01;1200,5;porta-a-porta;Igiene Srl;TMB Bari;D8');
    const again = await readFlowFile('flussi.csv', Buffer.from(csv.body));
    expect(again.ok && again.rows).toEqual((await eventsOf('2026-08'))[0]!.data.rows);
  });

  it('lists a file’s 3 errors by row and column, and saves nothing', async () => {
    const officer = await browserLoggedInAs(baseUrl, demoOfficerBari);
    const page = await officer.get('/osservatorio/comune/2026-10');
    const before = (await eventsOf('2026-10')).length;
    const response = await postFile(officer, page, '/osservatorio/comune/2026-10/importa', {
      name: 'ottobre.csv',
      content: csvOf(
        '20 03 01;0;porta-a-porta;Igiene Srl;TMB Bari;D8',
        '15 01 07;300;stradale;Igiene Srl;Piattaforma vetro;R5',
        '99 99 99;12;stradale;;Piattaforma;R5',
      ),
    });
    expect(response.status).toBe(422);
    expect(fileErrors(response.body)).toEqual([
      'Riga 2, colonna "Quantità (t)": la quantità deve essere maggiore di zero.',
      'Riga 4, colonna "Codice EER": codice EER non presente nell’elenco dei rifiuti urbani.',
      'Riga 4, colonna "Trasportatore": indicare il trasportatore.',
    ]);
    expect(pageText(response.body)).toContain(
      'Il file non è stato importato e nulla è stato salvato: ci sono 3 problemi da correggere.',
    );
    // The file input points at the list, as a field points at its error.
    expect(response.body).toMatch(
      /<input id="file-flussi"[^>]*aria-invalid="true" aria-describedby="errori-file"/,
    );
    expect((await eventsOf('2026-10')).length).toBe(before);
  });

  it('refuses a PDF renamed .xlsx, and a post without a file, changing nothing', async () => {
    const officer = await browserLoggedInAs(baseUrl, demoOfficerBari);
    const page = await officer.get('/osservatorio/comune/2026-10');
    const before = (await eventsOf('2026-10')).length;
    const pdf = await postFile(officer, page, '/osservatorio/comune/2026-10/importa', {
      name: 'ottobre.xlsx',
      content: Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n<< >>\nendobj\n'),
    });
    expect(pdf.status).toBe(422);
    expect(fileErrors(pdf.body)[0]).toMatch(/^Il file è un PDF, non un foglio Excel\./);
    const none = await postFile(officer, page, '/osservatorio/comune/2026-10/importa', {
      name: '',
      content: new Uint8Array(),
    });
    expect(none.status).toBe(422);
    expect(fileErrors(none.body)).toEqual(['Scegliere il file da importare (CSV o Excel .xlsx).']);
    expect((await eventsOf('2026-10')).length).toBe(before);
  });

  it('makes a good file the month’s draft, shown in the form; the form’s button submits it', async () => {
    const officer = await browserLoggedInAs(baseUrl, demoOfficerBari);
    const page = await officer.get('/osservatorio/comune/2026-10');
    const imported = await postFile(officer, page, '/osservatorio/comune/2026-10/importa', {
      name: 'ottobre.csv',
      content: goodCsv,
    });
    expect(imported.status).toBe(303);
    const draft = await officer.get(imported.location!);
    expect(pageText(draft.body)).toContain(
      'File importato e salvato come bozza: controlla le righe qui sotto, poi premi «Invia il mese».',
    );
    expect(formValue(draft.body, 'righe[0][eerCode]')).toBe('200301');
    expect(formValue(draft.body, 'righe[0][tonnellate]')).toBe('1200,5');
    expect(formValue(draft.body, 'righe[1][modalita]')).toBe('stradale');
    expect(formValue(draft.body, 'righe[1][impianto]')).toBe('Piattaforma vetro');
    const [saved] = await eventsOf('2026-10');
    expect(saved!.type).toBe('FlowDraftSaved');
    expect(saved!.metadata.actor).toEqual({
      id: `cf:${demoOfficerBari.fiscalCode}`,
      role: 'municipality-officer',
    });

    // The person checks the rows and presses «Invia il mese»: the form posts what it shows.
    const fields = Object.fromEntries(
      ['eerCode', 'tonnellate', 'modalita', 'trasportatore', 'impianto', 'operazione'].flatMap(
        (field) =>
          [0, 1].map((row) => {
            const name = `righe[${row}][${field}]`;
            return [name, formValue(draft.body, name) ?? ''];
          }),
      ),
    );
    const submitted = await officer.post('/osservatorio/comune/2026-10', {
      comune: '072006',
      azione: 'invia',
      ...fields,
    });
    expect(submitted.status).toBe(303);
    const events = await eventsOf('2026-10');
    expect(events.map((event) => event.type)).toEqual(['FlowDraftSaved', 'MonthlyFlowSubmitted']);
    expect(events[1]!.data.rows).toEqual(saved!.data.rows);
  });

  it('refuses a file for a sent month with the form’s own words', async () => {
    const officer = await browserLoggedInAs(baseUrl, demoOfficerBari);
    const page = await officer.get('/osservatorio/comune/2026-10');
    expect(page.body).not.toContain('Importa da file');
    const before = (await eventsOf('2026-10')).length;
    const response = await postFile(officer, page, '/osservatorio/comune/2026-10/importa', {
      name: 'ottobre.csv',
      content: goodCsv,
    });
    expect(response.status).toBe(409);
    expect(pageText(response.body)).toContain(
      'Il mese di ottobre 2026 è già stato inviato ed è bloccato: per modificarlo chiedi lo sblocco.',
    );
    expect((await eventsOf('2026-10')).length).toBe(before);
  });
});
