import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAndApprove, registrationFields, seedRegistry } from '../support/accounts.js';
import type { TestClient } from '../support/client.js';
import { campaignYear, filledTemplate, labReport, openCampaign } from '../support/declarations.js';
import { createOperator, signedIn, startTestApp, type TestApp } from '../support/testApp.js';
import { fileCases } from './workbooks/support/badCases.js';
import { checklistEdits, fill, merge, type Edits } from './workbooks/support/workbookFixtures.js';

/**
 * Wrong files of steps 4 and 5 through the upload route, made from the templates the portal hands
 * out for this contract: each gives its Italian message on the errors page, or beside its input
 * when the file cannot be kept at all.
 */
describe('bad analyses, check-lists and documents through the upload route', () => {
  let ctx: TestApp;
  let client: TestClient;
  const ditta = { username: 'fonderia.po', password: 'Segreta-2026' };
  const base = `/dichiarazioni/${campaignYear}/3006661234`;
  const A = 'Analisi';
  const C = 'Check-list';
  const unescaped = (html: string) =>
    html.replaceAll('&#39;', "'").replaceAll('&quot;', '"').replaceAll('&amp;', '&');
  /** The row of the errors table as its cells read: file, sheet, cell, field, problem. */
  const errorRows = (html: string) =>
    [...html.matchAll(/<tr>\s*((?:<td>[\s\S]*?<\/td>\s*)+)<\/tr>/g)].map((row) =>
      [...row[1]!.matchAll(/<td>([\s\S]*?)<\/td>/g)].map((cell) => unescaped(cell[1]!.trim())),
    );
  const post = (files: Parameters<TestClient['postMultipart']>[2]) =>
    client.postMultipart(
      base,
      { visionato: 'si', 'email-notifica': 'po@fonderia.example', 'righe-allegati': '3' },
      files,
    );
  const documents = async () =>
    (await ctx.test.database.db.selectFrom('documents').select('sha256').execute()).length;

  beforeAll(async () => {
    ctx = await startTestApp({ now: () => new Date('2026-01-20T09:30:00Z') });
    await createOperator(ctx);
    await seedRegistry(ctx.test.database.db, [['6661234567', '3006661234', 'Fonderia Po SRL']]);
    await registerAndApprove(
      ctx,
      'ditta',
      registrationFields({ ...ditta, fullName: 'Paolo Po', email: 'po@fonderia.example' }, [
        { customerCode: '6661234567', contracts: ['3006661234'] },
      ]),
    );
    await openCampaign(ctx);
    client = await signedIn(ctx, ditta);
    await client.get(base);
    // A valid declaration, analyses and lab report stay in the draft; each case replaces a file.
    const kept = await post({
      dichiarazione: {
        filename: 'dichiarazione.xlsx',
        content: await filledTemplate(client, base, 'dichiarazione'),
      },
      analisi: { filename: 'analisi.xlsx', content: await filledTemplate(client, base, 'analisi') },
      'rapporto-di-prova': labReport,
    });
    expect(kept.statusCode, kept.body).toBe(303);
  });
  afterAll(async () => ctx.close());

  const analysesCases: { name: string; edits: Edits; cell: string; problem: string }[] = [
    {
      name: 'sample date outside the year',
      edits: { [A]: { A2: '15/03/2024' } },
      cell: 'A2',
      problem: "La data del prelievo (15/03/2024) non è nell'anno 2025.",
    },
    {
      name: 'impossible date',
      edits: { [A]: { A3: '31/02/2025' } },
      cell: 'A3',
      problem: '«31/02/2025» non è una data valida.',
    },
    {
      name: 'unknown parameter',
      edits: { [A]: { D2: 'Uranio (mg/l)' } },
      cell: 'D2',
      problem: 'Il parametro «Uranio (mg/l)» non è tra quelli previsti.',
    },
    {
      name: 'wrong unit',
      edits: { [A]: { E2: 'µg/l' } },
      cell: 'E2',
      problem: 'COD si misura in mg/l, non in «µg/l».',
    },
    {
      name: 'negative concentration',
      edits: { [A]: { F3: -4 } },
      cell: 'F3',
      problem: 'Il valore (-4) è negativo.',
    },
    {
      name: 'laboratory missing',
      edits: { [A]: { B4: null } },
      cell: 'B4',
      problem: 'Il campo «Laboratorio» è vuoto.',
    },
  ];

  it.each(analysesCases)('analyses with $name: its message on the errors page', async (c) => {
    const response = await post({
      analisi: {
        filename: 'analisi.xlsx',
        content: await filledTemplate(client, base, 'analisi', c.edits),
      },
    });
    expect(response.statusCode).toBe(422);
    expect(response.body).toContain('I file caricati contengono errori');
    const [file, sheet, cell, , problem] = errorRows(response.body)[0] ?? [];
    expect([file, sheet, cell, problem]).toEqual([
      'Analisi chimiche (Excel)',
      A,
      c.cell,
      c.problem,
    ]);
  });

  const checklistCases: { name: string; edits: Edits; cell: string; problem: string }[] = [
    {
      name: 'a question unanswered',
      edits: { [C]: { C4: null } },
      cell: 'C4',
      problem: 'Il campo «Risposta alla domanda 3» è vuoto.',
    },
    {
      name: 'an answer neither yes nor no',
      edits: { [C]: { C5: 'Forse' } },
      cell: 'C5',
      problem: '«Forse» non è tra i valori ammessi per «Risposta alla domanda 4».',
    },
  ];

  it.each(checklistCases)('check-list with $name: its message on the errors page', async (c) => {
    const template = (await client.get(`${base}/modelli/checklist`)).rawPayload;
    const response = await post({
      analisi: { filename: 'analisi.xlsx', content: await filledTemplate(client, base, 'analisi') },
      checklist: {
        filename: 'checklist.xlsx',
        content: await fill(template, merge(checklistEdits, c.edits)),
      },
    });
    expect(response.statusCode).toBe(422);
    const rows = errorRows(response.body);
    expect(rows).toHaveLength(1);
    expect([rows[0]![0], rows[0]![1], rows[0]![2], rows[0]![4]]).toEqual([
      'Check list fattori rischio',
      C,
      c.cell,
      c.problem,
    ]);
  });

  it('refuses files that cannot be kept at all, for every slot, beside the input and storing nothing', async () => {
    const stored = await documents();
    const pdfAsWorkbook = fileCases.find((c) => c.code === 'FileIsPdf')!;
    const truncated = fileCases.find((c) => c.code === 'FileCorrupt')!;
    const encrypted = fileCases.find((c) => c.code === 'FileEncrypted')!;
    const response = await post({
      analisi: { filename: 'analisi.xlsx', content: Buffer.from(await pdfAsWorkbook.make()) },
      checklist: { filename: 'checklist.xlsx', content: Buffer.from(await truncated.make()) },
      'documento-identita': {
        filename: 'carta.docx',
        content: Buffer.from('PK\u0003\u0004 not a pdf'),
      },
      'allegato-1': { filename: 'vuoto.pdf', content: Buffer.alloc(0) },
      'allegato-2': { filename: 'calcoli.xlsm', content: Buffer.from('PK\u0003\u0004 macro') },
      'allegato-3': {
        filename: 'calcoli.xlsx',
        content: Buffer.from('PK\u0003\u0004 xl/vbaProject.bin'),
      },
    });
    expect(response.statusCode).toBe(422);
    const body = unescaped(response.body);
    expect(body).toMatch(/id="analisi-error"[^>]*>Il file è un PDF, non un foglio Excel\./);
    expect(body).toMatch(/id="checklist-error"[^>]*>Il file è danneggiato/);
    expect(body).toMatch(
      /id="documento-identita-error"[^>]*>Il documento deve essere un PDF o un’immagine \(JPG o PNG\)\./,
    );
    expect(body).toMatch(/id="allegato-1-error"[^>]*>Il file è vuoto\./);
    for (const row of [2, 3])
      expect(body).toMatch(new RegExp(`id="allegato-${row}-error"[^>]*>Il file contiene macro`));
    const password = await post({
      checklist: { filename: 'checklist.xlsx', content: Buffer.from(await encrypted.make()) },
    });
    expect(unescaped(password.body)).toContain(encrypted.problem);
    expect(await documents()).toBe(stored);
    // The draft still has the files that were right.
    expect(response.body).toMatch(/Già caricato: <strong>dichiarazione\.xlsx<\/strong>/);
    expect(response.body).toMatch(/Già caricato: <strong>rapporto-di-prova\.pdf<\/strong>/);
    expect((await client.get('/healthz')).statusCode).toBe(200);
  });
});
