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

/**
 * A Ditta adds, after its registration, contracts from "+ Aggiungi contratto": only of its own
 * customer code, and a contract a consultant manages becomes its own only once an operator says so.
 */
describe('a Ditta adding contracts after registration', () => {
  let ctx: TestApp;
  const studio = { username: 'studio.uno', password: 'Segreta-2026' };
  const intruder = { username: 'altra.ditta', password: 'Segreta-2026' };
  const owner = { username: 'euro.oil', password: 'Segreta-2026' };
  const form = (customerCode: string, number: string, password: string) => ({
    customerCode,
    companyName: 'Euro Oil SRL',
    'contract[contractNumber]': number,
    'contract[street]': 'Via Nuova',
    'contract[civic]': '5',
    'contract[cap]': '40100',
    'contract[province]': 'BO',
    'contract[municipality]': 'Bologna',
    currentPassword: password,
  });
  const streamOf = async (number: string) =>
    (await ctx.store.readStream(`contract-${number}`)).events;
  const newestMail = async (to: string) => {
    await settle(ctx);
    return ctx.test.database.db
      .selectFrom('mail_outbox')
      .select(['subject', 'text_body'])
      .where('to_address', '=', to)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
  };

  beforeAll(async () => {
    ctx = await startTestApp();
    await createOperator(ctx);
    await seedRegistry(ctx.test.database.db, [
      ['1001234567', '3001234567', 'Euro Oil SRL'],
      ['1001234567', '3001234568', 'Euro Oil SRL'],
      ['1001234567', '3001234569', 'Euro Oil SRL'],
      ['1005555555', '3005555555', 'Altra Ditta SRL'],
    ]);
    await registerAndApprove(
      ctx,
      'studio',
      registrationFields({ ...studio, fullName: 'Marta Verdi', email: 'uno@example.com' }, [
        { customerCode: '1001234567', contracts: ['3001234567', '3001234568'] },
      ]),
    );
    await registerAndApprove(
      ctx,
      'ditta',
      registrationFields({ ...intruder, fullName: 'Altra Ditta', email: 'altra@example.com' }, [
        { customerCode: '1005555555', contracts: ['3005555555'] },
      ]),
    );
    await registerAndApprove(
      ctx,
      'ditta',
      registrationFields({ ...owner, fullName: 'Elena Oil', email: 'euro@example.com' }, [
        { customerCode: '1001234567', contracts: ['3001234569'] },
      ]),
    );
  });
  afterAll(async () => ctx.close());

  it("refuses a Ditta another company's customer code next to the field, appending nothing; the claim is refused too", async () => {
    const client = await signedIn(ctx, intruder);
    await client.get('/contratti/nuovo');
    const before = await streamOf('3001234567');
    const response = await client.post(
      '/contratti/nuovo',
      form('1001234567', '3001234567', intruder.password),
    );
    expect(response.statusCode).toBe(422);
    const field =
      /<input id="customerCode"[^>]*>\s*<div id="customerCode-error"[^>]*>([^<]*)</.exec(
        response.body,
      );
    expect(field?.[1]).toBe(
      'Una ditta può aggiungere solo i contratti del proprio codice cliente: questo codice cliente non è tra quelli della ditta.',
    );
    expect(await streamOf('3001234567')).toEqual(before);
    expect((await client.post('/contratti/3001234567/gestisci', {})).statusCode).toBe(404);
    expect((await client.get('/contratti/3001234567/storia')).statusCode).toBe(404);
    expect((await client.get('/contratti')).body).not.toContain('3001234567');
  });

  it('makes the owner of a consultant-managed contract wait for the operator before it may claim it', async () => {
    const company = await signedIn(ctx, owner);
    await company.get('/contratti/nuovo');
    const asked = await company.post(
      '/contratti/nuovo',
      form('1001234567', '3001234567', owner.password),
    );
    expect(asked.statusCode).toBe(303);
    expect(asked.headers.location).toBe('/contratti?esito=intestazione-richiesta');
    expect((await streamOf('3001234567')).map((event) => event.type).slice(-1)).toEqual([
      'ContractOwnershipRequested',
    ]);
    const page = (await company.get('/contratti?esito=intestazione-richiesta')).body;
    expect(page).toContain('dopo la convalida la ditta risulterà intestataria');
    expect(page).toContain('Intestazione in attesa di convalida');
    expect(page).not.toContain('Marta Verdi');
    expect((await company.post('/contratti/3001234567/gestisci', {})).statusCode).toBe(404);
    expect((await company.get('/contratti/3001234567/storia')).statusCode).toBe(404);

    const operator = await signedIn(ctx, operatorLogin);
    const queue = (await operator.get('/operatori/contratti')).body;
    expect(queue).toContain('Intestazione del contratto 3001234567');
    expect(queue).toContain('Codice cliente della ditta');
    expect(queue).toContain('Presente in anagrafica');
    expect(
      (await operator.post('/operatori/contratti/3001234567/intestazione/convalida', {}))
        .statusCode,
    ).toBe(303);
    expect((await newestMail('euro@example.com')).subject).toBe(
      'Dichiara – intestazione del contratto 3001234567 convalidata',
    );
    expect((await operator.get('/operatori/contratti')).body).not.toContain(
      'Intestazione del contratto 3001234567',
    );
    expect(
      (await operator.post('/operatori/contratti/3001234567/intestazione/convalida', {}))
        .statusCode,
    ).toBe(409);

    await company.get('/contratti');
    expect((await company.post('/contratti/3001234567/gestisci', {})).statusCode).toBe(303);
  });

  it('tells the Ditta why the operator refused its ownership', async () => {
    const company = await signedIn(ctx, owner);
    await company.get('/contratti/nuovo');
    await company.post('/contratti/nuovo', form('1001234567', '3001234568', owner.password));
    const operator = await signedIn(ctx, operatorLogin);
    await operator.get('/operatori/contratti');
    const short = await operator.post('/operatori/contratti/3001234568/intestazione/respingi', {
      reason: 'no',
    });
    expect(short.statusCode).toBe(422);
    expect(short.body).toContain('Indicare il motivo (almeno 5 caratteri).');
    expect(
      (
        await operator.post('/operatori/contratti/3001234568/intestazione/respingi', {
          reason: 'La ditta non risulta intestataria del contratto',
        })
      ).statusCode,
    ).toBe(303);
    const mail = await newestMail('euro@example.com');
    expect(mail.subject).toBe('Dichiara – intestazione del contratto 3001234568 non convalidata');
    expect(mail.text_body).toContain('La ditta non risulta intestataria del contratto');
    expect((await company.post('/contratti/3001234568/gestisci', {})).statusCode).toBe(404);
  });
});
