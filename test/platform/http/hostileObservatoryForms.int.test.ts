import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flowStream, monthlyFlowDecider } from '../../../domain/observatory/monthlyFlowDecider.js';
import { handleCommand } from '../../../src/platform/eventStore/commandHandler.js';
import {
  demoObservatoryAdmin,
  demoOfficerBari,
  demoOfficerLecce,
} from '../../../src/dev/demoIdentities.js';
import {
  assignDemoOfficerBari,
  firstRowFields,
  fiscalCode,
  glassFlowRow,
  glassRow,
  grantDemoAdmin,
  postJson,
  systemContext,
} from '../../observatory/support.js';
import {
  observatoryAdminsDecider,
  observatoryAdminsStream,
} from '../../../domain/observatory/observatoryAdmins.js';
import {
  browserLoggedInAs,
  listenOnFreePort,
  type HttpBrowser,
} from '../../support/identityLogin.js';
import { settle, startTestApp, type TestApp } from '../../support/testApp.js';
import {
  describeRefusals,
  escapeHtml,
  expectNeverRaw,
  expectNoRawMarkup,
  expectReadModelsAtHead,
  markupTexts,
  type Send,
} from './support/hostileForms.js';

/**
 * The observatory's forms (issue 13): an officer's monthly rows and unlock requests, the admin's
 * decisions, associations and admins, fed with hostile text over real HTTP (the SPID/CIE login
 * needs it). Refused beside the field recording nothing, or kept and shown escaped.
 */

type Who = 'officer' | 'admin';

interface ObservatoryForm {
  readonly name: string;
  readonly who: Who;
  readonly page: string;
  readonly url: string;
  readonly fields: Record<string, string>;
  readonly textFields: readonly string[];
}

const bari = '072006';
/** A second admin, so that the page offers the form revoking one. */
const secondAdmin = fiscalCode('RSSMRA80A01H501');
const now = new Date('2026-11-20T10:00:00Z');
const history = `/osservatorio/admin/comuni/${bari}?anno=2026`;
/** Filed before the tests: October awaits the admin's answer to an unlock; the others none. */
const filedMonths = ['2026-07', '2026-08', '2026-09', '2026-10'];
const pendingUnlock = '2026-10';

const forms: readonly ObservatoryForm[] = [
  {
    name: 'rows of a month (draft)',
    who: 'officer',
    page: '/osservatorio/comune/2026-11',
    url: '/osservatorio/comune/2026-11',
    fields: { azione: 'bozza', ...firstRowFields(glassRow) },
    // 'tonnellate' is a number: its own Italian message says what it takes.
    textFields: ['righe[0][trasportatore]', 'righe[0][impianto]'],
  },
  {
    name: 'unlock request',
    who: 'officer',
    page: '/osservatorio/comune/2026-07',
    url: '/osservatorio/comune/2026-07/sblocco',
    fields: { motivo: 'Il vetro è stato pesato due volte.' },
    textFields: ['motivo'],
  },
  {
    name: 'rejection of an unlock',
    who: 'admin',
    page: '/osservatorio/admin',
    url: `/osservatorio/admin/sblocchi/${bari}/${pendingUnlock}/respingi`,
    fields: { motivo: 'I dati sono già stati validati.' },
    textFields: ['motivo'],
  },
  {
    name: 'approval of an unlock',
    who: 'admin',
    page: '/osservatorio/admin',
    url: `/osservatorio/admin/sblocchi/${bari}/${pendingUnlock}/approva`,
    fields: { nota: 'Sbloccato per la correzione.' },
    textFields: ['nota'],
  },
  {
    name: 'association of an officer',
    who: 'admin',
    page: '/osservatorio/admin',
    url: '/osservatorio/admin/associazioni',
    fields: {
      comune: '075035',
      codiceFiscale: demoOfficerLecce.fiscalCode,
      email: 'ambiente@comune.lecce.it',
      motivo: 'Richiesta del comune di Lecce',
    },
    textFields: ['codiceFiscale', 'email', 'motivo'],
  },
  {
    name: 'change of an officer’s address',
    who: 'admin',
    page: '/osservatorio/admin',
    url: `/osservatorio/admin/associazioni/${bari}/email`,
    fields: { email: 'rifiuti@comune.bari.it', motivo: 'Nuova casella del servizio.' },
    textFields: ['email', 'motivo'],
  },
  {
    name: 'end of an association',
    who: 'admin',
    page: '/osservatorio/admin',
    url: `/osservatorio/admin/associazioni/${bari}/chiudi`,
    fields: { motivo: 'Fine del servizio presso il comune.' },
    textFields: ['motivo'],
  },
  {
    name: 'grant of the admin role',
    who: 'admin',
    page: '/osservatorio/admin',
    url: '/osservatorio/admin/amministratori',
    fields: { amministratore: demoOfficerLecce.fiscalCode },
    textFields: ['amministratore'],
  },
  {
    name: 'revocation of the admin role',
    who: 'admin',
    page: '/osservatorio/admin',
    url: `/osservatorio/admin/amministratori/${secondAdmin}/revoca`,
    fields: { motivo: 'Fine dell’incarico regionale.' },
    textFields: ['motivo'],
  },
];

describe('hostile text in the observatory’s forms', () => {
  let ctx: TestApp;
  const browsers = {} as Record<Who, HttpBrowser>;

  /** The form as the browser fills it: the page first, then url-encoded (JSON for a surrogate). */
  const send =
    ({ who, page, url }: Pick<ObservatoryForm, 'who' | 'page' | 'url'>): Send =>
    async (fields) => {
      const browser = browsers[who];
      const form = await browser.get(page);
      expect(form.status, `${page} before posting`).toBe(200);
      if (Object.values(fields).some((value) => /[\uD800-\uDFFF]/.test(value)))
        return { ...(await postJson(browser, form, url, fields)), location: null };
      const response = await browser.post(url, fields);
      return { status: response.status, body: response.body, location: response.location };
    };
  const pageOf = (who: Who) => async (url: string) => (await browsers[who].get(url)).body;

  beforeAll(async () => {
    ctx = await startTestApp({ now: () => now });
    const baseUrl = await listenOnFreePort(ctx.app);
    await grantDemoAdmin(ctx.store, now);
    await handleCommand(
      ctx.store,
      observatoryAdminsDecider,
      observatoryAdminsStream.id(),
      { type: 'GrantObservatoryAdmin', fiscalCode: secondAdmin, by: 'cli' },
      systemContext(now),
    );
    await assignDemoOfficerBari(ctx.store, now);
    for (const month of filedMonths) {
      const filedAt = new Date(`${month}-01T09:00:00Z`);
      filedAt.setUTCMonth(filedAt.getUTCMonth() + 1, 5);
      const rows = [glassFlowRow];
      await handleCommand(
        ctx.store,
        monthlyFlowDecider,
        flowStream.id(bari, month),
        { type: 'SubmitMonthlyFlow', istatCode: bari, month, officerId: 'cli', rows, now: filedAt },
        systemContext(filedAt),
      );
    }
    await settle(ctx);
    browsers.officer = await browserLoggedInAs(baseUrl, demoOfficerBari);
    browsers.admin = await browserLoggedInAs(baseUrl, demoObservatoryAdmin);
    const unlock = `/osservatorio/comune/${pendingUnlock}`;
    const requested = await send({ who: 'officer', page: unlock, url: `${unlock}/sblocco` })({
      motivo: 'Il vetro è stato pesato due volte.',
    });
    expect(requested.status, requested.body.slice(0, 300)).toBe(303);
  });
  afterAll(async () => ctx?.close());

  describeRefusals(forms, () => ctx, send);

  describe.each(markupTexts.map(([label, text], index) => ({ label, text, index })))(
    'markup: $label',
    ({ text, index }) => {
      const shown = escapeHtml(text);
      const month = filedMonths[index]!;
      /** The page shows the text escaped and nowhere raw. */
      const expectShown = async (who: Who, url: string) => {
        const body = (await browsers[who].get(url)).body;
        expect(body, url).toContain(shown);
        expectNoRawMarkup(body, url);
      };

      it('a month’s rows keep a transporter and a plant as text', async () => {
        const page = '/osservatorio/comune/2026-11';
        const fields = {
          azione: 'bozza',
          ...firstRowFields({ ...glassRow, trasportatore: text, impianto: text }),
        };
        const saved = await expectNeverRaw(
          send({ who: 'officer', page, url: page }),
          fields,
          pageOf('officer'),
        );
        if (saved.status === 303) await expectShown('officer', page);
      });

      it('an unlock’s request and rejection keep their reasons as text', async () => {
        const page = `/osservatorio/comune/${month}`;
        const requested = await expectNeverRaw(
          send({ who: 'officer', page, url: `${page}/sblocco` }),
          { motivo: `Da correggere: ${text}` },
          pageOf('officer'),
        );
        if (requested.status !== 303) return;
        await expectShown('admin', '/osservatorio/admin');
        const rejected = await expectNeverRaw(
          send({
            who: 'admin',
            page: '/osservatorio/admin',
            url: `/osservatorio/admin/sblocchi/${bari}/${month}/respingi`,
          }),
          { motivo: `Già validato: ${text}` },
          pageOf('admin'),
        );
        if (rejected.status === 303) await expectShown('admin', history);
      });

      it('an address change keeps its reason as text; a bad address is shown escaped', async () => {
        const changed = await expectNeverRaw(
          send({
            who: 'admin',
            page: '/osservatorio/admin',
            url: `/osservatorio/admin/associazioni/${bari}/email`,
          }),
          { email: `rifiuti${index}@comune.bari.it`, motivo: `Nuova casella: ${text}` },
          pageOf('admin'),
        );
        if (changed.status === 303) await expectShown('admin', history);
        const assigned = await expectNeverRaw(
          send({
            who: 'admin',
            page: '/osservatorio/admin',
            url: '/osservatorio/admin/associazioni',
          }),
          { comune: '075035', codiceFiscale: text, email: text, motivo: text },
          pageOf('admin'),
        );
        expect(assigned.status).toBe(422);
      });
    },
  );

  it('leaves the service ready, every read model at the head of the log', async () => {
    await expectReadModelsAtHead(ctx);
  });
});
