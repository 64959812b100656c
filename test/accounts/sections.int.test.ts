import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { homeOf } from '../../src/accounts/auth.js';
import { createStaffAccount, systemContext } from '../../src/accounts/staffAccounts.js';
import { registerAndApprove, registrationFields, seedRegistry } from '../support/accounts.js';
import { TestClient } from '../support/client.js';
import {
  createOperator,
  operatorLogin,
  settle,
  signedIn,
  startTestApp,
  type TestApp,
} from '../support/testApp.js';

/** The header's sections: what each role may open, every link opening for that role. */
describe('the sections in the header', () => {
  let ctx: TestApp;
  const ditta = { username: 'ditta.sezioni', password: 'Segreta-2026' };
  const auditor = { username: 'aldo', password: 'Revisore-2026' };
  const admin = { username: 'amelia', password: 'Amministratrice-2026' };

  /** The links of the «Sezioni» navigation: label, href, and whether it is the current page. */
  const sectionsOf = (html: string) => {
    const nav = /<nav aria-label="Sezioni"[\s\S]*?<\/nav>/.exec(html)?.[0] ?? '';
    return [
      ...nav.matchAll(
        /<a class="nav-link[^"]*" href="([^"]+)"( aria-current="page")?>([^<]+)<\/a>/g,
      ),
    ].map(([, href, current, label]) => ({
      href: href!,
      label: label!,
      current: Boolean(current),
    }));
  };

  beforeAll(async () => {
    ctx = await startTestApp();
    await createOperator(ctx);
    for (const [role, who, fullName] of [
      ['auditor', auditor, 'Aldo Revisore'],
      ['admin', admin, 'Amelia Amministratrice'],
    ] as const) {
      await createStaffAccount(
        ctx.store,
        { role, ...who, fullName, email: `${who.username}@gestore.example` },
        systemContext(new Date()),
      );
    }
    await seedRegistry(ctx.test.database.db, [['1001234567', '3001234567', 'Euro Oil SRL']]);
    await registerAndApprove(ctx, 'ditta', registrationFields({ ...ditta }));
    await settle(ctx);
  });
  afterAll(async () => ctx.close());

  /** The operator's and the portal administrator's header: the same sections. */
  const utilitySections = [
    'Registrazioni',
    'Contratti',
    'Inviti',
    'Anagrafica',
    'Campagne',
    'Accessi rifiutati',
    'Revisione',
    'Profilo',
  ];

  it.each([
    ['declarant', ditta, ['Area riservata', 'Contratti', 'Dichiarazioni', 'Persone', 'Profilo']],
    ['operator', operatorLogin, utilitySections],
    ['admin', admin, utilitySections],
    ['auditor', auditor, ['Revisione', 'Profilo']],
  ] as const)(
    'shows a %s the sections it may open, each opening, the current one marked',
    async (role, who, labels) => {
      const client = await signedIn(ctx, who);
      const home = await client.get(homeOf(role));
      expect(home.statusCode).toBe(200);
      const sections = sectionsOf(home.body);
      expect(sections.map((s) => s.label)).toEqual(labels);
      expect(sections.filter((s) => s.current).map((s) => s.href)).toEqual([homeOf(role)]);
      for (const section of sections) {
        const page = await client.get(section.href);
        expect(page.statusCode, `${role}: ${section.href}`).toBe(200);
        expect(
          sectionsOf(page.body).find((s) => s.current)?.href,
          `${section.href} is marked as the current section`,
        ).toBe(section.href);
      }
    },
  );

  it('shows a visitor no sections, only the way in', async () => {
    const home = await new TestClient(ctx.app).get('/');
    expect(sectionsOf(home.body)).toEqual([]);
    expect(home.body).toContain('href="/accesso"');
  });
});
