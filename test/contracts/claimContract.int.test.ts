import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAndApprove, registrationFields, seedRegistry } from '../support/accounts.js';
import {
  createOperator,
  operatorLogin,
  settle,
  signedIn,
  startTestApp,
  type TestApp,
} from '../support/testApp.js';
import { backends } from '../support/testDatabase.js';

describe.each(backends())('%s: ClaimContract ("Gestisci contratto") and release', (backend) => {
  let ctx: TestApp;
  const studio = { username: 'studio.verdi', password: 'Segreta-2026' };
  const ditta = { username: 'euro.oil', password: 'Segreta-2026' };
  const manager = async (number: string) =>
    (
      await ctx.test.database.db
        .selectFrom('contracts')
        .select('manager_account_id')
        .where('contract_number', '=', number)
        .executeTakeFirstOrThrow()
    ).manager_account_id;
  let dittaId: string;

  beforeAll(async () => {
    ctx = await startTestApp({ backend });
    await createOperator(ctx);
    await seedRegistry(ctx.test.database.db, [
      ['1001234567', '3001234567', 'Euro Oil SRL'],
      ['1001234567', '3001234568', 'Euro Oil SRL'],
      ['1009999999', '3009999999', 'Altra SRL'],
    ]);
    await registerAndApprove(
      ctx,
      'studio',
      registrationFields(
        {
          ...studio,
          fullName: 'Marta Verdi',
          email: 'verdi@example.com',
        },
        [{ customerCode: '1001234567', contracts: ['3001234567', '3001234568'] }],
      ),
    );
    dittaId = await registerAndApprove(
      ctx,
      'ditta',
      registrationFields(
        {
          ...ditta,
          fullName: 'Elena Oil',
          email: 'euro@example.com',
        },
        [{ customerCode: '1001234567', contracts: ['3001234567', '3001234568'] }],
      ),
    );
    await registerAndApprove(
      ctx,
      'studio',
      registrationFields({ username: 'studio.altro', email: 'altro@example.com' }, [
        { customerCode: '1009999999', contracts: ['3009999999'] },
      ]),
    );
  });
  afterAll(async () => ctx.close());

  it('shows the company who manages its contracts and offers "Gestisci contratto"', async () => {
    const page = await (await signedIn(ctx, ditta)).get('/contratti');
    expect(page.body).toContain('Attualmente gestito da');
    expect(page.body).toContain('Marta Verdi (verdi@example.com)');
    expect(page.body).toContain('Gestisci contratto');
  });

  it('lets the company take the contract over, tells the consultant, who keeps read access only', async () => {
    const client = await signedIn(ctx, ditta);
    await client.get('/contratti');
    const claimed = await client.post('/contratti/3001234567/gestisci', {});
    expect(claimed.statusCode).toBe(303);
    expect(await manager('3001234567')).toBe(dittaId);
    await settle(ctx);
    const mail = await ctx.test.database.db
      .selectFrom('mail_outbox')
      .select('subject')
      .where('to_address', '=', 'verdi@example.com')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(mail.subject).toBe('Dichiara – contratto 3001234567 preso in gestione dalla ditta');
    const consultant = await signedIn(ctx, studio);
    expect((await consultant.get('/contratti')).body).toContain(
      'Non gestisci più questo contratto',
    );
    expect((await consultant.post('/contratti/3001234567/gestisci', {})).statusCode).toBe(403);
  });

  it('answers 404 for a contract the account cannot see, whatever the number', async () => {
    const client = await signedIn(ctx, ditta);
    await client.get('/contratti');
    expect((await client.post('/contratti/3009999999/gestisci', {})).statusCode).toBe(404);
    expect((await client.post('/contratti/0000000000/gestisci', {})).statusCode).toBe(404);
    expect((await client.post('/contratti/abc/gestisci', {})).statusCode).toBe(404);
  });

  it('gives exactly one outcome to two claims at the same moment', async () => {
    const client = await signedIn(ctx, ditta);
    await client.get('/contratti');
    const outcomes = await Promise.all([
      client.post('/contratti/3001234568/gestisci', {}),
      client.post('/contratti/3001234568/gestisci', {}),
    ]);
    expect(outcomes.map((response) => response.statusCode).sort()).toEqual([303, 409]);
    expect(outcomes.find((response) => response.statusCode === 409)?.body).toContain(
      'La ditta gestisce già questo contratto.',
    );
    const { events } = await ctx.store.readStream('contract-3001234568');
    expect(events.filter((event) => event.type === 'ContractClaimed')).toHaveLength(1);
  });

  it('shows the contract history with who, when and from where to the company, the former manager and operators only', async () => {
    const history = await (await signedIn(ctx, ditta)).get('/contratti/3001234567/storia');
    expect(history.statusCode).toBe(200);
    expect(history.body).toContain('Contratto dichiarato da Marta Verdi');
    expect(history.body).toContain('Convalidato con l’approvazione della registrazione');
    expect(history.body).toContain(
      'Preso in gestione dalla ditta Elena Oil (prima gestito da Marta Verdi)',
    );
    expect(history.body).toContain('127.0.0.1');
    expect(
      (await (await signedIn(ctx, studio)).get('/contratti/3001234567/storia')).statusCode,
    ).toBe(200);
    expect(
      (await (await signedIn(ctx, operatorLogin)).get('/contratti/3001234567/storia')).statusCode,
    ).toBe(200);
    const stranger = await signedIn(ctx, { username: 'studio.altro', password: 'Segreta-2026' });
    expect((await stranger.get('/contratti/3001234567/storia')).statusCode).toBe(404);
  });

  it('lets the company hand the contract back to a consultant, who must accept', async () => {
    const company = await signedIn(ctx, ditta);
    await company.get('/contratti');
    expect(
      (await company.post('/contratti/3001234567/affida', { consulente: 'nessuno' })).statusCode,
    ).toBe(422);
    expect(
      (await company.post('/contratti/3001234567/affida', { consulente: studio.username }))
        .statusCode,
    ).toBe(303);
    const consultant = await signedIn(ctx, studio);
    expect((await consultant.get('/contratti')).body).toContain('Accetta la gestione');
    const stranger = await signedIn(ctx, { username: 'studio.altro', password: 'Segreta-2026' });
    await stranger.get('/contratti');
    expect((await stranger.post('/contratti/3001234567/accetta', {})).statusCode).toBe(404);
    expect((await consultant.post('/contratti/3001234567/accetta', {})).statusCode).toBe(303);
    expect(await manager('3001234567')).not.toBe(dittaId);
    const { events } = await ctx.store.readStream('contract-3001234567');
    expect(events.map((event) => event.type).slice(-2)).toEqual([
      'ContractDelegationOffered',
      'ContractDelegationAccepted',
    ]);
  });

  it('lets a consultant give a contract back', async () => {
    const other = await signedIn(ctx, { username: 'studio.altro', password: 'Segreta-2026' });
    await other.get('/contratti');
    expect((await other.post('/contratti/3009999999/rilascia', {})).statusCode).toBe(303);
    expect(await manager('3009999999')).toBeNull();
  });
});
