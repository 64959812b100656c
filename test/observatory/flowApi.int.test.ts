import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiTokensStream } from '../../domain/observatory/apiTokens.js';
import { flowStream } from '../../domain/observatory/monthlyFlowDecider.js';
import {
  demoObservatoryAdmin,
  demoOfficerBari,
  demoOfficerLecce,
  demoUnassociated,
} from '../../src/dev/demoIdentities.js';
import { browserLoggedInAs, type HttpBrowser } from '../support/identityLogin.js';
import { type TestApp } from '../support/testApp.js';
import { backends } from '../support/testDatabase.js';
import { pageText, rowText } from './pageText.js';
import { postFile } from './postFile.js';
import { glassFlowRow, startObservatoryApp, systemContext } from './support.js';
import { handleCommand } from '../../src/platform/eventStore/commandHandler.js';
import {
  municipalityStream,
  officerDecider,
} from '../../domain/observatory/municipalityOfficer.js';

const bari = '072006';
const lecce = '075035';
const unsorted = {
  eer: '20 03 01',
  tonnellate: 1200.5,
  modalita: 'porta-a-porta',
  trasportatore: 'Igiene Srl',
  impianto: 'TMB Bari',
  operazione: 'D8',
};
const glass = {
  eer: '150107',
  tonnellate: '300',
  modalita: 'stradale',
  trasportatore: 'Igiene Srl',
  impianto: 'Piattaforma vetro',
  operazione: 'R5',
};

interface ApiAnswer {
  status: number;
  headers: Headers;
  body: { messaggio?: string; errori?: unknown[] } & Record<string, unknown>;
}

describe.each(backends())('%s: the flows API with a municipality’s token', (backend) => {
  let ctx: TestApp;
  let baseUrl: string;
  const now = new Date('2026-11-20T10:00:00Z');

  beforeAll(async () => {
    ({ ctx, baseUrl } = await startObservatoryApp(backend, () => now));
    await handleCommand(
      ctx.store,
      officerDecider,
      municipalityStream.id(lecce),
      {
        type: 'AssignOfficer',
        istatCode: lecce,
        fiscalCode: demoOfficerLecce.fiscalCode,
        email: 'ambiente@comune.lecce.it',
        reason: 'Richiesta del comune, nota di prova',
        adminId: 'cli',
        institutionalDomains: ['comune.*.it'],
      },
      systemContext(now),
    );
  });
  afterAll(async () => ctx?.close());

  const call = async (
    path: string,
    body: unknown,
    token?: string,
    headers: Record<string, string> = {},
  ): Promise<ApiAnswer> => {
    const response = await fetch(new URL(path, baseUrl), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as ApiAnswer['body'],
    };
  };
  const typesOf = async (istat: string, month: string) =>
    (await ctx.store.readStream(flowStream.id(istat, month))).events.map((event) => event.type);

  /** Issues a token on the page, as the municipality's user does; the token shown once. */
  async function issue(browser: HttpBrowser, istat: string, name: string) {
    await browser.get('/osservatorio/comune/api');
    const page = await browser.post('/osservatorio/comune/api', { comune: istat, nome: name });
    expect(page.status).toBe(200);
    const token = /id="token-nuovo"[^>]*value="([^"]+)"/.exec(page.body)?.[1];
    expect(token).toMatch(/^dich_oss_[\w-]{43}$/);
    return { token: token!, page };
  }

  let bariToken = '';
  let bariKeyId = '';

  it('lets the municipality’s user issue a token, shown once and kept as its hash', async () => {
    const mario = await browserLoggedInAs(baseUrl, demoOfficerBari);
    const dashboard = await mario.get('/osservatorio/comune');
    expect(dashboard.body).toContain('href="/osservatorio/comune/api"');
    const empty = await mario.get('/osservatorio/comune/api');
    expect(empty.status).toBe(200);
    expect(pageText(empty.body)).toContain('Nessun token attivo.');
    const missing = await mario.post('/osservatorio/comune/api', { comune: bari, nome: ' ' });
    expect(missing.status).toBe(422);
    expect(pageText(missing.body)).toContain('Indicare un nome per riconoscere il token.');

    const { token, page } = await issue(mario, bari, 'Gestionale Igiene');
    expect(pageText(page.body)).toContain('Copialo ora: il portale non lo mostrerà più.');
    bariToken = token;
    const { events } = await ctx.store.readStream(apiTokensStream.id(bari));
    expect(events.map((event) => event.type)).toEqual(['ApiTokenIssued']);
    const [issued] = events;
    bariKeyId = issued!.data.keyId as string;
    expect(issued!.data).toEqual({
      istatCode: bari,
      keyId: bariKeyId,
      name: 'Gestionale Igiene',
      secretHash: createHash('sha256').update(token).digest('hex'),
      issuedBy: `cf:${demoOfficerBari.fiscalCode}`,
    });
    expect(issued!.metadata.actor.id).toBe(`cf:${demoOfficerBari.fiscalCode}`);
    expect(issued!.metadata.clientIp).toBe('127.0.0.1');
    expect(JSON.stringify(events.map(({ data, metadata }) => ({ data, metadata })))).not.toContain(
      token,
    );
    const stored = await ctx.test.database.db
      .selectFrom('observatory_api_tokens')
      .selectAll()
      .execute();
    expect(JSON.stringify(stored)).not.toContain(token);

    // Shown once: the page does not show it again, and lists the token as never used.
    const list = await mario.get('/osservatorio/comune/api');
    expect(list.body).not.toContain(token);
    expect(rowText(list.body, 'Gestionale Igiene')).toContain('mai');
  });

  it('saves a draft and files a month with the same rules and events as the form', async () => {
    const path = `/api/osservatorio/flussi/${bari}/2026-10`;
    const draft = await call(path, { righe: [unsorted, glass] }, bariToken);
    expect(draft.status).toBe(200);
    expect(draft.headers.get('content-type')).toMatch(/^application\/json/);
    expect(draft.body).toEqual({
      messaggio: 'Bozza salvata.',
      comune: bari,
      mese: '2026-10',
      stato: 'bozza',
      versione: 0,
      righe: 2,
    });
    const { events } = await ctx.store.readStream(flowStream.id(bari, '2026-10'));
    expect(events.map((event) => event.type)).toEqual(['FlowDraftSaved']);
    expect(events[0]!.data.savedBy).toBe(`api-token:${bariKeyId}`);
    expect(events[0]!.metadata.actor).toEqual({
      id: `api-token:${bariKeyId}`,
      role: 'municipality-api',
    });
    expect(events[0]!.data.rows).toEqual([
      {
        eerCode: '200301',
        tonnes: 1200.5,
        collectionMethod: 'porta-a-porta',
        transporter: 'Igiene Srl',
        destinationPlant: 'TMB Bari',
        operation: 'D8',
      },
      glassFlowRow,
    ]);

    const filed = await call(path, { righe: [unsorted, glass], invia: true }, bariToken, {
      'idempotency-key': 'ottobre-2026-invio',
    });
    expect(filed.status).toBe(201);
    expect(filed.body).toMatchObject({ stato: 'inviato', versione: 1, righe: 2 });
    // A retry with the same key counts once.
    const retried = await call(path, { righe: [unsorted, glass], invia: true }, bariToken, {
      'idempotency-key': 'ottobre-2026-invio',
    });
    expect(retried.status).toBe(201);
    expect(await typesOf(bari, '2026-10')).toEqual(['FlowDraftSaved', 'MonthlyFlowSubmitted']);
    // The same key for another request is another command, answered for what was recorded.
    const june = '/api/osservatorio/flussi/072006/2026-06';
    const draftWithKey = await call(june, { righe: [glass] }, bariToken, {
      'idempotency-key': 'giugno-2026',
    });
    expect(draftWithKey.status).toBe(200);
    const sentWithKey = await call(june, { righe: [glass], invia: true }, bariToken, {
      'idempotency-key': 'giugno-2026',
    });
    expect(sentWithKey.status).toBe(201);
    expect(sentWithKey.body).toMatchObject({ messaggio: 'Mese inviato.', stato: 'inviato' });
    expect(await typesOf(bari, '2026-06')).toEqual(['FlowDraftSaved', 'MonthlyFlowSubmitted']);

    // Filed, the month is locked: the form's words, as a conflict.
    const locked = await call(path, { righe: [glass] }, bariToken);
    expect(locked.status).toBe(409);
    expect(locked.body.messaggio).toBe(
      'Il mese di ottobre 2026 è già stato inviato ed è bloccato: per modificarlo chiedi lo sblocco.',
    );
    expect(await typesOf(bari, '2026-10')).toEqual(['FlowDraftSaved', 'MonthlyFlowSubmitted']);

    // The page shows when the token was last used.
    const mario = await browserLoggedInAs(baseUrl, demoOfficerBari);
    const list = await mario.get('/osservatorio/comune/api');
    expect(rowText(list.body, 'Gestionale Igiene')).toContain('20/11/2026');
    expect(rowText(list.body, 'Gestionale Igiene')).toContain('da 127.0.0.1');
  });

  it('answers 422 with every row’s errors by field, and appends nothing', async () => {
    const path = `/api/osservatorio/flussi/${bari}/2026-09`;
    const invalid = await call(
      path,
      {
        righe: [
          { ...unsorted, tonnellate: 0 },
          { ...glass, eer: '99 99 99', trasportatore: '' },
          unsorted,
        ],
      },
      bariToken,
    );
    expect(invalid.status).toBe(422);
    expect(invalid.body).toEqual({
      messaggio: 'Dati non validi: 3 errori.',
      errori: [
        { riga: 1, campo: 'tonnellate', messaggio: 'La quantità deve essere maggiore di zero.' },
        {
          riga: 2,
          campo: 'eer',
          messaggio: 'Codice EER non presente nell’elenco dei rifiuti urbani.',
        },
        { riga: 2, campo: 'trasportatore', messaggio: 'Indicare il trasportatore.' },
      ],
    });
    const repeated = await call(path, { righe: [unsorted, unsorted] }, bariToken);
    expect(repeated.status).toBe(422);
    expect(repeated.body.errori).toEqual([
      {
        riga: 2,
        campo: 'eer',
        messaggio: 'Questa riga ripete la riga 1: somma le quantità in una sola riga.',
      },
    ]);
    const shapeless = await call(path, { righe: 'tutte', invia: 'sì' }, bariToken);
    expect(shapeless.status).toBe(422);
    expect(shapeless.body.errori).toEqual([
      { campo: 'righe', messaggio: '«righe» deve essere un elenco di righe.' },
      { campo: 'invia', messaggio: '«invia» deve essere true o false.' },
    ]);
    const empty = await call(path, { righe: [], invia: true }, bariToken);
    expect(empty.status).toBe(422);
    expect(empty.body.messaggio).toBe('Inserire almeno una riga con i rifiuti raccolti nel mese.');
    expect(await typesOf(bari, '2026-09')).toEqual([]);
  });

  it('refuses a request without a valid token with 401, and a token of another municipality with 403', async () => {
    const lecceMonth = `/api/osservatorio/flussi/${lecce}/2026-10`;
    const without = await call(lecceMonth, { righe: [glass] });
    expect(without.status).toBe(401);
    expect(without.headers.get('www-authenticate')).toBe('Bearer realm="osservatorio"');
    expect(without.body.messaggio).toMatch(/^Autenticazione mancante/);
    const forged = await call(lecceMonth, { righe: [glass] }, `dich_oss_${'A'.repeat(43)}`);
    expect(forged.status).toBe(401);
    expect(forged.body.messaggio).toBe('Token non valido.');

    const lucia = await browserLoggedInAs(baseUrl, demoOfficerLecce);
    const { token: lecceToken } = await issue(lucia, lecce, 'Gestionale Lecce');
    const crossed = await call(lecceMonth, { righe: [glass] }, bariToken);
    expect(crossed.status).toBe(403);
    expect(crossed.body.messaggio).toBe(
      'Il token è del comune 072006: non può inviare i dati del comune 075035.',
    );
    const other = await call(
      `/api/osservatorio/flussi/${bari}/2026-09`,
      { righe: [glass] },
      lecceToken,
    );
    expect(other.status).toBe(403);
    expect(await typesOf(lecce, '2026-10')).toEqual([]);
    expect(await typesOf(bari, '2026-09')).toEqual([]);
    // Its own municipality's months, it may.
    expect((await call(lecceMonth, { righe: [glass] }, lecceToken)).status).toBe(200);
  });

  it('refuses a revoked token at once, and keeps the revocation in the log', async () => {
    const mario = await browserLoggedInAs(baseUrl, demoOfficerBari);
    const { token } = await issue(mario, bari, 'Da revocare');
    const path = `/api/osservatorio/flussi/${bari}/2026-08`;
    expect((await call(path, { righe: [glass] }, token)).status).toBe(200);
    const list = await mario.get('/osservatorio/comune/api');
    const form = list.body.split('<form').find((part) => part.includes('il token Da revocare'));
    const keyId = /\/osservatorio\/comune\/api\/([0-9a-f-]{36})\/revoca"/.exec(form ?? '')?.[1];
    expect(keyId).toBeDefined();
    const revoked = await mario.post(`/osservatorio/comune/api/${keyId}/revoca`, { comune: bari });
    expect(revoked.status).toBe(303);
    expect(revoked.location).toMatch(/\/osservatorio\/comune\/api\?esito=revocato$/);

    const refused = await call(path, { righe: [unsorted] }, token);
    expect(refused.status).toBe(401);
    expect(refused.body.messaggio).toMatch(/^Token revocato/);
    expect(await typesOf(bari, '2026-08')).toEqual(['FlowDraftSaved']);
    const { events } = await ctx.store.readStream(apiTokensStream.id(bari));
    expect(events.map((event) => event.type)).toEqual([
      'ApiTokenIssued',
      'ApiTokenIssued',
      'ApiTokenRevoked',
    ]);
    expect(events[2]!.data).toEqual({
      istatCode: bari,
      keyId,
      name: 'Da revocare',
      revokedBy: `cf:${demoOfficerBari.fiscalCode}`,
    });
    const page = await mario.get('/osservatorio/comune/api?esito=revocato');
    expect(pageText(page.body)).toContain('Token revocati');
    expect(rowText(page.body, 'Da revocare')).toContain('20/11/2026');
    // The other token still works.
    expect((await call(path, { righe: [glass] }, bariToken)).status).toBe(200);
  });

  it('does not let a delegate of the collector issue or revoke tokens, but import a file', async () => {
    const mario = await browserLoggedInAs(baseUrl, demoOfficerBari);
    await mario.get('/osservatorio/comune/deleghe');
    const delegated = await mario.post('/osservatorio/comune/deleghe', {
      comune: bari,
      codiceFiscale: demoUnassociated.fiscalCode,
      email: 'elena.neri@ecologia.example',
      gestore: 'Ecologia Bari S.p.A.',
      dal: '2026-10',
      al: '2026-11',
    });
    expect(delegated.status).toBe(303);
    const elena = await browserLoggedInAs(baseUrl, demoUnassociated);
    const dashboard = await elena.get('/osservatorio/comune');
    expect(dashboard.body).not.toContain('href="/osservatorio/comune/api"');
    expect((await elena.get('/osservatorio/comune/api')).status).toBe(403);
    const before = (await ctx.store.readStream(apiTokensStream.id(bari))).events.length;
    const posted = await elena.post('/osservatorio/comune/api', { comune: bari, nome: 'Mio' });
    expect(posted.status).toBe(403);
    expect(pageText(posted.body)).toContain('Operazione riservata agli utenti del comune');
    const revoke = await elena.post(`/osservatorio/comune/api/${bariKeyId}/revoca`, {
      comune: bari,
    });
    expect(revoke.status).toBe(403);
    expect((await ctx.store.readStream(apiTokensStream.id(bari))).events.length).toBe(before);

    // A delegate may import a month of its delegation from a file, as it may fill the form.
    const month = await elena.get('/osservatorio/comune/2026-11');
    const imported = await postFile(elena, month, '/osservatorio/comune/2026-11/importa', {
      name: 'novembre.csv',
      content: Buffer.from(
        'Codice EER;Quantità (t);Modalità di raccolta;Trasportatore;Impianto di destinazione;Operazione (R/D)\r\n' +
          '15 01 07;300;stradale;Ecologia Bari;Piattaforma vetro;R5\r\n',
      ),
    });
    expect(imported.status).toBe(303);
    const [draft] = (await ctx.store.readStream(flowStream.id(bari, '2026-11'))).events;
    expect(draft!.type).toBe('FlowDraftSaved');
    expect(draft!.data.savedBy).toBe(`cf:${demoUnassociated.fiscalCode}`);
  });

  it('ends a token with the authorisation of the second user who issued it', async () => {
    const admin = await browserLoggedInAs(baseUrl, demoObservatoryAdmin);
    await admin.get('/osservatorio/admin');
    const authorised = await admin.post('/osservatorio/admin/autorizzazioni', {
      comune: lecce,
      codiceFiscale: demoOfficerBari.fiscalCode,
      email: 'mario@comune.lecce.it',
      documento: 'Prot. 88/2026',
      scadenza: '2026-12-31',
      motivo: 'Sostituzione temporanea della referente',
    });
    expect(authorised.status).toBe(303);
    const mario = await browserLoggedInAs(baseUrl, demoOfficerBari);
    await mario.post('/osservatorio/comuni', { comune: lecce });
    const { token } = await issue(mario, lecce, 'Token del secondo utente');
    const path = '/api/osservatorio/flussi/075035/2026-05';
    expect((await call(path, { righe: [glass] }, token)).status).toBe(200);
    const ended = await admin.post(
      `/osservatorio/admin/autorizzazioni/${lecce}/${demoOfficerBari.fiscalCode}/chiudi`,
      { motivo: 'Rientrata la referente del comune' },
    );
    expect(ended.status).toBe(303);
    const refused = await call(path, { righe: [unsorted] }, token);
    expect(refused.status).toBe(401);
    expect(refused.body.messaggio).toContain('chi lo ha emesso non è più utente del comune');
    expect(await typesOf(lecce, '2026-05')).toEqual(['FlowDraftSaved']);
  });

  // Last: the fixed clock keeps the window open for the rest of the file.
  it('limits the requests of one address, token or not', async () => {
    const path = `/api/osservatorio/flussi/${bari}/2026-07`;
    let last: ApiAnswer | null = null;
    for (let i = 0; i < 61 && last?.status !== 429; i++) last = await call(path, {});
    expect(last!.status).toBe(429);
    expect(last!.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(last!.body.messaggio).toBe('Troppe richieste: riprova tra un minuto.');
  });
});
