import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  beforeAll(async () => {
    ctx = await startTestApp();
    await createOperator(ctx);
    await seedRegistry(ctx.test.database.db, [['1001234567', '3001234567', 'Euro Oil SRL']]);
    await registerAndApprove(
      ctx,
      'studio',
      registrationFields({
        username: 'studio.uno',
        email: 'uno@example.com',
      }),
    );
  });
  afterAll(async () => ctx.close());

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
    expect(invited.statusCode).toBe(200);
    expect(invited.body).toContain('nome utente ditta.1001234567');
    expect(
      (
        await operator.post('/operatori/inviti', {
          customerCode: '1001234567',
          pec: 'euro.oil@pec.it',
        })
      ).body,
    ).toContain('Questa ditta ha già un account sul portale.');
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
