import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flowStream, monthlyFlowDecider } from '../../domain/observatory/monthlyFlowDecider.js';
import { municipalityStream } from '../../domain/observatory/municipalityOfficer.js';
import { handleCommand } from '../../src/platform/eventStore/commandHandler.js';
import {
  bidiCharactersMessage,
  brokenCharactersMessage,
  controlCharactersMessage,
} from '../../src/platform/http/text.js';
import {
  demoObservatoryAdmin,
  demoOfficerBari,
  demoOfficerLecce,
} from '../../src/dev/demoIdentities.js';
import { browserLoggedInAs, type HttpBrowser } from '../support/identityLogin.js';
import { settle, type TestApp } from '../support/testApp.js';
import { backends } from '../support/testDatabase.js';
import { fieldError } from './pageText.js';
import {
  firstRowFields,
  glassFlowRow,
  glassRow,
  postJson,
  startObservatoryApp,
  systemContext,
} from './support.js';

/** What no text field keeps: each refused with its Italian message beside the field. */
const hostile = [
  ['a NUL', 'Mario\u0000Rossi', controlCharactersMessage],
  ['a bidi override', '\u202Eabc', bidiCharactersMessage],
  ['a lone surrogate', '\uD800', brokenCharactersMessage],
] as const;
const html = '<b>x</b>';
const escaped = '&lt;b&gt;x&lt;/b&gt;';

describe.each(backends())('%s: hostile text in the observatory’s forms', (backend) => {
  let ctx: TestApp;
  let officer: HttpBrowser;
  let admin: HttpBrowser;
  const now = new Date('2026-11-20T10:00:00Z');
  const october = flowStream.id('072006', '2026-10');
  const history = '/osservatorio/admin/comuni/072006?anno=2026';

  beforeAll(async () => {
    const started = await startObservatoryApp(backend, () => now);
    ctx = started.ctx;
    const { baseUrl } = started;
    const filedAt = new Date('2026-11-05T09:00:00Z');
    const rows = [glassFlowRow];
    const submit = { istatCode: '072006', month: '2026-10', officerId: 'cli', rows, now: filedAt };
    await handleCommand(
      ctx.store,
      monthlyFlowDecider,
      october,
      { type: 'SubmitMonthlyFlow', ...submit },
      systemContext(filedAt),
    );
    await settle(ctx);
    officer = await browserLoggedInAs(baseUrl, demoOfficerBari);
    admin = await browserLoggedInAs(baseUrl, demoObservatoryAdmin);
  });
  afterAll(async () => ctx?.close());

  const typesOf = async (stream: string) =>
    (await ctx.store.readStream(stream)).events.map((event) => event.type);

  /** Posts as the page's form does; as JSON when a lone surrogate is in it (see postJson). */
  async function send(
    browser: HttpBrowser,
    pageUrl: string,
    url: string,
    fields: Record<string, string>,
  ) {
    const page = await browser.get(pageUrl);
    const lone = Object.values(fields).some((value) => /[\uD800-\uDFFF]/.test(value));
    return lone ? postJson(browser, page, url, fields) : browser.post(url, fields);
  }

  it.each(hostile)(
    'refuses %s in a row’s «trasportatore», saving nothing',
    async (_, text, message) => {
      const month = '/osservatorio/comune/2026-09';
      const fields = { azione: 'bozza', ...firstRowFields({ ...glassRow, trasportatore: text }) };
      const response = await send(officer, month, month, fields);
      expect(response.status).toBe(422);
      expect(fieldError(response.body, 'Trasportatore')).toBe(message);
      expect(await typesOf(flowStream.id('072006', '2026-09'))).toEqual([]);
    },
  );

  it('shows a saved «trasportatore» with HTML as text', async () => {
    const month = '/osservatorio/comune/2026-09';
    const fields = { azione: 'bozza', ...firstRowFields({ ...glassRow, trasportatore: html }) };
    expect((await send(officer, month, month, fields)).status).toBe(303);
    const page = await officer.get(month);
    expect(page.body).toContain(`value="${escaped}"`);
    expect(page.body).not.toContain(html);
  });

  it.each(hostile)('refuses %s in the reason of an unlock request', async (_, text, message) => {
    const month = '/osservatorio/comune/2026-10';
    const fields = { motivo: `Il vetro ${text} è da correggere` };
    const response = await send(officer, month, `${month}/sblocco`, fields);
    expect(response.status).toBe(422);
    expect(fieldError(response.body, 'Motivo della richiesta')).toBe(message);
    expect(await typesOf(october)).toEqual(['MonthlyFlowSubmitted']);
  });

  it('shows the admin an unlock reason with HTML as text', async () => {
    const month = '/osservatorio/comune/2026-10';
    const fields = { motivo: `${html} pesato due volte` };
    expect((await send(officer, month, `${month}/sblocco`, fields)).status).toBe(303);
    const page = await admin.get('/osservatorio/admin');
    expect(page.body).toContain(`«${escaped} pesato due volte»`);
    expect(page.body).not.toContain(html);
  });

  it.each(hostile)(
    'refuses %s in an unlock decision’s note or reason',
    async (_, text, message) => {
      const decide = '/osservatorio/admin/sblocchi/072006/2026-10';
      const fields = { nota: `Dati ${text} da rivedere` };
      const approved = await send(admin, '/osservatorio/admin', `${decide}/approva`, fields);
      expect(approved.status).toBe(422);
      expect(fieldError(approved.body, 'Nota per il comune')).toBe(message);
      const reason = { motivo: `I dati ${text} sono già validati` };
      const rejected = await send(admin, '/osservatorio/admin', `${decide}/respingi`, reason);
      expect(rejected.status).toBe(422);
      expect(fieldError(rejected.body, 'Motivo del rifiuto')).toBe(message);
      expect(await typesOf(october)).toEqual(['MonthlyFlowSubmitted', 'FlowUnlockRequested']);
    },
  );

  it('shows a rejection reason with HTML as text in the municipality’s history', async () => {
    const reject = '/osservatorio/admin/sblocchi/072006/2026-10/respingi';
    const fields = { motivo: `${html} dati già validati` };
    expect((await send(admin, '/osservatorio/admin', reject, fields)).status).toBe(303);
    const page = await admin.get(history);
    expect(page.body).toContain(`Sblocco respinto: ${escaped} dati già validati`);
    expect(page.body).not.toContain(html);
  });

  it.each(hostile)('refuses %s in an association’s address or reason', async (_, text, message) => {
    const assign = {
      comune: '075035',
      codiceFiscale: demoOfficerLecce.fiscalCode,
      email: `ambiente${text}@comune.lecce.it`,
      motivo: 'Richiesta del comune di Lecce',
    };
    const assigned = await send(
      admin,
      '/osservatorio/admin',
      '/osservatorio/admin/associazioni',
      assign,
    );
    expect(assigned.status).toBe(422);
    expect(fieldError(assigned.body, 'E-mail istituzionale')).toBe(message);
    const end = '/osservatorio/admin/associazioni/072006/chiudi';
    const fields = { motivo: `Fine ${text} del servizio` };
    const ended = await send(admin, '/osservatorio/admin', end, fields);
    expect(ended.status).toBe(422);
    expect(fieldError(ended.body, "Motivo della chiusura dell'associazione (Bari)")).toBe(message);
    expect(await typesOf(municipalityStream.id('075035'))).toEqual([]);
    expect(await typesOf(municipalityStream.id('072006'))).toEqual(['OfficerAssigned']);
  });

  it('shows the reason of an address change with HTML as text, and every read model keeps up', async () => {
    const change = '/osservatorio/admin/associazioni/072006/email';
    const fields = { email: 'rifiuti@comune.bari.it', motivo: `${html} nuova casella` };
    expect((await send(admin, '/osservatorio/admin', change, fields)).status).toBe(303);
    const page = await admin.get(history);
    expect(page.body).toContain(`${escaped} nuova casella`);
    expect(page.body).not.toContain(html);
    await settle(ctx);
    expect(ctx.projections.status().filter((p) => p.state === 'failed')).toEqual([]);
    expect((await admin.get('/readyz')).status).toBe(200);
  });
});
