import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  otpFromMail,
  registerAndApprove,
  registrationFields,
  seedRegistry,
} from '../../support/accounts.js';
import { TestClient } from '../../support/client.js';
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
 * Every form a declarant or a visitor fills, fed with hostile text (issue 13): each string is
 * refused beside its field recording nothing, or kept and shown only escaped; afterwards the
 * service is ready and every read model has applied the whole log.
 */

type Who = 'visitor' | 'ditta' | 'studio' | 'operator';

interface HostileForm {
  readonly name: string;
  readonly who: Who;
  /** The page that shows the form (the CSRF token comes from it). */
  readonly page: string;
  readonly url: string;
  /** A valid filling: each case puts a hostile text in one of textFields. */
  readonly fields: Record<string, string>;
  readonly textFields: readonly string[];
}

const ditta = { username: 'euro.oil', password: 'Segreta-2026' };
const studio = { username: 'studio.uno', password: 'Segreta-2026' };
const dittaContract = '3001234567';
const contractField = (name: string) => `companies[0][contracts][0][${name}]`;
const companyField = (name: string) => `companies[0][${name}]`;

/** The contract of a company a studio adds after registering, on pair `n` of the registry. */
const declaredContract = (n: number, change: Record<string, string> = {}) => ({
  customerCode: `100500000${n}`,
  companyName: 'Altra SRL',
  'contract[contractNumber]': `300500000${n}`,
  'contract[street]': 'Via Nuova',
  'contract[civic]': '5',
  'contract[cap]': '40100',
  'contract[province]': 'BO',
  'contract[municipality]': 'Bologna',
  currentPassword: studio.password,
  ...change,
});

const forms: readonly HostileForm[] = [
  {
    name: 'registration of a Ditta',
    who: 'visitor',
    page: '/registrazione/ditta',
    url: '/registrazione/ditta',
    fields: registrationFields({ username: 'nuova.ditta', email: 'nuova@example.com' }, [
      { customerCode: '1003000001', contracts: ['3003000001'] },
    ]),
    textFields: [
      'fullName',
      'phone',
      'email',
      'username',
      'password',
      companyField('name'),
      companyField('taxId'),
      companyField('phone'),
      companyField('email'),
      companyField('pec'),
      companyField('customerCode'),
      contractField('contractNumber'),
      contractField('street'),
      contractField('civic'),
      contractField('cap'),
      contractField('province'),
      contractField('municipality'),
    ],
  },
  {
    name: 'registration of a Studio',
    who: 'visitor',
    page: '/registrazione/studio',
    url: '/registrazione/studio',
    fields: registrationFields({ username: 'nuovo.studio', email: 'studio@example.net' }, [
      { customerCode: '1003000001', contracts: ['3003000001'] },
    ]),
    textFields: [
      'fullName',
      'password',
      companyField('name'),
      contractField('street'),
      contractField('municipality'),
    ],
  },
  {
    name: 'login',
    who: 'visitor',
    page: '/accesso',
    url: '/accesso',
    fields: { username: ditta.username, password: 'Sbagliata-2026' },
    textFields: ['username', 'password'],
  },
  {
    name: 'password reset request',
    who: 'visitor',
    page: '/password-dimenticata',
    url: '/password-dimenticata',
    fields: { username: 'nessuno' },
    textFields: ['username'],
  },
  {
    name: 'profile',
    who: 'ditta',
    page: '/profilo',
    url: '/profilo',
    fields: {
      fullName: 'Elena Oil',
      phone: '051 5447783',
      newEmail: '',
      newEmailConfirm: '',
      currentPassword: ditta.password,
      newPassword: '',
      newPasswordConfirm: '',
    },
    textFields: ['fullName', 'phone', 'newEmail', 'currentPassword', 'newPassword'],
  },
  {
    name: 'new contract',
    who: 'studio',
    page: '/contratti/nuovo',
    url: '/contratti/nuovo',
    fields: declaredContract(1),
    textFields: [
      'customerCode',
      'companyName',
      'contract[contractNumber]',
      'contract[street]',
      'contract[civic]',
      'contract[cap]',
      'contract[municipality]',
      'currentPassword',
    ],
  },
  {
    name: 'contract handed to a consultant',
    who: 'ditta',
    page: '/contratti',
    url: `/contratti/${dittaContract}/affida`,
    fields: { consulente: studio.username },
    textFields: ['consulente'],
  },
  {
    name: 'contract number change',
    who: 'ditta',
    page: `/contratti/${dittaContract}/cambio-numero`,
    url: `/contratti/${dittaContract}/cambio-numero`,
    fields: { newContractNumber: '3009999999', currentPassword: ditta.password },
    textFields: ['newContractNumber', 'currentPassword'],
  },
];

describe('hostile text in the forms of visitors and declarants', () => {
  let ctx: TestApp;
  const clients = {} as Record<Who, TestClient>;
  const send = (form: Pick<HostileForm, 'who' | 'page' | 'url'>) =>
    portalForm(ctx, clients[form.who], form.page, form.url);
  const pageOf = (who: Who) => async (url: string) => (await clients[who].get(url)).body;

  beforeAll(async () => {
    ctx = await startTestApp();
    await createOperator(ctx);
    await seedRegistry(ctx.test.database.db, [
      ['1001234567', dittaContract, 'Euro Oil SRL'],
      ['1002000001', '3002000001', 'Cliente dello Studio SRL'],
      ['1003000001', '3003000001', 'Nuova SRL'],
      ...[1, 2, 3, 4].map((n): [string, string, string] => [
        `100500000${n}`,
        `300500000${n}`,
        'Altra SRL',
      ]),
      ...[1, 2, 3, 4, 5, 6].map((n): [string, string, string] => [
        `100400000${n}`,
        `300400000${n}`,
        'Registrata SRL',
      ]),
    ]);
    await registerAndApprove(
      ctx,
      'ditta',
      registrationFields({ ...ditta, fullName: 'Elena Oil', email: 'euro@example.com' }),
    );
    await registerAndApprove(
      ctx,
      'studio',
      registrationFields({ ...studio, fullName: 'Sara Studio', email: 'sara@example.com' }, [
        { customerCode: '1002000001', contracts: ['3002000001'] },
      ]),
    );
    clients.ditta = await signedIn(ctx, ditta);
    clients.studio = await signedIn(ctx, studio);
    clients.operator = await signedIn(ctx, operatorLogin);
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

      it.each(['ditta', 'studio'] as const)(
        'a %s registration keeps it as text on the operators’ pages and in the mail',
        async (kind) => {
          const n = kind === 'ditta' ? index + 1 : index + 4;
          const email = `markup${n}@example.com`;
          const person = new TestClient(ctx.app);
          const fields = registrationFields(
            {
              username: `markup.${n}`,
              email,
              fullName: text,
              [companyField('name')]: text,
              [contractField('street')]: text,
            },
            [{ customerCode: `100400000${n}`, contracts: [`300400000${n}`] }],
          );
          const url = `/registrazione/${kind}`;
          const registered = await expectNeverRaw(
            portalForm(ctx, person, url, url),
            fields,
            async (next) => (await person.get(next)).body,
          );
          if (registered.status !== 303) return;
          await settle(ctx);
          const code = await otpFromMail(ctx.test.database.db, email);
          expect((await person.post('/registrazione/verifica', { code })).statusCode).toBe(303);
          await settle(ctx);
          const { account_id: id } = await ctx.test.database.db
            .selectFrom('accounts')
            .select('account_id')
            .where('username', '=', `markup.${n}`)
            .executeTakeFirstOrThrow();
          for (const page of ['/operatori/registrazioni', `/operatori/registrazioni/${id}`]) {
            const body = (await clients.operator.get(page)).body;
            expect(body, page).toContain(shown);
            expectNoRawMarkup(body, page);
          }
          const mails = await ctx.test.database.db
            .selectFrom('mail_outbox')
            .select('html_body')
            .where('to_address', '=', email)
            .execute();
          for (const mail of mails) expectNoRawMarkup(mail.html_body, `a mail to ${email}`);
        },
      );

      it('the login and the reset request show it only escaped', async () => {
        const login = await expectNeverRaw(
          send({ who: 'visitor', page: '/accesso', url: '/accesso' }),
          { username: text, password: 'Sbagliata-2026' },
          pageOf('visitor'),
        );
        expect(login.status).toBe(422);
        expect(login.body).toContain(`value="${shown}"`);
        await expectNeverRaw(
          send({ who: 'visitor', page: '/password-dimenticata', url: '/password-dimenticata' }),
          { username: text },
          pageOf('visitor'),
        );
      });

      it('the profile keeps a name as text', async () => {
        const profile = forms.find((form) => form.name === 'profile')!;
        const saved = await expectNeverRaw(
          send(profile),
          { ...profile.fields, fullName: text },
          pageOf('ditta'),
        );
        if (saved.status !== 303) return;
        const page = (await clients.ditta.get('/profilo')).body;
        expect(page).toContain(`value="${shown}"`);
        expectNoRawMarkup(page, '/profilo');
      });

      it('a new contract keeps its company and street as text for the declarant and the operators', async () => {
        const fields = declaredContract(index + 2, {
          companyName: text,
          'contract[street]': text,
        });
        const declared = await expectNeverRaw(
          send({ who: 'studio', page: '/contratti/nuovo', url: '/contratti/nuovo' }),
          fields,
          pageOf('studio'),
        );
        if (declared.status !== 303) return;
        for (const [who, page] of [
          ['studio', '/contratti'],
          ['operator', '/operatori/contratti'],
        ] as const) {
          const body = (await clients[who].get(page)).body;
          expect(body, page).toContain(shown);
          expectNoRawMarkup(body, page);
        }
      });

      it('a consultant’s name and a new contract number are refused and shown escaped', async () => {
        const handed = await expectNeverRaw(
          send({ who: 'ditta', page: '/contratti', url: `/contratti/${dittaContract}/affida` }),
          { consulente: text },
          pageOf('ditta'),
        );
        expect(handed.status).toBe(422);
        expect(handed.body).toContain(`value="${shown}"`);
        const page = `/contratti/${dittaContract}/cambio-numero`;
        const changed = await expectNeverRaw(
          send({ who: 'ditta', page, url: page }),
          { newContractNumber: text, currentPassword: ditta.password },
          pageOf('ditta'),
        );
        expect(changed.status).toBe(422);
        expect(changed.body).toContain(`value="${shown}"`);
      });
    },
  );

  it('leaves the service ready, every read model at the head of the log', async () => {
    await expectReadModelsAtHead(ctx);
  });
});
