import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAndApprove, registrationFields, seedRegistry } from '../support/accounts.js';
import { TestClient } from '../support/client.js';
import { createOperator, settle, startTestApp, type TestApp } from '../support/testApp.js';

describe('contracts of an approved registration', () => {
  let ctx: TestApp;
  let studioId: string;
  const contract = (number: string) =>
    ctx.test.database.db
      .selectFrom('contracts')
      .selectAll()
      .where('contract_number', '=', number)
      .executeTakeFirstOrThrow();

  beforeAll(async () => {
    ctx = await startTestApp();
    await createOperator(ctx);
    await seedRegistry(ctx.test.database.db, [
      ['1001234567', '3001234567', 'Euro Oil SRL'],
      ['1001234567', '3001234568', 'Euro Oil SRL'],
    ]);
    studioId = await registerAndApprove(
      ctx,
      'studio',
      registrationFields(
        {
          username: 'studio.uno',
          email: 'studio.uno@example.com',
        },
        [{ customerCode: '1001234567', contracts: ['3001234567', '3001234568'] }],
      ),
    );
  });
  afterAll(async () => ctx.close());

  it('get their own streams, declared by the referent and validated by the approving operator', async () => {
    const row = await contract('3001234567');
    expect(row).toMatchObject({
      status: 'validated',
      manager_account_id: studioId,
      owner_account_id: null,
      company_name: 'Euro Oil 1 SRL',
    });
    const { events } = await ctx.store.readStream('contract-3001234568');
    expect(events.map((event) => event.type)).toEqual(['ContractDeclared', 'ContractValidated']);
    expect(events[1]?.metadata.actor.role).toBe('operator');
  });

  it('are refused to another Studio at registration', async () => {
    const client = new TestClient(ctx.app);
    const response = await client.post(
      '/registrazione/studio',
      registrationFields({
        username: 'studio.due',
        email: 'due@example.com',
      }),
    );
    expect(response.statusCode).toBe(422);
    expect(response.body).toContain('Questo contratto è già gestito da un altro utente.');
  });

  it('make the company the owner when it registers as a Ditta', async () => {
    const dittaId = await registerAndApprove(
      ctx,
      'ditta',
      registrationFields({
        username: 'euro.oil',
        email: 'euro@example.com',
      }),
    );
    await settle(ctx);
    expect(await contract('3001234567')).toMatchObject({
      manager_account_id: studioId,
      owner_account_id: dittaId,
    });
  });
});
