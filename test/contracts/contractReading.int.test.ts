import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  registerAndApprove,
  registrationFields,
  seedRegistry,
  certifiedSending,
} from '../support/accounts.js';
import { TestClient } from '../support/client.js';
import {
  campaignYear,
  commandIdOf,
  filledTemplate,
  openCampaign,
} from '../support/declarations.js';
import {
  createOperator,
  operatorLogin,
  settle,
  signedIn,
  startTestApp,
  type TestApp,
} from '../support/testApp.js';

/**
 * Who reads what after the hand-overs: the invited company reads what its consultant filed, the
 * consultant who lost the contract keeps only its own filings.
 */
describe('reading a contract and its declarations after a takeover', () => {
  let ctx: TestApp;
  const studio = { username: 'studio.bianchi', password: 'Segreta-2026' };
  const company = new Map<string, TestClient>();
  const base = `/dichiarazioni/${campaignYear}/3001110001`;

  /** The operator invites the company; it logs in with the PEC's password and sets its own. */
  async function invitedCompany(): Promise<TestClient> {
    const operator = await signedIn(ctx, operatorLogin);
    await operator.get('/operatori/inviti');
    const invited = await operator.post('/operatori/inviti', {
      customerCode: '1001110000',
      pec: 'tintoria@pec.example',
    });
    expect(invited.statusCode).toBe(303);
    await settle(ctx);
    const mail = await ctx.test.database.db
      .selectFrom('mail_outbox')
      .select('text_body')
      .where('to_address', '=', 'tintoria@pec.example')
      .executeTakeFirstOrThrow();
    const client = new TestClient(ctx.app);
    await client.post('/accesso', {
      username: 'ditta.1001110000',
      password: /Password: (\S+)/.exec(mail.text_body)![1]!,
    });
    await client.get('/primo-accesso');
    const changed = await client.post('/primo-accesso', {
      password: 'Tintoria-Po_2026',
      passwordConfirm: 'Tintoria-Po_2026',
    });
    expect(changed.statusCode).toBe(303);
    await settle(ctx);
    return client;
  }

  beforeAll(async () => {
    ctx = await startTestApp({ now: () => new Date('2026-01-20T09:30:00Z') });
    await createOperator(ctx);
    await seedRegistry(ctx.test.database.db, [['1001110000', '3001110001', 'Tintoria Po SRL']]);
    await registerAndApprove(
      ctx,
      'studio',
      registrationFields({ ...studio, fullName: 'Luca Bianchi', email: 'bianchi@studio.example' }, [
        { customerCode: '1001110000', contracts: ['3001110001'] },
      ]),
    );
    await openCampaign(ctx);
    // The consultant files the 2025 declaration.
    const consultant = await signedIn(ctx, studio);
    await consultant.get(base);
    const declaration = await filledTemplate(consultant, base, 'dichiarazione');
    const uploaded = await consultant.postMultipart(
      base,
      { visionato: 'si', 'email-notifica': 'bianchi@studio.example' },
      { dichiarazione: { filename: 'dichiarazione.xlsx', content: declaration } },
    );
    expect(uploaded.statusCode, uploaded.body).toBe(303);
    const commandId = commandIdOf((await consultant.get(`${base}/validazione`)).body);
    expect(
      (await consultant.post(`${base}/invia`, { commandId, ...certifiedSending() })).statusCode,
    ).toBe(303);
    await settle(ctx);
    company.set('tintoria', await invitedCompany());
  });
  afterAll(async () => ctx.close());

  it('lets the invited company read the declaration its consultant filed, and the contract history', async () => {
    const client = company.get('tintoria')!;
    const result = await client.get(`${base}/risultato`);
    expect(result.statusCode).toBe(200);
    expect(result.body).toContain('2025/000001');
    const copy = await client.get(`${base}/copia.pdf`);
    expect(copy.statusCode).toBe(200);
    expect(copy.headers['content-type']).toBe('application/pdf');
    expect((await client.get('/dichiarazioni')).body).toContain('2025/000001');
    const history = await client.get('/contratti/3001110001/storia');
    expect(history.statusCode).toBe(200);
    expect(history.body).toContain('Dichiarazione 2025 protocollata con il numero 2025/000001');
    expect(history.body).toContain(
      'Collegato all&#39;account della ditta intestataria Tintoria Po SRL',
    );
  });

  it('leaves the former manager its own filing and copy of record, nothing more of the contract', async () => {
    const client = company.get('tintoria')!;
    await client.get('/contratti');
    expect((await client.post('/contratti/3001110001/gestisci', {})).statusCode).toBe(303);
    await settle(ctx);

    const consultant = await signedIn(ctx, studio);
    const copy = await consultant.get(`${base}/copia.pdf`);
    expect(copy.statusCode).toBe(200);
    expect(copy.headers['content-type']).toBe('application/pdf');
    expect((await consultant.get(`${base}/risultato`)).statusCode).toBe(200);
    expect((await consultant.get('/dichiarazioni')).body).toContain('2025/000001');
    expect((await consultant.get('/contratti/3001110001/storia')).statusCode).toBe(404);
    const contracts = (await consultant.get('/contratti')).body;
    expect(contracts).toContain('Gestito in precedenza');
    expect(contracts).not.toContain('tintoria@pec.example');
    // The company's own first-access address never reaches the consultant's reserved area either.
    expect((await consultant.get('/area-riservata')).body).not.toContain('tintoria@pec.example');
  });
});
