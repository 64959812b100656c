import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flowStream, monthlyFlowDecider } from '../../domain/observatory/monthlyFlowDecider.js';
import { quantityTooLarge } from '../../domain/observatory/fileMonthlyFlow.js';
import { unlockRule } from '../../domain/observatory/unlockMonthlyFlow.js';
import { handleCommand } from '../../src/platform/eventStore/commandHandler.js';
import {
  demoObservatoryAdmin,
  demoOfficerBari,
  demoOfficerLecce,
  demoUnassociated,
} from '../../src/dev/demoIdentities.js';
import { browserLoggedInAs, HttpBrowser } from '../support/identityLogin.js';
import { settle, testSeal, type TestApp } from '../support/testApp.js';
import { headFileSchema } from '../../src/platform/transparency/publishedJson.js';
import { leafHash, verifyInclusion } from '../../src/platform/transparency/merkle.js';
import { verifyHead } from '../../src/platform/transparency/treeHead.js';
import { backends } from '../support/testDatabase.js';
import { startObservatoryApp, systemContext } from './support.js';
import { fieldError, pageText, rowText, sectionText } from './pageText.js';

const row = (index: number, values: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(values).map(([key, value]) => [`righe[${index}][${key}]`, value]),
  );
const unsorted = {
  eerCode: '200301',
  tonnellate: '1200,5',
  modalita: 'porta-a-porta',
  trasportatore: 'Igiene Srl',
  impianto: 'TMB Bari',
  operazione: 'D8',
};
const glass = {
  eerCode: '150107',
  tonnellate: '300',
  modalita: 'stradale',
  trasportatore: 'Igiene Srl',
  impianto: 'Piattaforma vetro',
  operazione: 'R5',
};

describe.each(backends())('%s: monthly waste flows of a municipality', (backend) => {
  let ctx: TestApp;
  let baseUrl: string;
  const now = new Date('2026-11-20T10:00:00Z');

  beforeAll(async () => {
    ({ ctx, baseUrl } = await startObservatoryApp(backend, () => now));
    // June, filed in July: by November it is outside the 4-month unlock window.
    await handleCommand(
      ctx.store,
      monthlyFlowDecider,
      flowStream.id('072006', '2026-06'),
      {
        type: 'SubmitMonthlyFlow',
        istatCode: '072006',
        month: '2026-06',
        officerId: `cf:${demoOfficerBari.fiscalCode}`,
        rows: [
          {
            eerCode: '200301',
            tonnes: 1000,
            collectionMethod: 'porta-a-porta',
            transporter: 'Igiene Srl',
            destinationPlant: 'TMB Bari',
            operation: 'D8',
          },
        ],
        now: new Date('2026-07-10T09:00:00Z'),
      },
      systemContext(new Date('2026-07-10T09:00:00Z')),
    );
    await settle(ctx);
  });
  afterAll(async () => ctx?.close());

  const eventsOf = async (month: string) =>
    (await ctx.store.readStream(flowStream.id('072006', month))).events.map((e) => e.type);

  it('sends a visitor to the digital-identity login, and an officer to its own dashboard', async () => {
    const visitor = new HttpBrowser(baseUrl);
    expect((await visitor.get('/osservatorio/comune')).location).toMatch(
      /\/osservatorio\/accesso$/,
    );
    const officer = await browserLoggedInAs(baseUrl, demoOfficerBari);
    expect((await officer.get('/osservatorio')).location).toMatch(/\/osservatorio\/comune$/);
    const dashboard = await officer.get('/osservatorio/comune');
    expect(dashboard.body).toContain('Comune di Bari');
    expect(dashboard.body).toContain('Flussi mensili 2026');
    expect(rowText(dashboard.body, 'ottobre 2026')).toContain('Mancante (oltre la scadenza)');
    expect(rowText(dashboard.body, 'ottobre 2026')).not.toContain('finanziamenti');
    // September, never filed, is 36 days past its due date: over 30, it affects the funding.
    expect(rowText(dashboard.body, 'settembre 2026')).toContain(
      'Mancante (oltre la scadenza) · oltre 30 giorni dalla scadenza: incide sui finanziamenti regionali',
    );
  });

  it('explains how to ask for an association to an identity without one', async () => {
    const person = await browserLoggedInAs(baseUrl, demoUnassociated);
    const page = await person.get('/osservatorio');
    expect(page.status).toBe(200);
    expect(page.body).toContain('non è associata a un comune');
    const text = pageText(page.body);
    // The seed's instructions in full, with the support address of the configuration.
    for (const sentence of [
      "Per associare un'utenza SPID, CIE o TS-CNS alla username utilizzata in www.ambiente.regione.puglia.it, inviare una mail alla casella di posta supporto.pugliacon@regione.puglia.it indicando:",
      'Comune/Ruolo',
      'Username utilizzata in precedenza al dominio www.ambiente.regione.puglia.it',
      'Mail associata alla username del punto precedente',
      "Codice fiscale dell'utenza SPID, CIE o TS-CNS da associare alla username",
      'Si avvisa che le richieste di supporto saranno evase solo nei giorni lavorativi',
      "Si informa che dal 31 Gennaio 2022 sarà inibito agli operatori comunali l'accesso con username e password.",
      "Si invitano pertanto i comuni a contattare l'indirizzo supporto.pugliacon@regione.puglia.it indicando il codice fiscale della persona fisica che dovrà operare se tale richiesta non è stata fatta in passato.",
      "Si riporta inoltre, che è consentito, da direttive regionali, associare una sola utenza per comune. Nel caso si abbiano esigenze particolari contattare la sezione regionale di competenza e far pervenire l'autorizzazione all'indirizzo supporto.pugliacon@regione.puglia.it",
      'Saranno accettate solo account mail istituzionali da parte del comune.',
      "Per utenti incaricati da più comuni si invita a prendere visione del Manuale per modificare l'utenza associata al proprio profilo SPID",
    ]) {
      expect(text).toContain(sentence);
    }
    expect(page.body).toContain('href="mailto:supporto.pugliacon@regione.puglia.it"');
    expect((await person.get('/osservatorio/comune')).location).toMatch(/\/osservatorio$/);
  });

  it('explains a month not begun yet instead of a bare 404', async () => {
    const officer = await browserLoggedInAs(baseUrl, demoOfficerBari);
    const page = await officer.get('/osservatorio/comune/2026-12');
    expect(page.status).toBe(200);
    expect(pageText(page.body)).toContain(
      'Il mese di dicembre 2026 non è ancora iniziato. Potrai salvarne la bozza dal 1 dicembre 2026 e inviarlo dal 1 gennaio 2027, entro il 15 gennaio 2027 (il 15 del mese successivo).',
    );
    expect(page.body).toContain('href="/osservatorio/comune?anno=2026"');
    expect((await officer.get('/osservatorio/comune/2017-12')).status).toBe(404);
    expect((await officer.post('/osservatorio/comune/2026-12', { azione: 'bozza' })).status).toBe(
      404,
    );
  });

  it('puts each error next to its field and saves nothing', async () => {
    const officer = await browserLoggedInAs(baseUrl, demoOfficerBari);
    await officer.get('/osservatorio/comune/2026-10');
    const response = await officer.post('/osservatorio/comune/2026-10', {
      azione: 'invia',
      ...row(0, { ...unsorted, eerCode: '999999' }),
      ...row(1, { ...glass, tonnellate: '1,2345' }),
      ...row(2, { ...glass, tonnellate: '0' }),
      ...row(3, { ...glass, eerCode: '200101', tonnellate: '99999999999999999999' }),
    });
    expect(response.status).toBe(422);
    expect(fieldError(response.body, 'Codice EER', 0)).toBe(
      'Codice EER non presente nell’elenco dei rifiuti urbani.',
    );
    expect(fieldError(response.body, 'Quantità (t)', 1)).toBe(
      'Quantità in tonnellate con al massimo 3 decimali (es. 12,345).',
    );
    expect(fieldError(response.body, 'Quantità (t)', 2)).toBe(
      'La quantità deve essere maggiore di zero.',
    );
    expect(fieldError(response.body, 'Quantità (t)', 3)).toBe(quantityTooLarge);
    expect(fieldError(response.body, 'Quantità (t)', 0)).toBeNull();
    const duplicate = await officer.post('/osservatorio/comune/2026-10', {
      azione: 'invia',
      ...row(0, glass),
      ...row(1, glass),
    });
    expect(duplicate.status).toBe(422);
    expect(duplicate.body).toContain('Questa riga ripete una riga precedente');
    expect(await eventsOf('2026-10')).toEqual([]);
  });

  it('files a month late, locks it, and refuses a second filing', async () => {
    const officer = await browserLoggedInAs(baseUrl, demoOfficerBari);
    await officer.get('/osservatorio/comune/2026-10');
    const filed = await officer.post('/osservatorio/comune/2026-10', {
      azione: 'invia',
      ...row(0, unsorted),
      ...row(1, glass),
    });
    expect(filed.status).toBe(303);
    const { events } = await ctx.store.readStream(flowStream.id('072006', '2026-10'));
    expect(events.map((e) => e.type)).toEqual(['MonthlyFlowSubmitted']);
    expect(events[0]!.data).toMatchObject({ version: 1, daysLate: 5, affectsFunding: false });
    const page = await officer.get('/osservatorio/comune/2026-10');
    expect(page.body).toContain('i dati sono bloccati');
    expect(
      (await officer.post('/osservatorio/comune/2026-10', { azione: 'invia', ...row(0, glass) }))
        .status,
    ).toBe(409);

    // The receipt: to the municipality's address, with the proof the month is in the signed log.
    await settle(ctx);
    const receipt = await ctx.test.database.db
      .selectFrom('mail_outbox')
      .selectAll()
      .where('to_address', '=', 'ambiente@comune.bari.it')
      .where('subject', 'like', '%ricevuti%')
      .executeTakeFirstOrThrow();
    expect(receipt.subject).toBe('Dichiara – flussi di ottobre 2026 ricevuti');
    expect(receipt.text_body).toContain('versione 1, 2 righe');
    const [file] = receipt.attachments;
    expect(file!.filename).toBe('ricevuta-registro-072006-2026-10-v1.json');
    const evidence = JSON.parse(Buffer.from(file!.contentBase64, 'base64').toString('utf8')) as {
      evento: string;
      foglia: number;
      prova: string[];
    };
    expect(evidence.evento).toBe(events[0]!.metadata.eventId);
    const head = headFileSchema.parse(evidence);
    expect(verifyHead(head, testSeal.publicKey)).toBe(true);
    const leaf = leafHash(Buffer.from(events[0]!.hash, 'hex'));
    const proof = evidence.prova.map((hash) => Buffer.from(hash, 'hex'));
    expect(verifyInclusion(leaf, evidence.foglia, head.size, proof, head.root)).toBe(true);
  });

  it('says that this month is out of the unlock window, and refuses it with the same words', async () => {
    const officer = await browserLoggedInAs(baseUrl, demoOfficerBari);
    // 20 November 2026: the window is July to October; June was filed and is out of it.
    const outOfWindow =
      'Il mese di giugno 2026 non può più essere sbloccato: lo sblocco si può chiedere solo per ' +
      'le 4 mensilità precedenti la richiesta (da luglio 2026 a ottobre 2026).';
    const page = await officer.get('/osservatorio/comune/2026-06');
    expect(sectionText(page.body, 'Richiesta di sblocco')).toBe(outOfWindow);
    expect(page.body).not.toContain('Chiedi lo sblocco');
    const response = await officer.post('/osservatorio/comune/2026-06/sblocco', {
      motivo: 'Quantità del vetro da correggere',
    });
    expect(response.status).toBe(422);
    expect(fieldError(response.body, 'Motivo della richiesta')).toBe(outOfWindow);
    // Said in the error summary and once more next to what was typed, not a third time.
    expect(pageText(response.body).split('non può più essere sbloccato')).toHaveLength(3);
    expect(response.body).toContain('Quantità del vetro da correggere');
    expect(await eventsOf('2026-06')).toEqual(['MonthlyFlowSubmitted']);
  });

  it('lets the officer ask, the admin unlock, the officer be told and file version 2', async () => {
    const officer = await browserLoggedInAs(baseUrl, demoOfficerBari);
    const month = await officer.get('/osservatorio/comune/2026-10');
    // In the window: the seed's rule, and until when this month can be unlocked.
    expect(sectionText(month.body, 'Richiesta di sblocco')).toContain(
      `${unlockRule} Lo sblocco di ottobre 2026 si può chiedere fino al 28/02/2027.`,
    );
    expect(
      (
        await officer.post('/osservatorio/comune/2026-10/sblocco', {
          motivo: 'Il vetro di ottobre è stato pesato due volte',
        })
      ).status,
    ).toBe(303);

    const admin = await browserLoggedInAs(baseUrl, demoObservatoryAdmin);
    const adminPage = await admin.get('/osservatorio/admin');
    expect(adminPage.body).toContain('Il vetro di ottobre è stato pesato due volte');
    expect(
      (await admin.post('/osservatorio/admin/sblocchi/072006/2026-10/approva', { nota: '' }))
        .status,
    ).toBe(303);
    await settle(ctx);
    const mail = await ctx.test.database.db
      .selectFrom('mail_outbox')
      .select(['to_address', 'subject'])
      .where('to_address', '=', 'ambiente@comune.bari.it')
      .where('subject', 'like', '%sblocco%')
      .executeTakeFirstOrThrow();
    expect(mail.subject).toContain('sblocco di ottobre 2026 approvato');

    await officer.get('/osservatorio/comune/2026-10');
    expect(
      (
        await officer.post('/osservatorio/comune/2026-10', {
          azione: 'invia',
          ...row(0, unsorted),
          ...row(1, { ...glass, tonnellate: '150' }),
        })
      ).status,
    ).toBe(303);
    const versions = await officer.get('/osservatorio/comune/2026-10');
    expect(versions.body).toContain('Versione 1');
    expect(versions.body).toContain('Versione 2');
    const first = await officer.get('/osservatorio/comune/2026-10/versioni/1');
    expect(first.body).toContain('300');
    expect(await eventsOf('2026-10')).toEqual([
      'MonthlyFlowSubmitted',
      'FlowUnlockRequested',
      'MonthlyFlowUnlocked',
      'MonthlyFlowSubmitted',
    ]);
  });

  it('keeps officers to their own municipality and admin pages to admins', async () => {
    const officer = await browserLoggedInAs(baseUrl, demoOfficerBari);
    expect((await officer.get('/osservatorio/admin')).status).toBe(403);
    expect((await officer.get('/osservatorio/admin/comuni/072006')).status).toBe(403);
    const admin = await browserLoggedInAs(baseUrl, demoObservatoryAdmin);
    expect((await admin.get('/osservatorio/comune/2026-10')).status).toBe(403);
  });

  it('associates a second municipality’s user with an institutional address only', async () => {
    const admin = await browserLoggedInAs(baseUrl, demoObservatoryAdmin);
    await admin.get('/osservatorio/admin');
    const refused = await admin.post('/osservatorio/admin/associazioni', {
      comune: '075035',
      codiceFiscale: demoOfficerLecce.fiscalCode,
      email: 'lucia@gmail.com',
    });
    expect(refused.status).toBe(422);
    expect(refused.body).toContain('Sono accettati solo indirizzi e-mail istituzionali');
    expect(
      (
        await admin.post('/osservatorio/admin/associazioni', {
          comune: '075035',
          codiceFiscale: demoOfficerLecce.fiscalCode,
          email: 'ambiente@comune.lecce.it',
          motivo: 'Richiesta del comune di Lecce',
        })
      ).status,
    ).toBe(303);
    const lecce = await browserLoggedInAs(baseUrl, demoOfficerLecce);
    const dashboard = await lecce.get('/osservatorio/comune');
    expect(dashboard.body).toContain('Comune di Lecce');
    // Bari's months are not Lecce's: the month page is the officer's own.
    expect((await lecce.get('/osservatorio/comune/2026-10')).body).not.toContain('Versione 1');
  });

  it('publishes the figures as open data, marked as not validated by the Region', async () => {
    const visitor = new HttpBrowser(baseUrl);
    const page = await visitor.get('/osservatorio/dati-aperti?anno=2026&provincia=BA');
    expect(page.status).toBe(200);
    expect(page.body).toContain('Dati non validati dalla Regione.');
    expect(page.body).toContain('Bari');
    const csv = await visitor.get('/osservatorio/dati-aperti/flussi.csv?anno=2026&provincia=BA');
    expect(csv.body).toMatch(/^072006;Bari;BA;2026-10;inviato_in_ritardo;2;5;.*;non validato$/m);

    // The detail: each row of the version in force, in CSV and JSON, with its schema and licence.
    expect(pageText(page.body)).toContain('Schema dei dati');
    expect(page.body).toContain('rel="license"');
    const detail = await visitor.get(
      '/osservatorio/dati-aperti/dettaglio.csv?anno=2026&provincia=BA',
    );
    expect(detail.status).toBe(200);
    expect(detail.headers.get('content-disposition')).toBe(
      'attachment; filename="rifiuti-urbani-dettaglio-2026-BA.csv"',
    );
    const lines = detail.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe(
      'codice_istat;comune;provincia;mese;versione;codice_eer;descrizione_eer;classe_rd;tonnellate;modalita_raccolta;trasportatore;impianto_destinazione;operazione;percentuale_rd_certificata;stato_dato',
    );
    const october = lines.filter((line) => line.startsWith('072006;Bari;BA;2026-10;'));
    expect(october).toHaveLength(2);
    expect(october[0]).toMatch(
      /^072006;Bari;BA;2026-10;2;20 03 01;[^;]+;indifferenziata;1200,500;Porta a porta;Igiene Srl;TMB Bari;D8;;non validato$/,
    );
    expect(october[1]).toContain(';15 01 07;');
    expect(october[1]).toContain(';differenziata;150,000;Contenitori stradali;');
    const json = await visitor.get(
      '/osservatorio/dati-aperti/dettaglio.json?anno=2026&provincia=BA',
    );
    expect(json.headers.get('content-type')).toContain('application/json');
    const document = JSON.parse(json.body) as {
      licenza: { nome: string };
      provincia: string;
      campi: { nome: string }[];
      righe: Record<string, unknown>[];
    };
    expect(document.licenza.nome).toContain('CC BY 4.0');
    expect(document.provincia).toBe('BA');
    expect(document.campi.map((field) => field.nome)).toEqual(lines[0]!.split(';'));
    expect(document.righe).toContainEqual(
      expect.objectContaining({ mese: '2026-10', codice_eer: '15 01 07', tonnellate: 150 }),
    );
    expect((await visitor.get('/osservatorio/dati-aperti/dettaglio.xml')).status).toBe(404);
  });
});
