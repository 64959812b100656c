import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordEvents } from '../../src/platform/eventStore/commandHandler.js';
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

describe('invitation of a company managed by a consultant', () => {
  let ctx: TestApp;
  const linkedOwners = async (contractNumber: string) =>
    (await ctx.store.readStream(`contract-${contractNumber}`)).events
      .filter((event) => event.type === 'ContractOwnerLinked')
      .map((event) => (event.data as { ownerAccountId: string }).ownerAccountId);

  beforeAll(async () => {
    ctx = await startTestApp();
    await createOperator(ctx);
    await seedRegistry(ctx.test.database.db, [
      ['1001234567', '3001234567', 'Euro Oil SRL'],
      ['1002222222', '3002222222', 'Tintoria Po SRL'],
    ]);
    await registerAndApprove(
      ctx,
      'studio',
      registrationFields({
        username: 'studio.uno',
        email: 'uno@example.com',
      }),
    );
    await registerAndApprove(
      ctx,
      'ditta',
      registrationFields({ username: 'tintoria.po', email: 'po@tintoria.example' }, [
        { customerCode: '1002222222', contracts: ['3002222222'] },
      ]),
    );
  });
  afterAll(async () => ctx.close());

  it('refuses to invite a company that already has its Ditta account, with a clear message', async () => {
    const operator = await signedIn(ctx, operatorLogin);
    await operator.get('/operatori/inviti');
    const refused = await operator.post('/operatori/inviti', {
      customerCode: '1002222222',
      pec: 'tintoria@pec.example',
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain(
      'Questa ditta ha già un account sul portale: non serve invitarla.',
    );
    expect(await linkedOwners('3002222222')).toEqual([]);
  });

  it('keeps linking after an invitation whose contract already had another owner', async () => {
    // An invitation recorded before the portal refused them (the log keeps it): its contract is
    // owned by the registered Ditta, so the process manager skips it and goes on.
    const accountId = randomUUID();
    await recordEvents(
      ctx.store,
      `account-${accountId}`,
      [
        {
          type: 'CompanyInvited',
          data: {
            accountId,
            customerCode: '1002222222',
            companyName: 'Tintoria Po SRL',
            pec: 'vecchio.invito@pec.example',
            username: 'ditta.vecchio.invito',
            passwordHash: 'not-a-real-hash',
          },
        },
      ],
      {
        commandId: randomUUID(),
        correlationId: randomUUID(),
        actor: { id: 'olga', role: 'operator' },
        clientIp: '192.0.2.1',
        now: new Date(),
      },
    );
    await settle(ctx);
    expect(await linkedOwners('3002222222')).toEqual([]);
    const manager = ctx.projections
      .status()
      .find((status) => status.name === 'invited_company_contracts');
    expect(manager?.state).toBe('running');
  });

  it('sends first-access credentials to the PEC; the company must change the password, then owns its contracts', async () => {
    const operator = await signedIn(ctx, operatorLogin);
    await operator.get('/operatori/inviti');
    expect(
      (await operator.post('/operatori/inviti', { customerCode: '1009999999', pec: 'x@pec.it' }))
        .body,
    ).toContain('Codice cliente non presente');
    const invited = await operator.post('/operatori/inviti', {
      customerCode: '1001234567',
      pec: 'euro.oil@pec.it',
    });
    expect(invited.statusCode).toBe(303);
    expect(invited.headers.location).toMatch(/^\/operatori\/inviti\?invitato=[0-9a-f-]{36}$/);
    const notice = await operator.get(invited.headers.location as string);
    expect(notice.statusCode).toBe(200);
    expect(notice.body).toContain(
      'Invito inviato a euro.oil@pec.it: nome utente ditta.1001234567, password per il primo accesso nella PEC.',
    );
    expect(
      (
        await operator.post('/operatori/inviti', {
          customerCode: '1001234567',
          pec: 'euro.oil@pec.it',
        })
      ).body,
    ).toContain('Questa ditta ha già un account sul portale');
    await settle(ctx);

    const mail = await ctx.test.database.db
      .selectFrom('mail_outbox')
      .select(['subject', 'text_body'])
      .where('to_address', '=', 'euro.oil@pec.it')
      .executeTakeFirstOrThrow();
    expect(mail.subject).toBe('Dichiara – invito al portale degli scarichi industriali');
    const password = /Password: (\S+)/.exec(mail.text_body)?.[1];
    expect(password).toBeDefined();

    const company = new TestClient(ctx.app);
    expect(
      (await company.post('/accesso', { username: 'ditta.1001234567', password: password! }))
        .statusCode,
    ).toBe(303);
    for (const url of ['/area-riservata', '/contratti', '/profilo']) {
      const response = await company.get(url);
      expect(response.headers.location, url).toBe('/primo-accesso');
    }
    expect((await company.get('/primo-accesso')).body).toContain('Primo accesso');
    expect(
      (
        await company.post('/primo-accesso', {
          password: 'Nuova-Ditta-1',
          passwordConfirm: 'Altra-Ditta-1',
        })
      ).statusCode,
    ).toBe(422);
    expect(
      (
        await company.post('/primo-accesso', {
          password: 'Nuova-Ditta-1',
          passwordConfirm: 'Nuova-Ditta-1',
        })
      ).statusCode,
    ).toBe(303);
    await settle(ctx);

    expect(await linkedOwners('3001234567')).toHaveLength(1);
    const contracts = await company.get('/contratti');
    expect(contracts.statusCode).toBe(200);
    expect(contracts.body).toContain('Contratto 3001234567');
    expect(contracts.body).toContain('Gestisci contratto');
    expect(
      (
        await new TestClient(ctx.app).post('/accesso', {
          username: 'ditta.1001234567',
          password: password!,
        })
      ).statusCode,
    ).toBe(422);
  });
});
