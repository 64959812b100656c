import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoOfficerBari, demoUnassociated } from '../../src/dev/demoIdentities.js';
import { manualPath, manualSections } from '../../src/observatory/manual.route.js';
import { browserLoggedInAs, listenOnFreePort } from '../support/identityLogin.js';
import { settle, startTestApp, type TestApp } from '../support/testApp.js';
import { headingLevels, pageText, sectionText } from './pageText.js';
import { assignDemoOfficerBari } from './support.js';

/** The links of a page's <main>, as [text, href], their text as a person reads it. */
const links = (html: string): [string, string][] => {
  const main = /<main\b[^>]*>([\s\S]*?)<\/main>/.exec(html)?.[1] ?? '';
  return [...main.matchAll(/<a\b([^>]*)>([\s\S]*?)<\/a>/g)].map((m) => [
    pageText(m[2]!),
    /href="([^"]*)"/.exec(m[1]!)?.[1] ?? '',
  ]);
};

/** The seed's sentence, up to its full stop (the page's text has a space where the link ends). */
const videoSentence =
  'Clicca sul link per visualizzare il video-tutorial di abilitazione, accesso e autenticazione al servizio';
const videoLinkText = 'video-tutorial di abilitazione, accesso e autenticazione al servizio';

describe('the municipalities’ manual, linked where the seed links it', () => {
  let ctx: TestApp;
  let baseUrl: string;
  beforeAll(async () => {
    ctx = await startTestApp();
    baseUrl = await listenOnFreePort(ctx.app);
  });
  afterAll(async () => ctx?.close());

  it('is a public page with an index of its sections, each under its own h2', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: manualPath });
    expect(response.statusCode).toBe(200);
    const html = response.body;
    expect(html).toMatch(/<h1[^>]*>\s*Manuale per i comuni\s*<\/h1>/);
    expect(headingLevels(html).skips).toEqual([]);
    const index = /<nav id="indice" aria-label="Indice"[\s\S]*?<\/nav>/.exec(html)?.[0] ?? '';
    expect(links(`<main>${index}</main>`)).toEqual(
      manualSections.map((section) => [section.title, `#${section.id}`]),
    );
    expect(manualSections.map((section) => section.title)).toEqual([
      'Accesso con SPID o CIE',
      'Compilare il mese',
      'Importare da file',
      'Accesso per software',
      'Chiedere uno sblocco',
      'Più comuni',
      'Delegare al gestore della raccolta',
      'Validazione annuale della Regione',
      'Dati aperti',
    ]);
    for (const { id, title } of manualSections) {
      expect(html, title).toMatch(new RegExp(`<h2 id="${id}"[^>]*>${title}</h2>`));
    }
  });

  it('says what each section promises, in the words of the pages it describes', async () => {
    const { body: html } = await ctx.app.inject({ method: 'GET', url: manualPath });
    const access = sectionText(html, 'Accesso con SPID o CIE');
    expect(access).toContain('SPID di livello 2');
    expect(access).toContain('Entra con SPID o CIE');
    const unassociated = sectionText(html, "Se l'identità digitale non è associata a un comune");
    for (const item of [
      'supporto.pugliacon@regione.puglia.it',
      'Comune/Ruolo',
      "Codice fiscale dell'utenza SPID, CIE o TS-CNS da associare alla username",
    ])
      expect(unassociated).toContain(item);
    const filling = sectionText(html, 'Compilare il mese');
    for (const words of [
      'Codice EER',
      'Quantità (t)',
      'Modalità di raccolta',
      'Trasportatore',
      'Impianto di destinazione',
      'Operazione (R/D)',
      'Salva bozza',
      'Invia il mese',
      'entro il 15 del mese successivo',
      'bloccato',
    ])
      expect(filling).toContain(words);
    const importing = sectionText(html, 'Importare da file');
    for (const words of ['CSV', 'XLSX', 'Scarica il modello', 'riga', 'colonna', 'bozza'])
      expect(importing).toContain(words);
    const software = sectionText(html, 'Accesso per software');
    expect(software).toContain('Accesso per software (API)');
    expect(software).toContain('POST /api/osservatorio/flussi/{istat}/{mese}');
    expect(software).toContain('Authorization: Bearer');
    const unlock = sectionText(html, 'Chiedere uno sblocco');
    expect(unlock).toContain(
      'È consentito richiedere lo sblocco dei flussi solo per le n. 4 mensilità antecedenti la comunicazione di richiesta di modifica degli stessi.',
    );
    expect(unlock).toContain('e-mail con la decisione');
    const several = sectionText(html, 'Più comuni');
    expect(several).toContain('Cambia comune');
    expect(several).toContain('autorizzazione');
    const delegating = sectionText(html, 'Delegare al gestore della raccolta');
    for (const words of ['Deleghe', 'codice fiscale', 'di qualsiasi dominio', 'revocare'])
      expect(delegating).toContain(words);
    expect(sectionText(html, 'Validazione annuale della Regione')).toContain('osservazioni');
    expect(links(html)).toContainEqual(['dati aperti', '/osservatorio/dati-aperti']);
  });

  it('is linked from the observatory’s home, as the seed links its «manuali utenti»', async () => {
    const home = await ctx.app.inject({ method: 'GET', url: '/osservatorio' });
    expect(home.statusCode).toBe(200);
    expect(pageText(home.body)).toContain(
      'È possibile consultare i manuali utenti al seguente link: Manuale per i comuni',
    );
    expect(links(home.body)).toContainEqual(['Manuale per i comuni', manualPath]);
  });

  it('is linked beside «Per utenti incaricati da più comuni», and from the officer’s months', async () => {
    const stranger = await browserLoggedInAs(baseUrl, demoUnassociated);
    const notAssociated = await stranger.get('/osservatorio');
    expect(links(notAssociated.body)).toContainEqual(['Manuale', `${manualPath}#piu-comuni`]);
    expect(pageText(notAssociated.body)).toContain(
      "Per utenti incaricati da più comuni si invita a prendere visione del Manuale per modificare l'utenza associata al proprio profilo SPID",
    );
    await assignDemoOfficerBari(ctx.store, new Date());
    await settle(ctx);
    const officer = await browserLoggedInAs(baseUrl, demoOfficerBari);
    const dashboard = await officer.get('/osservatorio/comune');
    expect(dashboard.status).toBe(200);
    expect(links(dashboard.body)).toContainEqual(['Manuale', manualPath]);
  });

  it('shows no video-tutorial sentence while OBSERVATORY_VIDEO_URL is unset', async () => {
    for (const url of ['/osservatorio', manualPath]) {
      const page = await ctx.app.inject({ method: 'GET', url });
      expect(pageText(page.body), url).not.toContain('video-tutorial');
    }
  });
});

describe('the video tutorial, when OBSERVATORY_VIDEO_URL says where it is', () => {
  const video = 'https://video.regione.example.it/osservatorio/tutorial?id=7&lingua=it';
  let ctx: TestApp;
  beforeAll(async () => {
    ctx = await startTestApp({ env: { OBSERVATORY_VIDEO_URL: video } });
  });
  afterAll(async () => ctx?.close());

  it('is linked from the home and the manual, in the same tab, by a link that names it', async () => {
    for (const url of ['/osservatorio', manualPath]) {
      const page = await ctx.app.inject({ method: 'GET', url });
      expect(page.statusCode, url).toBe(200);
      expect(pageText(page.body), url).toContain(videoSentence);
      expect(links(page.body), url).toContainEqual([videoLinkText, video.replace('&', '&amp;')]);
      const anchor = new RegExp(`<a\\b[^>]*>${videoLinkText}</a>`).exec(page.body)?.[0] ?? '';
      expect(anchor, url).not.toMatch(/target=/);
    }
  });
});
