import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fieldError } from '../observatory/pageText.js';
import { registerAndApprove, registrationFields, seedRegistry } from '../support/accounts.js';
import {
  createOperator,
  operatorLogin,
  settle,
  signedIn,
  startTestApp,
  type TestApp,
} from '../support/testApp.js';

describe('a contract added after registration waits for an operator', () => {
  let ctx: TestApp;
  const studio = { username: 'studio.uno', password: 'Segreta-2026' };
  const contract = (number: string) =>
    ctx.test.database.db
      .selectFrom('contracts')
      .selectAll()
      .where('contract_number', '=', number)
      .executeTakeFirst();
  const newestMail = async () =>
    await ctx.test.database.db
      .selectFrom('mail_outbox')
      .select(['subject', 'text_body'])
      .where('to_address', '=', 'uno@example.com')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
  const form = (number: string, overrides: Record<string, string> = {}) => ({
    customerCode: '1001234567',
    companyName: 'Euro Oil SRL',
    'contract[contractNumber]': number,
    'contract[street]': 'Via Nuova',
    'contract[civic]': '5',
    'contract[cap]': '40100',
    'contract[province]': 'BO',
    'contract[municipality]': 'Bologna',
    currentPassword: studio.password,
    ...overrides,
  });

  beforeAll(async () => {
    ctx = await startTestApp();
    await createOperator(ctx);
    await seedRegistry(ctx.test.database.db, [
      ['1001234567', '3001234567', 'Euro Oil SRL'],
      ['1001234567', '3001234570', 'Euro Oil SRL'],
      ['1001234567', '3001234571', 'Euro Oil SRL'],
    ]);
    await registerAndApprove(
      ctx,
      'studio',
      registrationFields({
        ...studio,
        email: 'uno@example.com',
      }),
    );
  });
  afterAll(async () => ctx.close());

  it('needs the current password and a pair known to the registry, changing nothing otherwise', async () => {
    const client = await signedIn(ctx, studio);
    await client.get('/contratti/nuovo');
    const wrongPassword = await client.post(
      '/contratti/nuovo',
      form('3001234570', { currentPassword: 'Sbagliata-1' }),
    );
    expect(wrongPassword.statusCode).toBe(422);
    expect(wrongPassword.body).toContain('La password attuale non è corretta.');
    const unknownPair = await client.post('/contratti/nuovo', form('3009999999'));
    expect(unknownPair.body).toContain(
      'La coppia codice cliente e numero contratto non è ammessa.',
    );
    // A wrong password and a wrong field are both reported, each beside its field, at once.
    const both = await client.post(
      '/contratti/nuovo',
      form('3001234570', { currentPassword: 'Sbagliata-1', 'contract[cap]': '401' }),
    );
    expect(both.statusCode).toBe(422);
    expect(fieldError(both.body, 'Password attuale')).toBe('La password attuale non è corretta.');
    expect(fieldError(both.body, 'CAP')).toMatch(/CAP/);
    expect(await contract('3001234570')).toBeUndefined();
  });

  it('is declared pending, validated by an operator, and the declarant is told', async () => {
    const client = await signedIn(ctx, studio);
    await client.get('/contratti/nuovo');
    const declared = await client.post('/contratti/nuovo', form('3001234570'));
    expect(declared.statusCode).toBe(303);
    expect(await contract('3001234570')).toMatchObject({ status: 'pending' });
    expect((await client.get('/contratti')).body).toContain('In attesa di convalida');

    const operator = await signedIn(ctx, operatorLogin);
    const queue = await operator.get('/operatori/contratti');
    expect(queue.body).toContain('Contratto 3001234570');
    expect(queue.body).toContain('Presente in anagrafica');
    expect((await operator.post('/operatori/contratti/3001234570/convalida', {})).statusCode).toBe(
      303,
    );
    expect(await contract('3001234570')).toMatchObject({ status: 'validated' });
    await settle(ctx);
    expect((await newestMail()).subject).toBe('Dichiara – contratto 3001234570 convalidato');
    expect((await operator.post('/operatori/contratti/3001234570/convalida', {})).statusCode).toBe(
      409,
    );
  });

  it('is rejected with a reason the declarant reads by mail', async () => {
    const client = await signedIn(ctx, studio);
    await client.get('/contratti/nuovo');
    await client.post('/contratti/nuovo', form('3001234571'));
    const operator = await signedIn(ctx, operatorLogin);
    await operator.get('/operatori/contratti');
    expect(
      (await operator.post('/operatori/contratti/3001234571/respingi', { reason: 'no' }))
        .statusCode,
    ).toBe(422);
    expect(
      (
        await operator.post('/operatori/contratti/3001234571/respingi', {
          reason: 'Stabilimento cessato nel 2025',
        })
      ).statusCode,
    ).toBe(303);
    await settle(ctx);
    const mail = await newestMail();
    expect(mail.subject).toBe('Dichiara – contratto 3001234571 non convalidato');
    expect(mail.text_body).toContain('Stabilimento cessato nel 2025');
    // The declarant reads «respinto» with the reason, not «not validated yet».
    const contracts = await client.get('/contratti');
    expect(contracts.body).toContain('Respinto dagli operatori: Stabilimento cessato nel 2025');
  });

  it("keeps operators' pages closed to declarants", async () => {
    const client = await signedIn(ctx, studio);
    expect((await client.get('/operatori/contratti')).statusCode).toBe(403);
    await client.get('/contratti');
    expect((await client.post('/operatori/contratti/3001234570/convalida', {})).statusCode).toBe(
      403,
    );
  });
});
