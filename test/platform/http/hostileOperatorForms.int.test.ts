import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createStaffAccount, systemContext } from '../../../src/accounts/staffAccounts.js';
import {
  otpFromMail,
  registerAndApprove,
  registrationFields,
  seedRegistry,
} from '../../support/accounts.js';
import { TestClient } from '../../support/client.js';
import { campaignYear, openCampaign } from '../../support/declarations.js';
import {
  createOperator,
  operatorLogin,
  settle,
  signedIn,
  startTestApp,
  type TestApp,
} from '../../support/testApp.js';
import {
  describeRefusals,
  escapeHtml,
  expectNeverRaw,
  expectNoRawMarkup,
  expectReadModelsAtHead,
  forgetRateLimits,
  markupTexts,
  portalForm,
} from './support/hostileForms.js';

/**
 * The forms of the utility's staff (operators' decisions, invitations, campaigns, a contract's
 * limits) and of the auditors (verification, rebuilds, the history's filters), fed with hostile
 * text (issue 13). Addresses holding hostile text: hostileAddresses.int.test.ts.
 */

type Who = 'visitor' | 'ditta' | 'studio' | 'operator' | 'auditor';

interface StaffForm {
  readonly name: string;
  readonly who: Who;
  readonly page: () => string;
  readonly url: () => string;
  readonly fields: Record<string, string>;
  readonly textFields: readonly string[];
}

const ditta = { username: 'euro.oil', password: 'Segreta-2026' };
const studio = { username: 'studio.uno', password: 'Segreta-2026' };
const auditor = { username: 'revisore', password: 'Revisore-2026' };
const dittaContract = '3001234567';
const formula = '=HYPERLINK("http://evil.example","x")';
const limitsPage = `/operatori/campagne/${campaignYear}/contratti/${dittaContract}/limiti`;
/** Registrations awaiting approval (by index) and contracts a studio declared (by number). */
const pending: string[] = [];
const declared = (n: number) => `300600000${n}`;

const forms: readonly StaffForm[] = [
  {
    name: 'rejection of a registration',
    who: 'operator',
    page: () => `/operatori/registrazioni/${pending[0]}`,
    url: () => `/operatori/registrazioni/${pending[0]}/rifiuta`,
    fields: { reason: 'Dati della ditta incompleti.' },
    textFields: ['reason'],
  },
  {
    name: 'approval of a registration',
    who: 'operator',
    page: () => `/operatori/registrazioni/${pending[0]}`,
    url: () => `/operatori/registrazioni/${pending[0]}/approva`,
    fields: { note: 'Verificata al telefono.' },
    textFields: ['note'],
  },
  {
    name: 'rejection of a contract',
    who: 'operator',
    page: () => '/operatori/contratti',
    url: () => `/operatori/contratti/${declared(1)}/respingi`,
    fields: { reason: 'Contratto non in anagrafica.' },
    textFields: ['reason'],
  },
  {
    name: 'invitation of a company',
    who: 'operator',
    page: () => '/operatori/inviti',
    url: () => '/operatori/inviti',
    fields: { customerCode: '1007000001', pec: 'ditta@pec.example' },
    textFields: ['customerCode', 'pec'],
  },
  {
    name: 'opening of a campaign',
    who: 'operator',
    page: () => '/operatori/campagne',
    url: () => '/operatori/campagne',
    fields: {
      anno: '2026',
      scadenza: '2027-01-31',
      versione: '2026.1',
      tf: '0,211803',
      td: '0,097548',
      tdCap: '0,000210183',
      tolleranza: '5',
    },
    textFields: [
      'anno',
      'scadenza',
      'versione',
      'tf',
      'td',
      'tdCap',
      'tolleranza',
      'tolleranzaAnnua',
      'inquinanti[0][parametro]',
      'inquinanti[0][quota]',
      'inquinanti[0][riferimento]',
      'limiti[0][minimo]',
      'limiti[0][massimo]',
    ],
  },
  {
    name: 'limits of a contract',
    who: 'operator',
    page: () => limitsPage,
    url: () => limitsPage,
    fields: { motivo: 'Autorizzazione n. 1/2024.', 'limiti[0][parametro]': 'PH' },
    textFields: ['motivo', 'limiti[0][minimo]', 'limiti[0][massimo]'],
  },
  {
    name: 'verification of a stream',
    who: 'auditor',
    page: () => '/revisione/verifica',
    url: () => '/revisione/verifica/flusso',
    fields: { flusso: `contract-${dittaContract}` },
    textFields: ['flusso'],
  },
  {
    name: 'rebuild of a projection',
    who: 'operator',
    page: () => '/revisione/proiezioni',
    url: () => '/revisione/proiezioni/accounts/ricostruisci',
    fields: { motivo: 'Ripristino dopo la migrazione.' },
    textFields: ['motivo'],
  },
];

describe('hostile text in the forms of the staff and the auditors', () => {
  let ctx: TestApp;
  const clients = {} as Record<Who, TestClient>;
  const pageOf = (who: Who) => async (url: string) => (await clients[who].get(url)).body;
  const send = (form: Pick<StaffForm, 'who' | 'page' | 'url'>) =>
    portalForm(ctx, clients[form.who], form.page(), form.url());

  /** A registration confirmed by its referent, awaiting the operators: its account id. */
  async function pendingRegistration(n: number): Promise<string> {
    const person = new TestClient(ctx.app);
    const email = `attesa${n}@example.com`;
    await person.get('/registrazione/ditta');
    const fields = registrationFields({ username: `in.attesa.${n}`, email }, [
      { customerCode: `100800000${n}`, contracts: [`300800000${n}`] },
    ]);
    expect((await person.post('/registrazione/ditta', fields)).statusCode).toBe(303);
    await settle(ctx);
    const code = await otpFromMail(ctx.test.database.db, email);
    expect((await person.post('/registrazione/verifica', { code })).statusCode).toBe(303);
    await settle(ctx);
    const row = await ctx.test.database.db
      .selectFrom('accounts')
      .select('account_id')
      .where('username', '=', `in.attesa.${n}`)
      .executeTakeFirstOrThrow();
    return row.account_id;
  }

  beforeAll(async () => {
    ctx = await startTestApp({ now: () => new Date('2026-01-20T09:30:00Z') });
    await createOperator(ctx);
    await createStaffAccount(
      ctx.store,
      { role: 'auditor', ...auditor, fullName: 'Renato Revisore', email: 'r@gestore.example' },
      systemContext(new Date()),
    );
    const pairs = (prefix: string, name: string) =>
      [1, 2, 3, 4].map((n): [string, string, string] => [
        `${prefix.replace('3', '1')}${n}`,
        `${prefix}${n}`,
        name,
      ]);
    await seedRegistry(ctx.test.database.db, [
      ['1001234567', dittaContract, 'Euro Oil SRL'],
      ['1002000001', '3002000001', 'Cliente dello Studio SRL'],
      ...pairs('300600000', 'Dichiarata SRL'),
      ...pairs('300800000', 'In Attesa SRL'),
    ]);
    // Its company's name is a formula: the operators' export must keep it a text cell.
    await registerAndApprove(
      ctx,
      'ditta',
      registrationFields({ ...ditta, email: 'euro@example.com', 'companies[0][name]': formula }),
    );
    await registerAndApprove(
      ctx,
      'studio',
      registrationFields({ ...studio, email: 'sara@example.com' }, [
        { customerCode: '1002000001', contracts: ['3002000001'] },
      ]),
    );
    await openCampaign(ctx);
    for (const n of [1, 2, 3, 4]) pending.push(await pendingRegistration(n));
    clients.studio = await signedIn(ctx, studio);
    for (const n of [1, 2, 3, 4]) {
      await clients.studio.get('/contratti/nuovo');
      const response = await clients.studio.post('/contratti/nuovo', {
        customerCode: `100600000${n}`,
        companyName: 'Dichiarata SRL',
        'contract[contractNumber]': declared(n),
        'contract[street]': 'Via Nuova',
        'contract[civic]': '5',
        'contract[cap]': '40100',
        'contract[province]': 'BO',
        'contract[municipality]': 'Bologna',
        currentPassword: studio.password,
      });
      expect(response.statusCode, response.body).toBe(303);
    }
    await settle(ctx);
    clients.ditta = await signedIn(ctx, ditta);
    clients.operator = await signedIn(ctx, operatorLogin);
    clients.auditor = await signedIn(ctx, auditor);
  });
  beforeEach(async () => {
    clients.visitor = new TestClient(ctx.app);
    await forgetRateLimits(ctx);
  });
  afterAll(async () => ctx?.close());

  describeRefusals(forms, () => ctx, send);

  describe.each(markupTexts.map(([label, text], index) => ({ label, text, index })))(
    'markup: $label',
    ({ text, index }) => {
      const shown = escapeHtml(text);
      /** The page shows the text escaped and nowhere raw. */
      const expectShown = async (who: Who, url: string) => {
        const body = (await clients[who].get(url)).body;
        expect(body, url).toContain(shown);
        expectNoRawMarkup(body, url);
      };

      it('a registration’s rejection keeps its reason as text for the auditors and in the mail', async () => {
        const id = pending[index + 1]!;
        const rejected = await expectNeverRaw(
          send({
            who: 'operator',
            page: () => `/operatori/registrazioni/${id}`,
            url: () => `/operatori/registrazioni/${id}/rifiuta`,
          }),
          { reason: `Motivo: ${text}` },
          pageOf('operator'),
        );
        if (rejected.status !== 303) return;
        await settle(ctx);
        await expectShown('auditor', `/revisione/stream/account-${id}`);
        const mails = await ctx.test.database.db
          .selectFrom('mail_outbox')
          .select('html_body')
          .where('to_address', '=', `attesa${index + 2}@example.com`)
          .execute();
        for (const mail of mails) expectNoRawMarkup(mail.html_body, 'the rejection mail');
      });

      it('a contract’s rejection keeps its reason as text', async () => {
        const number = declared(index + 2);
        const rejected = await expectNeverRaw(
          send({
            who: 'operator',
            page: () => '/operatori/contratti',
            url: () => `/operatori/contratti/${number}/respingi`,
          }),
          { reason: `Motivo: ${text}` },
          pageOf('operator'),
        );
        if (rejected.status !== 303) return;
        await expectShown('auditor', `/revisione/stream/contract-${number}`);
        expectNoRawMarkup((await clients.studio.get('/contratti')).body, '/contratti');
      });

      it('an invitation’s address and a campaign’s version are refused and shown escaped', async () => {
        for (const [url, field] of [
          ['/operatori/inviti', 'pec'],
          ['/operatori/campagne', 'versione'],
        ] as const) {
          const form = forms.find((candidate) => candidate.url() === url)!;
          const refused = await expectNeverRaw(
            send(form),
            { ...form.fields, [field]: text },
            pageOf('operator'),
          );
          expect(refused.status, url).toBe(422);
          expect(refused.body, url).toContain(`value="${shown}"`);
        }
      });

      it('a contract’s limits keep their reason as text in the contract’s history', async () => {
        const saved = await expectNeverRaw(
          send({ who: 'operator', page: () => limitsPage, url: () => limitsPage }),
          {
            motivo: text,
            'limiti[0][parametro]': 'PH',
            'limiti[0][massimo]': `9,${index}`,
          },
          pageOf('operator'),
        );
        if (saved.status === 303) await expectShown('operator', limitsPage);
      });

      it('a login with it as the user name is shown escaped to the auditors', async () => {
        const login = await expectNeverRaw(
          send({ who: 'visitor', page: () => '/accesso', url: () => '/accesso' }),
          { username: text, password: 'Sbagliata-2026' },
          pageOf('visitor'),
        );
        expect(login.status).toBe(422);
        await settle(ctx);
        await expectShown('auditor', '/revisione/stream/signin-unknown');
      });
    },
  );

  it('keeps a company named as a formula a text cell in the campaign’s export', async () => {
    const csv = (
      await clients.operator.get(`/operatori/campagne/${campaignYear}/dichiarazioni.csv`)
    ).body;
    expect(csv).toContain(`'${formula.replaceAll('"', '""')}`);
    expect(csv).not.toMatch(/(^|;)"?[=+\-@]/m);
  });

  it('leaves the service ready, every read model at the head of the log', async () => {
    await expectReadModelsAtHead(ctx);
  });
});
