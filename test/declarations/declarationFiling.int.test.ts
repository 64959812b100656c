import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileCases, templateCases } from './workbooks/support/badCases.js';
import { checklistEdits, fill } from './workbooks/support/workbookFixtures.js';
import { declarationCases as declarationContentCases } from './workbooks/support/badContentCases.js';
import { sewerLimits } from '../../domain/campaigns/defaultCampaignSettings.js';
import { createStaffAccount, systemContext } from '../../src/accounts/staffAccounts.js';
import {
  registerAndApprove,
  registrationFields,
  seedRegistry,
  certifiedSending,
} from '../support/accounts.js';
import {
  campaignYear,
  commandIdOf,
  filledTemplate,
  labReport,
  openCampaign,
} from '../support/declarations.js';
import {
  createOperator,
  operatorLogin,
  settle,
  signedIn,
  startTestApp,
  type TestApp,
} from '../support/testApp.js';
import { backends } from '../support/testDatabase.js';
import { pdfText } from './pdf/pdfText.js';

describe.each(backends())('%s: filing the annual declaration', (backend) => {
  let ctx: TestApp;
  const ditta = { username: 'conceria.santerno', password: 'Segreta-2026' };
  const other = { username: 'officine.reno', password: 'Segreta-2026' };
  const auditor = { username: 'aldo', password: 'Revisore-2026' };
  const base = `/dichiarazioni/${campaignYear}/3007771234`;
  const xlsx = (content: Buffer, filename = 'dichiarazione.xlsx') => ({ filename, content });
  const draft = `declaration-draft-3007771234-${campaignYear}`;
  const types = async (streamId: string) =>
    (await ctx.store.readStream(streamId)).events.map((event) => event.type);
  const unescaped = (html: string) =>
    html.replaceAll('&#39;', "'").replaceAll('&quot;', '"').replaceAll('&amp;', '&');

  beforeAll(async () => {
    // Mid-January 2026: the 2025 declaration is on time until the 31st.
    ctx = await startTestApp({ backend, now: () => new Date('2026-01-20T09:30:00Z') });
    await createOperator(ctx);
    await seedRegistry(ctx.test.database.db, [
      ['7771234567', '3007771234', 'Conceria Santerno SPA'],
      ['5557654321', '3005557654', 'Officine Reno SRL'],
    ]);
    await registerAndApprove(
      ctx,
      'ditta',
      registrationFields(
        { ...ditta, fullName: 'Carla Santerno', email: 'carla@conceria.example' },
        [{ customerCode: '7771234567', contracts: ['3007771234'] }],
      ),
    );
    await registerAndApprove(
      ctx,
      'ditta',
      registrationFields({ ...other, fullName: 'Oreste Reno', email: 'oreste@reno.example' }, [
        { customerCode: '5557654321', contracts: ['3005557654'] },
      ]),
    );
    await openCampaign(ctx);
  });
  afterAll(async () => ctx.close());

  it('lists the contract as selectable in step 1 and serves every template, alone or zipped', async () => {
    const client = await signedIn(ctx, ditta);
    const page = await client.get('/dichiarazioni');
    expect(page.body).toContain('Selezione contratto');
    expect(page.body).toContain(`href="${base}"`);
    for (const name of ['dichiarazione', 'analisi', 'checklist', 'formule', 'privacy', 'tutti']) {
      const template = await client.get(`${base}/modelli/${name}`);
      expect(template.statusCode, name).toBe(200);
      expect(template.headers['content-disposition']).toMatch(/^attachment; filename="/);
    }
    expect((await client.get(`${base}/modelli/nessuno`)).statusCode).toBe(404);
  });

  it('answers another company’s contract as it answers one that does not exist', async () => {
    const stranger = await signedIn(ctx, other);
    const unknown = `/dichiarazioni/${campaignYear}/3000000000`;
    const page = (body: string) =>
      body.replace(/name="_csrf" value="[^"]+"/g, '').replace(/"x-csrf-token": "[^"]+"/g, '');
    const missing = await stranger.get(unknown);
    expect(missing.statusCode).toBe(404);
    for (const step of [
      '',
      '/modelli/dichiarazione',
      '/modelli/tutti',
      '/validazione',
      '/anteprima.pdf',
    ]) {
      const theirs = await stranger.get(`${base}${step}`);
      expect(theirs.statusCode, step).toBe(404);
      expect(page(theirs.body), step).toBe(page(missing.body));
    }
    const posted = await stranger.postMultipart(base, { visionato: 'si' }, {});
    expect(posted.statusCode).toBe(404);
    expect(page(posted.body)).toBe(page(missing.body));
    const sent = await stranger.post(`${base}/invia`, {});
    expect(sent.statusCode).toBe(404);
    expect(page(sent.body)).toBe(page(missing.body));
    expect((await stranger.get(`/dichiarazioni/1999/3007771234`)).statusCode).toBe(404);
    const { events } = await ctx.store.readStream('contract-3007771234');
    expect(events.map((event) => event.type)).not.toContain('DeclarationSubmitted');
  });

  it('keeps every accepted file in the draft when the form comes back: the "visionato" box, the declaration, analyses and report together', async () => {
    const client = await signedIn(ctx, ditta);
    await client.get(base);
    const empty = await client.postMultipart(
      base,
      { 'email-notifica': 'carla@conceria.example' },
      {},
    );
    expect(empty.statusCode).toBe(422);
    expect(empty.body).toContain(
      'Per proseguire dichiara di aver visionato tutti i documenti scaricati.',
    );
    expect(empty.body).toContain('Caricare il file Excel della dichiarazione.');
    const onlyAnalyses = await client.postMultipart(
      base,
      { 'email-notifica': 'carla@conceria.example' },
      {
        dichiarazione: xlsx(await filledTemplate(client, base, 'dichiarazione')),
        analisi: xlsx(await filledTemplate(client, base, 'analisi'), 'analisi.xlsx'),
      },
    );
    expect(onlyAnalyses.statusCode).toBe(422);
    expect(onlyAnalyses.body).toContain('entrambi o nessuno');
    expect(onlyAnalyses.body).toContain('Per proseguire dichiara di aver visionato');
    expect(await types('contract-3007771234')).not.toContain('DeclarationPrepared');
    expect(await types(draft)).toEqual(['DeclarationFileUploaded', 'DeclarationFileUploaded']);

    // Back later: the two files are there, as already uploaded; one is taken out.
    const again = await client.get(base);
    expect(again.body).toMatch(/Già caricato: <strong>dichiarazione\.xlsx<\/strong>/);
    expect(again.body).toMatch(/Già caricato: <strong>analisi\.xlsx<\/strong>/);
    const removed = await client.postMultipart(
      base,
      { 'email-notifica': 'carla@conceria.example', rimuovi: 'analisi' },
      {},
    );
    expect(removed.statusCode).toBe(422);
    expect(removed.body).not.toContain('entrambi o nessuno');
    expect(removed.body).not.toMatch(/Già caricato: <strong>analisi\.xlsx/);
    const { events } = await ctx.store.readStream(draft);
    expect(events.at(-1)).toMatchObject({
      type: 'DeclarationFileRemoved',
      data: { slot: 'analisi', filename: 'analisi.xlsx', reason: 'rimosso' },
      metadata: { actor: { role: 'declarant' } },
    });
  });

  it('names a wrong template on the errors page and keeps the file in the draft, to be replaced', async () => {
    const client = await signedIn(ctx, ditta);
    await client.get(base);
    const analyses = await filledTemplate(client, base, 'analisi');
    const response = await client.postMultipart(
      base,
      { visionato: 'si', 'email-notifica': 'carla@conceria.example' },
      { dichiarazione: xlsx(analyses, 'analisi-per-errore.xlsx') },
    );
    expect(response.statusCode).toBe(422);
    expect(response.body).toContain('I file caricati contengono errori');
    expect(response.body).toContain('<td>Dichiarazione</td>');
    expect(response.body).not.toContain('<td>dichiarazione</td>');
    expect(response.body).toContain('I file restano salvati nella bozza');
    const { events } = await ctx.store.readStream(draft);
    expect(events.slice(-2).map((event) => [event.type, event.data.reason ?? null])).toEqual([
      ['DeclarationFileRemoved', 'sostituito'],
      ['DeclarationFileUploaded', null],
    ]);
    expect((await client.get(base)).body).toMatch(
      /Già caricato: <strong>analisi-per-errore\.xlsx<\/strong>/,
    );
    expect(await types('contract-3007771234')).not.toContain('DeclarationPrepared');
  });

  it('refuses a file that is not acceptable at all with its message, storing nothing; a readable workbook with wrong content stays in the draft', async () => {
    const client = await signedIn(ctx, ditta);
    await client.get(base);
    const documents = async () =>
      (await ctx.test.database.db.selectFrom('documents').select('sha256').execute()).length;
    const refusable = fileCases.filter((c) => c.kind === 'dichiarazione');
    expect(refusable.length).toBeGreaterThanOrEqual(15);
    const stored = await documents();
    const uploads = (await types(draft)).length;
    for (const c of refusable) {
      const response = await client.postMultipart(
        base,
        { visionato: 'si', 'email-notifica': 'carla@conceria.example' },
        { dichiarazione: xlsx(Buffer.from(await c.make())) },
      );
      expect(response.statusCode, c.name).toBe(422);
      expect(unescaped(response.body), c.name).toContain(c.problem);
      // The file before it is still the draft's, shown as uploaded.
      expect(response.body, c.name).toMatch(/Già caricato: <strong>analisi-per-errore\.xlsx/);
    }
    expect(await documents()).toBe(stored);
    expect((await types(draft)).length).toBe(uploads);

    const readable = [...templateCases, ...declarationContentCases].filter(
      (c) => c.kind === 'dichiarazione',
    );
    for (const c of readable) {
      const response = await client.postMultipart(
        base,
        { visionato: 'si', 'email-notifica': 'carla@conceria.example' },
        { dichiarazione: xlsx(Buffer.from(await c.make()), `${c.code}.xlsx`) },
      );
      expect(response.statusCode, c.name).toBe(422);
      expect(response.body, c.name).toContain('I file caricati contengono errori');
    }
    expect(await documents()).toBe(stored + readable.length);
    expect(await types('contract-3007771234')).not.toContain('DeclarationPrepared');
    expect((await client.get('/healthz')).statusCode).toBe(200);
  });

  it('takes any number of attachments up to the stated bound, the next empty row from htmx', async () => {
    const client = await signedIn(ctx, other);
    const theirs = `/dichiarazioni/${campaignYear}/3005557654`;
    const page = await client.get(theirs);
    expect(page.body).toContain(
      'fino a 20 allegati in tutto, di 10 MB ciascuno, e fino a 10 per volta, con al massimo 50 MB di file in ogni invio del modulo',
    );
    expect(page.body).toMatch(
      /<button type="submit" id="aggiungi-allegato" name="azione" value="aggiungi-allegato"[^>]*hx-get="[^"]+\/allegati\/riga"/,
    );

    const row = await client.get(`${theirs}/allegati/riga?indice=2`, { 'hx-request': 'true' });
    expect(row.statusCode).toBe(200);
    expect(row.body).not.toContain('<html');
    expect(row.body).toContain('id="allegato-2"');
    expect(row.body).toContain('id="descrizione-2"');
    expect(row.body).toMatch(
      /id="aggiungi-allegato"[^>]*hx-vals='\{"indice": "3"\}'[^>]*hx-swap-oob/,
    );
    expect(row.body).toMatch(/id="righe-allegati" name="righe-allegati" value="2" hx-swap-oob/);
    expect(row.headers.vary).toContain('HX-Request');
    const plain = await client.get(`${theirs}/allegati/riga?indice=2`);
    expect([plain.statusCode, plain.headers.location]).toEqual([303, `${theirs}?righe=2`]);
    expect((await client.get(`${theirs}?righe=3`)).body).toContain('id="allegato-3"');

    const pdfs = (from: number, count: number) =>
      Object.fromEntries(
        Array.from({ length: count }, (_, i) => [
          `allegato-${i + 1}`,
          { filename: `allegato-${from + i}.pdf`, content: Buffer.from(`%PDF-1.4 ${from + i}`) },
        ]),
      );
    const fields = { 'email-notifica': 'oreste@reno.example', azione: 'aggiungi-allegato' };
    await client.postMultipart(theirs, { ...fields, 'righe-allegati': '10' }, pdfs(1, 10));
    await client.postMultipart(theirs, { ...fields, 'righe-allegati': '10' }, pdfs(11, 10));
    const full = await client.get(theirs);
    expect(full.body.match(/Già caricato: <strong>allegato-\d+\.pdf/g)).toHaveLength(20);
    expect(full.body).toContain('Hai raggiunto il numero massimo di allegati');
    expect(full.body).not.toContain('id="allegato-1"');
    const over = await client.postMultipart(
      theirs,
      { ...fields, 'righe-allegati': '1' },
      pdfs(21, 1),
    );
    expect(over.statusCode).toBe(422);
    expect(over.body).toContain(
      'Sono già stati caricati 20 allegati, il massimo: non è stato aggiunto allegato-21.pdf.',
    );
    const uploads = (await types(`declaration-draft-3005557654-${campaignYear}`)).filter(
      (type) => type === 'DeclarationFileUploaded',
    );
    expect(uploads).toHaveLength(20);
  });

  it('lets an operator set the contract’s own limits, with the reason why', async () => {
    const limitsPage = `/operatori/campagne/${campaignYear}/contratti/3007771234/limiti`;
    const cod = sewerLimits.findIndex((limit) => limit.parameter === 'COD');
    const form = (motivo: string) => ({
      [`limiti[${cod}][parametro]`]: 'COD',
      [`limiti[${cod}][massimo]`]: '300',
      motivo,
    });
    const operator = await signedIn(ctx, operatorLogin);
    const campaign = await operator.get(`/operatori/campagne/${campaignYear}`);
    expect(campaign.body).toContain(`href="${limitsPage}"`);
    const page = await operator.get(limitsPage);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Limiti allo scarico del contratto 3007771234');
    expect(page.body).toContain('Nessun limite proprio impostato finora');
    const unexplained = await operator.post(limitsPage, form(''));
    expect(unexplained.statusCode).toBe(422);
    expect(unexplained.body).toContain('Indica il motivo');
    const saved = await operator.post(limitsPage, form('Autorizzazione allo scarico n. 12/2024'));
    expect(saved.headers.location).toBe(`${limitsPage}?esito=salvati`);
    const { events } = await ctx.store.readStream('discharge-limits-3007771234');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'ContractLimitsSet',
      data: {
        limits: [{ parameter: 'COD', min: null, max: 300 }],
        reason: 'Autorizzazione allo scarico n. 12/2024',
      },
      metadata: { actor: { role: 'operator' } },
    });
    const after = await operator.get(`${limitsPage}?esito=salvati`);
    expect(after.body).toContain('Limiti del contratto salvati.');
    expect(after.body).toMatch(
      /Olga Operatrice · 1 parametri con limite proprio · Autorizzazione allo scarico n\. 12\/2024/,
    );
    const company = await signedIn(ctx, ditta);
    expect((await company.get(limitsPage)).statusCode).toBe(403);
  });

  it('validates, previews, files once with a protocol number, and mails the copy of record', async () => {
    const client = await signedIn(ctx, ditta);
    await client.get(base);
    const uploaded = await client.postMultipart(
      base,
      {
        visionato: 'si',
        'email-notifica': 'ufficio@conceria.example',
        'descrizione-1': 'Planimetria',
      },
      {
        dichiarazione: xlsx(await filledTemplate(client, base, 'dichiarazione')),
        analisi: xlsx(await filledTemplate(client, base, 'analisi'), 'analisi.xlsx'),
        'rapporto-di-prova': labReport,
        checklist: xlsx(
          await fill((await client.get(`${base}/modelli/checklist`)).rawPayload, checklistEdits),
          'checklist.xlsx',
        ),
        'allegato-1': { filename: 'planimetria.pdf', content: Buffer.from('%PDF-1.4 planimetria') },
      },
    );
    expect(uploaded.statusCode, uploaded.body).toBe(303);
    expect(uploaded.headers.location).toBe(`${base}/validazione`);
    const validation = await client.get(`${base}/validazione`);
    expect(validation.body).toContain('Il file Excel con i dati della dichiarazione è valido');
    expect(validation.body).toContain('Nessun errore rilevato');
    const preview = await client.get(`${base}/anteprima.pdf`);
    expect(preview.headers['content-type']).toBe('application/pdf');
    expect(await pdfText(preview.rawPayload)).toContain('ANTEPRIMA');

    // "Aggiungi allegato" without JavaScript: the chosen file goes into the draft, a row is added,
    // and what was validated no longer stands until AVANTI again.
    const added = await client.postMultipart(
      base,
      {
        visionato: 'si',
        'email-notifica': 'ufficio@conceria.example',
        'righe-allegati': '1',
        'descrizione-1': 'Foto dei contatori',
        azione: 'aggiungi-allegato',
      },
      { 'allegato-1': { filename: 'foto.pdf', content: Buffer.from('%PDF-1.4 foto') } },
    );
    expect(added.statusCode).toBe(200);
    expect(added.body).toMatch(/Già caricato: <strong>foto\.pdf<\/strong> — Foto dei contatori/);
    expect(added.body).toContain('id="allegato-1"');
    expect(added.body).not.toContain('id="allegato-2"');
    expect(added.body).toContain('fino a 20 allegati in tutto');
    const stale = await client.get(`${base}/validazione`);
    expect([stale.statusCode, stale.headers.location]).toEqual([303, base]);
    const staleSend = await client.post(`${base}/invia`, {
      commandId: 'stale-command-id',
      ...certifiedSending(),
    });
    expect([staleSend.statusCode, staleSend.headers.location]).toEqual([303, base]);
    expect(await types('contract-3007771234')).not.toContain('DeclarationSubmitted');
    const avanti = await client.postMultipart(
      base,
      { visionato: 'si', 'email-notifica': 'ufficio@conceria.example' },
      {},
    );
    expect(avanti.headers.location).toBe(`${base}/validazione`);

    // COD 320 mg/l is within Tabella 3 but above the contract's own 300: a warning to confirm.
    const warned = await client.get(`${base}/validazione`);
    expect(warned.body).toContain(
      'COD: 320 mg/l supera il limite fissato per il contratto di 300 mg/l (campione del 15/10/2025).',
    );
    expect(warned.body).toContain('(Analisi chimiche (Excel), foglio Analisi, cella F2)');
    const unconfirmed = await client.post(`${base}/invia`, {
      commandId: commandIdOf(warned.body),
      ...certifiedSending(),
    });
    expect(unconfirmed.statusCode).toBe(422);
    expect(unconfirmed.body).toContain('Conferma di aver letto le segnalazioni prima di inviare.');
    expect(unconfirmed.body).toMatch(/id="conferma-segnalazioni"[^>]*aria-invalid="true"/);
    // Nor the box nor the legal representative: both said at once.
    const neither = await client.post(`${base}/invia`, {
      commandId: commandIdOf(warned.body),
      ...certifiedSending(),
      'legale-rappresentante': '',
    });
    expect(neither.statusCode).toBe(422);
    expect(neither.body).toMatch(/id="conferma-segnalazioni"[^>]*aria-invalid="true"/);
    expect(neither.body).toContain(
      'Indica il nome e cognome del legale rappresentante della ditta.',
    );
    expect(await types('contract-3007771234')).not.toContain('DeclarationSubmitted');
    const previewWithLimit = await pdfText((await client.get(`${base}/anteprima.pdf`)).rawPayload);
    expect(previewWithLimit).toMatch(/COD\s+mg\/l\s+320\s+max 300 mg\/l\s+OLTRE IL LIMITE/);

    const commandId = commandIdOf(unconfirmed.body);
    const confirmed = { commandId, 'conferma-segnalazioni': 'si', ...certifiedSending() };
    const [first, second] = await Promise.all([
      client.post(`${base}/invia`, confirmed),
      client.post(`${base}/invia`, confirmed),
    ]);
    expect([first.statusCode, second.statusCode]).toEqual([303, 303]);
    const again = await client.post(`${base}/invia`, {
      commandId: 'another-command-id',
      ...certifiedSending(),
    });
    expect(again.headers.location).toBe(`${base}/risultato`);
    const withQuery = await client.post(`${base}/invia?x=1`, {
      commandId: 'one-more-command-id',
      ...certifiedSending(),
    });
    expect(withQuery.headers.location).toBe(`${base}/risultato`);
    const { events } = await ctx.store.readStream('contract-3007771234');
    expect(events.filter((event) => event.type === 'DeclarationSubmitted')).toHaveLength(1);
    expect(events.filter((event) => event.type === 'DeclarationProtocolled')).toHaveLength(1);
    const filed = events.find((event) => event.type === 'DeclarationSubmitted')!;
    expect(filed.data).toMatchObject({
      warningsAcknowledged: true,
      contractLimits: [{ parameter: 'COD', min: null, max: 300 }],
    });
    const answers = filed.data.checklist as { number: number; answer: boolean }[];
    expect(answers.map((a) => a.answer)).toEqual(Array.from({ length: 12 }, (_, i) => i % 3 === 0));

    // The copy of record follows the number, out of the request.
    await settle(ctx);
    const stored = (await ctx.store.readStream('contract-3007771234')).events;
    expect(stored.filter((event) => event.type === 'CopyOfRecordStored')).toHaveLength(1);
    const result = await client.get(`${base}/risultato`);
    expect(result.body).toContain(
      'Tutti i documenti caricati sul portale sono stati inviati con successo.',
    );
    expect(result.body).toContain('2025/000001');
    expect(result.body).not.toContain('in preparazione');
    const links = await client.get(`${base}/risultato/copia`, { 'hx-request': 'true' });
    expect(links.body).not.toContain('<html');
    expect(links.body).not.toContain('hx-trigger');
    expect(links.body).toContain(`${base}/copia.pdf`);
    const copy = await client.get(`${base}/copia.pdf`);
    const text = await pdfText(copy.rawPayload);
    expect(text).toContain('2025/000001');
    expect(text).toContain('3007771234');
    expect(text).toContain('Check-list dei fattori di rischio');
    expect(text).toMatch(/Lo scarico contiene, anche saltuariamente, sostanze pericolose\?\s+No/);

    await settle(ctx);
    const mail = await ctx.test.database.db
      .selectFrom('mail_outbox')
      .selectAll()
      .where('to_address', '=', 'ufficio@conceria.example')
      .executeTakeFirstOrThrow();
    expect(mail.subject).toContain('protocollo 2025/000001');
    expect(mail.attachments.map((a) => a.filename)).toEqual([
      'dichiarazione-2025-000001.pdf',
      'ricevuta-registro-2025-000001.json',
    ]);
    expect(Buffer.from(mail.attachments[0]!.contentBase64, 'base64').equals(copy.rawPayload)).toBe(
      true,
    );
  });

  it('shows the contract as declared, re-sends the copy, and lets operators see the campaign', async () => {
    const client = await signedIn(ctx, ditta);
    const home = await client.get('/dichiarazioni');
    expect(home.body).toContain('già inviata (protocollo 2025/000001)');
    await client.get(`${base}/risultato`);
    const resent = await client.post(`${base}/reinvia`, {});
    expect(resent.headers.location).toBe(`${base}/risultato?esito=reinviata`);
    await settle(ctx);
    const mails = await ctx.test.database.db
      .selectFrom('mail_outbox')
      .select('id')
      .where('to_address', '=', 'ufficio@conceria.example')
      .execute();
    expect(mails).toHaveLength(2);

    const operator = await signedIn(ctx, operatorLogin);
    const campaign = await operator.get(`/operatori/campagne/${campaignYear}`);
    expect(campaign.body).toMatch(/1 \/ 2<\/div>dichiarate \/ attese/);
    const csv = await operator.get(
      `/operatori/campagne/${campaignYear}/dichiarazioni.csv?stato=mancanti`,
    );
    expect(csv.body).toMatch(/^3005557654;5557654321;[^;]+;mancante;/m);
    expect(csv.body).not.toContain('3007771234');
    expect((await operator.get(`${base}/copia.pdf`)).statusCode).toBe(200);
    expect((await (await signedIn(ctx, other)).get(`${base}/copia.pdf`)).statusCode).toBe(404);
  });

  it('lets the declarant and the operators re-send the copy, a few times an hour, never an auditor', async () => {
    const resends = async () =>
      (await ctx.store.readStream('contract-3007771234')).events.filter(
        (event) => event.type === 'CopyOfRecordResent',
      ).length;
    expect(await resends()).toBe(1);
    await createStaffAccount(
      ctx.store,
      { role: 'auditor', ...auditor, fullName: 'Aldo Revisore', email: 'aldo@gestore.example' },
      systemContext(new Date()),
    );
    await settle(ctx);
    const reader = await signedIn(ctx, auditor);
    const page = await reader.get(`${base}/risultato`);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('/reinvia');
    expect((await reader.post(`${base}/reinvia`, {})).statusCode).toBe(403);
    expect((await (await signedIn(ctx, other)).post(`${base}/reinvia`, {})).statusCode).toBe(404);
    expect(await resends()).toBe(1);

    const operator = await signedIn(ctx, operatorLogin);
    await operator.get(`${base}/risultato`);
    expect((await operator.post(`${base}/reinvia`, {})).statusCode).toBe(303);
    const client = await signedIn(ctx, ditta);
    await client.get(`${base}/risultato`);
    expect((await client.post(`${base}/reinvia`, {})).statusCode).toBe(303);
    expect(await resends()).toBe(3);
    const refused = await client.post(`${base}/reinvia`, {});
    expect(refused.statusCode).toBe(429);
    expect(refused.body.replaceAll('&#39;', "'")).toContain(
      "La copia è già stata reinviata 3 volte nell'ultima ora: potrai chiedere un nuovo invio dalle 11:30.",
    );
    expect(await resends()).toBe(3);
  });
});
