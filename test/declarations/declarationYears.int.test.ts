import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  registerAndApprove,
  registrationFields,
  seedRegistry,
  certifiedSending,
} from '../support/accounts.js';
import { TestClient } from '../support/client.js';
import { commandIdOf, filledTemplate, openCampaign } from '../support/declarations.js';
import {
  createOperator,
  operatorLogin,
  settle,
  signedIn,
  startTestApp,
  type TestApp,
} from '../support/testApp.js';

/**
 * November 2026: the 2026 campaign is open and on time, the 2025 one is past its deadline. The
 * consultant files 2025 late and 2026 on time; the company, invited later, reads both.
 */
describe('declarations of more than one year', () => {
  let ctx: TestApp;
  const studio = { username: 'studio.verdi', password: 'Segreta-2026' };
  const contract = '3002220001';
  const pending = '3002220002';
  const base = (year: number) => `/dichiarazioni/${year}/${contract}`;

  async function file(client: TestClient, year: number) {
    await client.get(base(year));
    const declaration = await filledTemplate(client, base(year), 'dichiarazione');
    const uploaded = await client.postMultipart(
      base(year),
      { visionato: 'si', 'email-notifica': 'verdi@studio.example', 'descrizione-1': 'Planimetria' },
      {
        dichiarazione: { filename: `dichiarazione-${year}.xlsx`, content: declaration },
        'allegato-1': {
          filename: `planimetria-${year}.pdf`,
          content: Buffer.from(`%PDF-1.4 ${year}`),
        },
      },
    );
    expect(uploaded.statusCode, uploaded.body).toBe(303);
    const commandId = commandIdOf((await client.get(`${base(year)}/validazione`)).body);
    expect(
      (await client.post(`${base(year)}/invia`, { commandId, ...certifiedSending() })).statusCode,
    ).toBe(303);
    await settle(ctx);
  }

  beforeAll(async () => {
    ctx = await startTestApp({ now: () => new Date('2026-11-20T09:30:00Z') });
    await createOperator(ctx);
    await seedRegistry(ctx.test.database.db, [
      ['1002220000', contract, 'Cartiera Verdi SRL'],
      ['1002220000', pending, 'Cartiera Verdi SRL'],
    ]);
    await registerAndApprove(
      ctx,
      'studio',
      registrationFields({ ...studio, fullName: 'Vera Verdi', email: 'verdi@studio.example' }, [
        { customerCode: '1002220000', contracts: [contract] },
      ]),
    );
    await openCampaign(ctx, 2025);
    await openCampaign(ctx, 2026);
  });
  afterAll(async () => ctx.close());

  it('offers every open campaign’s year, the newest first, and files last year’s late', async () => {
    const consultant = await signedIn(ctx, studio);
    const page = await consultant.get('/dichiarazioni');
    expect(page.body).toContain('Anno di riferimento 2026');
    expect(page.body).toMatch(/href="\/dichiarazioni\?anno=2026" aria-current="page"/);
    expect(page.body).toContain('href="/dichiarazioni?anno=2025"');
    expect(page.body).toContain(`href="${base(2026)}"`);
    expect(page.body).not.toContain('Il termine per le dichiarazioni 2026 è scaduto');

    const last = await consultant.get('/dichiarazioni?anno=2025');
    expect(last.body).toContain('Anno di riferimento 2025');
    expect(last.body).toContain(
      'Il termine per le dichiarazioni 2025 è scaduto: puoi ancora inviarle, saranno segnalate come presentate oltre il termine.',
    );
    expect(last.body).toContain(`href="${base(2025)}"`);
    await file(consultant, 2025);
    const filed2025 = (await ctx.store.readStream(`contract-${contract}`)).events.find(
      (event) => event.type === 'DeclarationSubmitted',
    );
    expect(filed2025?.data).toMatchObject({ year: 2025, late: true });
    const after = await consultant.get('/dichiarazioni?anno=2025');
    expect(after.body).toContain('Dichiarazione 2025 già inviata (protocollo 2025/000001).');
    expect(after.body).toContain('oltre il termine');
    await file(consultant, 2026);
  });

  it('shows a contract not yet validated by the operators greyed out, with the reason', async () => {
    const consultant = await signedIn(ctx, studio);
    await consultant.get('/contratti/nuovo');
    const declared = await consultant.post('/contratti/nuovo', {
      customerCode: '1002220000',
      companyName: 'Cartiera Verdi SRL',
      'contract[contractNumber]': pending,
      'contract[street]': 'Via del Porto',
      'contract[civic]': '3',
      'contract[cap]': '44121',
      'contract[province]': 'FE',
      'contract[municipality]': 'Ferrara',
      currentPassword: studio.password,
    });
    expect(declared.statusCode).toBe(303);
    await settle(ctx);
    const page = (await consultant.get('/dichiarazioni')).body;
    const item = new RegExp(
      `<li class="list-group-item[^"]*contract-choice-disabled">(?:(?!</li>).)*Contratto ${pending}(?:(?!</li>).)*</li>`,
      's',
    ).exec(page)?.[0];
    expect(item).toBeDefined();
    expect(item).toContain('Contratto non ancora convalidato dagli operatori.');
    expect(item).toMatch(/aria-disabled="true"[^>]*title="Contratto non ancora convalidato/);
    expect(page).not.toContain(`href="/dichiarazioni/2026/${pending}"`);
    // The wizard says the same to its manager.
    const wizard = await consultant.get(`/dichiarazioni/2026/${pending}`);
    expect(wizard.statusCode).toBe(403);
    expect(wizard.body).toContain('non è ancora stato convalidato dagli operatori');
  });

  it('lets the company invited later read the declarations and the documents of every year', async () => {
    const operator = await signedIn(ctx, operatorLogin);
    await operator.get('/operatori/inviti');
    const invited = await operator.post('/operatori/inviti', {
      customerCode: '1002220000',
      pec: 'cartiera@pec.example',
    });
    expect(invited.statusCode).toBe(303);
    await settle(ctx);
    const mail = await ctx.test.database.db
      .selectFrom('mail_outbox')
      .select('text_body')
      .where('to_address', '=', 'cartiera@pec.example')
      .executeTakeFirstOrThrow();
    const company = new TestClient(ctx.app);
    await company.post('/accesso', {
      username: 'ditta.1002220000',
      password: /Password: (\S+)/.exec(mail.text_body)![1]!,
    });
    await company.get('/primo-accesso');
    await company.post('/primo-accesso', {
      password: 'Cartiera-Verdi_2027',
      passwordConfirm: 'Cartiera-Verdi_2027',
    });
    await settle(ctx);

    const page = await company.get('/dichiarazioni');
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/<td>2026\/000001<\/td>/);
    const earlier = /<section aria-labelledby="altri-anni">[\s\S]*?<\/section>/.exec(page.body)![0];
    expect(earlier).toMatch(
      /<td>2025<\/td>\s*<td>2025\/000001 <span class="badge[^"]*">oltre il termine/,
    );
    expect(earlier).toContain(`href="${base(2025)}/risultato"`);

    const result = await company.get(`${base(2025)}/risultato`);
    expect(result.statusCode).toBe(200);
    expect(result.body).toContain('Documenti inviati');
    const link = new RegExp(
      `href="(${base(2025)}/file/[0-9a-f]{64})">planimetria-2025\\.pdf</a> — Planimetria`,
    ).exec(result.body);
    expect(link).not.toBeNull();
    const document = await company.get(link![1]!);
    expect(document.statusCode).toBe(200);
    expect(document.rawPayload.toString()).toBe('%PDF-1.4 2025');
    expect((await company.get(`${base(2025)}/copia.pdf`)).statusCode).toBe(200);
    expect(result.body).toContain(
      'href="/dichiarazioni?anno=2025">TORNA ALLA SCHERMATA PRINCIPALE',
    );
  });
});
