import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flowStream } from '../../domain/observatory/monthlyFlowDecider.js';
import { municipalityStream } from '../../domain/observatory/municipalityOfficer.js';
import {
  demoObservatoryAdmin,
  demoOfficerBari,
  demoOfficerLecce,
  demoUnassociated,
} from '../../src/dev/demoIdentities.js';
import { browserLoggedInAs, type HttpBrowser } from '../support/identityLogin.js';
import { settle, type TestApp } from '../support/testApp.js';
import { backends } from '../support/testDatabase.js';
import { fieldError, pageText, rowText, sectionText } from './pageText.js';
import { postFile } from './postFile.js';
import { outboxMails } from '../support/declarations.js';
import { startObservatoryApp } from './support.js';

const bari = '072006';
const altamura = '072004';
const lecce = '075035';
const month = (istat: string, rowValues: Record<string, string> = {}) => ({
  commandId: randomUUID(),
  comune: istat,
  azione: 'invia',
  'righe[0][eerCode]': '200301',
  'righe[0][tonnellate]': '812,4',
  'righe[0][modalita]': 'porta-a-porta',
  'righe[0][trasportatore]': 'Igiene Srl',
  'righe[0][impianto]': 'TMB',
  'righe[0][operazione]': 'D8',
  ...rowValues,
});

describe.each(backends())('%s: people who file for several municipalities', (backend) => {
  let ctx: TestApp;
  let baseUrl: string;
  let now = new Date('2026-11-20T10:00:00Z');
  let admin: HttpBrowser;

  beforeAll(async () => {
    ({ ctx, baseUrl } = await startObservatoryApp(backend, () => now));
    await settle(ctx);
    admin = await browserLoggedInAs(baseUrl, demoObservatoryAdmin);
    await admin.get('/osservatorio/admin');
  });
  afterAll(async () => ctx?.close());

  const typesOf = async (streamId: string) =>
    (await ctx.store.readStream(streamId)).events.map((event) => event.type);

  it('lets a person the admin associated with two municipalities pick, switch and file each', async () => {
    const second = await admin.post('/osservatorio/admin/associazioni', {
      comune: altamura,
      codiceFiscale: demoOfficerBari.fiscalCode,
      email: 'ambiente@comune.altamura.ba.it',
      motivo: 'Incaricato anche dal comune di Altamura',
    });
    expect(second.status).toBe(303);
    const users = sectionText((await admin.get('/osservatorio/admin')).body, 'Utenti dei comuni');
    expect(users).toContain('Utente anche di: Altamura');
    expect(users).toContain('Utente anche di: Bari');

    const mario = await browserLoggedInAs(baseUrl, demoOfficerBari);
    const toChoose = await mario.get('/osservatorio/comune/2026-10');
    expect(toChoose.location).toBe(
      `${baseUrl}/osservatorio/comuni?dopo=%2Fosservatorio%2Fcomune%2F2026-10`,
    );
    const choice = pageText((await mario.get(toChoose.location!)).body);
    expect(choice).toContain('Comune di Altamura (BA)');
    expect(choice).toContain('Comune di Bari (BA)');
    // Only its own municipalities: a third is refused, and the session keeps no choice.
    expect((await mario.post('/osservatorio/comuni', { comune: lecce })).status).toBe(403);

    const picked = await mario.post('/osservatorio/comuni', {
      comune: altamura,
      dopo: '/osservatorio/comune/2026-10',
    });
    expect(picked.location).toBe(`${baseUrl}/osservatorio/comune/2026-10`);
    const altamuraPage = await mario.get('/osservatorio/comune/2026-10');
    expect(pageText(altamuraPage.body)).toContain(
      'Comune di Altamura (BA) · come utente del comune',
    );
    expect(altamuraPage.body).toContain('Cambia comune');
    expect((await mario.post('/osservatorio/comune/2026-10', month(altamura))).status).toBe(303);

    // A page of Altamura left open while Bari is chosen in another window files nothing.
    await mario.post('/osservatorio/comuni', { comune: bari });
    const stale = await mario.post('/osservatorio/comune/2026-09', month(altamura));
    expect(stale.status).toBe(409);
    expect(pageText(stale.body)).toContain('Questa pagina era del Comune di Altamura');
    // The same for a file imported from that page (a multipart form).
    await mario.post('/osservatorio/comuni', { comune: altamura });
    const altamuraSeptember = await mario.get('/osservatorio/comune/2026-09');
    await mario.post('/osservatorio/comuni', { comune: bari });
    const staleImport = await postFile(
      mario,
      altamuraSeptember,
      '/osservatorio/comune/2026-09/importa',
      {
        name: 'flussi.csv',
        content: Buffer.from('Codice EER;Quantità (t)\r\n200301;10\r\n', 'utf8'),
      },
    );
    expect(staleImport.status).toBe(409);
    expect(await typesOf(flowStream.id(altamura, '2026-09'))).toEqual([]);
    expect(await typesOf(flowStream.id(bari, '2026-09'))).toEqual([]);

    expect((await mario.post('/osservatorio/comune/2026-10', month(bari))).status).toBe(303);
    const filed = await ctx.store.readStream(flowStream.id(altamura, '2026-10'));
    expect(filed.events.map((event) => [event.type, event.data])).toMatchObject([
      [
        'MonthlyFlowSubmitted',
        { istatCode: altamura, submittedBy: `cf:${demoOfficerBari.fiscalCode}` },
      ],
    ]);
    expect(await typesOf(flowStream.id(bari, '2026-10'))).toEqual(['MonthlyFlowSubmitted']);
  });

  it('admits a second user only on a recorded authorisation, until its expiry', async () => {
    const refused = await admin.post('/osservatorio/admin/autorizzazioni', {
      comune: bari,
      codiceFiscale: demoOfficerLecce.fiscalCode,
      email: 'lucia@comune.bari.it',
      documento: '',
      scadenza: '2026-11-19',
      motivo: 'Assenza prolungata della referente',
    });
    expect(refused.status).toBe(422);
    expect(fieldError(refused.body, 'Riferimento del documento di autorizzazione')).toBe(
      'Indicare il riferimento del documento di autorizzazione (protocollo o numero).',
    );
    const before = await typesOf(municipalityStream.id(bari));
    const badExpiry = await admin.post('/osservatorio/admin/autorizzazioni', {
      comune: bari,
      codiceFiscale: demoOfficerLecce.fiscalCode,
      email: 'lucia@comune.bari.it',
      documento: 'Prot. 4711/2026',
      scadenza: '2026-11-19',
      motivo: 'Assenza prolungata della referente',
    });
    expect(fieldError(badExpiry.body, 'Scadenza')).toBe(
      'Indicare una scadenza successiva a oggi ed entro 3 anni.',
    );
    expect(await typesOf(municipalityStream.id(bari))).toEqual(before);

    const lucia = await browserLoggedInAs(baseUrl, demoOfficerLecce);
    expect((await lucia.get('/osservatorio/comune')).location).toMatch(/\/osservatorio$/);
    const authorised = await admin.post('/osservatorio/admin/autorizzazioni', {
      comune: bari,
      codiceFiscale: demoOfficerLecce.fiscalCode,
      email: 'lucia@comune.bari.it',
      documento: 'Prot. 4711/2026',
      scadenza: '2026-12-31',
      motivo: 'Assenza prolungata della referente',
    });
    expect(authorised.status).toBe(303);
    expect((await ctx.store.readStream(municipalityStream.id(bari))).events.at(-1)).toMatchObject({
      type: 'SecondUserAuthorised',
      data: { documentReference: 'Prot. 4711/2026', expiresOn: '2026-12-31' },
      metadata: { actor: { id: `cf:${demoObservatoryAdmin.fiscalCode}` } },
    });
    const dashboard = await lucia.get('/osservatorio/comune');
    expect(pageText(dashboard.body)).toContain(
      'Comune di Bari (BA) · come secondo utente autorizzato',
    );
    expect(dashboard.body).not.toContain('Cambia comune');

    now = new Date('2027-01-01T10:00:00Z');
    try {
      const afterExpiry = await browserLoggedInAs(baseUrl, demoOfficerLecce);
      expect((await afterExpiry.get('/osservatorio/comune')).location).toMatch(/\/osservatorio$/);
    } finally {
      now = new Date('2026-11-20T10:00:00Z');
    }
  });

  it('lets the municipality delegate its filing, the delegate file but not unlock, and revoke at once', async () => {
    const mario = await browserLoggedInAs(baseUrl, demoOfficerBari);
    await mario.post('/osservatorio/comuni', { comune: bari });
    const form = await mario.get('/osservatorio/comune/deleghe');
    expect(form.status).toBe(200);
    const wrong = await mario.post('/osservatorio/comune/deleghe', {
      comune: bari,
      codiceFiscale: demoUnassociated.fiscalCode,
      email: 'elena.neri@ecologia.example',
      gestore: '',
      dal: '2026-12',
      al: '2026-10',
    });
    expect(wrong.status).toBe(422);
    expect(fieldError(wrong.body, 'Gestore della raccolta')).toBe(
      'Indicare il gestore della raccolta per cui opera la persona delegata.',
    );
    const delegated = await mario.post('/osservatorio/comune/deleghe', {
      comune: bari,
      codiceFiscale: demoUnassociated.fiscalCode,
      email: 'elena.neri@ecologia.example',
      gestore: 'Ecologia Bari S.p.A.',
      dal: '2026-10',
      al: '2026-11',
    });
    expect(delegated.status).toBe(303);
    // The collector's person is told, on its own address, what it may do and where.
    const [mail] = await outboxMails(ctx, 'delega alla compilazione dei flussi del Comune di Bari');
    expect(mail).toMatchObject({ to_address: 'elena.neri@ecologia.example' });
    expect(mail!.text_body).toContain(
      'la compilazione e l’invio dei flussi mensili dei rifiuti urbani da ottobre 2026 a novembre 2026',
    );
    expect(mail!.text_body).toContain('/osservatorio/accesso');

    const elena = await browserLoggedInAs(baseUrl, demoUnassociated);
    expect((await elena.get('/osservatorio')).location).toMatch(/\/osservatorio\/comune$/);
    const dashboard = await elena.get('/osservatorio/comune');
    expect(pageText(dashboard.body)).toContain(
      'Comune di Bari (BA) · come delegato alla compilazione',
    );
    // The months of the delegation only; not the municipality's settings or its delegations.
    expect((await elena.get('/osservatorio/comune/2026-09')).status).toBe(403);
    expect((await elena.get('/osservatorio/comune/deleghe')).status).toBe(403);
    expect(
      (await elena.post('/osservatorio/comune/promemoria', { promemoria: 'disattivati' })).status,
    ).toBe(403);
    expect((await elena.post('/osservatorio/comuni', { comune: lecce })).status).toBe(403);
    expect(
      (await elena.post('/osservatorio/comune/2026-11', month(bari, { azione: 'bozza' }))).status,
    ).toBe(303);
    // October was filed by Mario: a delegate cannot ask to unlock it.
    const unlock = await elena.post('/osservatorio/comune/2026-10/sblocco', {
      commandId: randomUUID(),
      comune: bari,
      motivo: 'Pesate da correggere dopo il controllo',
    });
    expect(unlock.status).toBe(403);
    expect(await typesOf(flowStream.id(bari, '2026-10'))).toEqual(['MonthlyFlowSubmitted']);
    const draft = await ctx.store.readStream(flowStream.id(bari, '2026-11'));
    expect(draft.events.at(-1)).toMatchObject({
      type: 'FlowDraftSaved',
      data: { istatCode: bari, savedBy: `cf:${demoUnassociated.fiscalCode}` },
    });

    // Mario sees who filed what, and revokes: Elena is refused on her next request.
    const list = await mario.get('/osservatorio/comune/deleghe');
    expect(rowText(list.body, demoUnassociated.fiscalCode)).toContain('Ecologia Bari S.p.A.');
    const delegationId = /deleghe\/([0-9a-f-]{36})\/revoca/.exec(list.body)?.[1];
    expect(delegationId).toBeDefined();
    expect(
      (
        await elena.post(`/osservatorio/comune/deleghe/${delegationId}/revoca`, {
          motivo: 'Revoca da parte della delegata',
        })
      ).status,
    ).toBe(403);
    const revoked = await mario.post(`/osservatorio/comune/deleghe/${delegationId}/revoca`, {
      comune: bari,
      motivo: 'Cambio del gestore della raccolta',
    });
    expect(revoked.status).toBe(303);
    expect((await ctx.store.readStream(municipalityStream.id(bari))).events.at(-1)).toMatchObject({
      type: 'FilingDelegationRevoked',
      data: {
        fiscalCode: demoUnassociated.fiscalCode,
        revokedBy: `cf:${demoOfficerBari.fiscalCode}`,
      },
    });
    const [told] = await outboxMails(ctx, 'delega del Comune di Bari revocata');
    expect(told).toMatchObject({ to_address: 'elena.neri@ecologia.example' });
    expect(told!.text).toContain('Motivo: Cambio del gestore della raccolta');
    expect((await elena.get('/osservatorio/comune/2026-11')).location).toMatch(/\/osservatorio$/);
    expect((await elena.post('/osservatorio/comune/2026-11', month(bari))).status).toBe(303);
    expect(await typesOf(flowStream.id(bari, '2026-11'))).toEqual(['FlowDraftSaved']);
    expect(
      rowText((await mario.get('/osservatorio/comune/deleghe')).body, demoUnassociated.fiscalCode),
    ).toContain('revocata');
  });
});
