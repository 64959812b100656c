import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAndApprove, registrationFields, seedRegistry } from '../support/accounts.js';
import { openCampaign } from '../support/declarations.js';
import {
  createOperator,
  operatorLogin,
  settle,
  signedIn,
  startTestApp,
  type TestApp,
} from '../support/testApp.js';

/** Seed: a wrong contract number must be corrected, and the correction validated by an operator. */
describe('a changed contract number', () => {
  let ctx: TestApp;
  const studio = { username: 'studio.uno', password: 'Segreta-2026' };
  const url = '/contratti/3001234567/cambio-numero';
  const contract = (number: string) =>
    ctx.test.database.db
      .selectFrom('contracts')
      .selectAll()
      .where('contract_number', '=', number)
      .executeTakeFirst();
  const newestMail = async () => {
    await settle(ctx);
    return ctx.test.database.db
      .selectFrom('mail_outbox')
      .select(['subject', 'text_body'])
      .where('to_address', '=', 'uno@example.com')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
  };
  const errorOf = (page: string, field: string) =>
    new RegExp(`<div id="${field}-error"[^>]*>([^<]*)<`).exec(page)?.[1];

  beforeAll(async () => {
    ctx = await startTestApp();
    await createOperator(ctx);
    await seedRegistry(ctx.test.database.db, [
      ['1001234567', '3001234567', 'Euro Oil SRL'],
      ['1001234567', '3001234580', 'Euro Oil SRL'],
      ['1001234567', '3001234581', 'Euro Oil SRL'],
      ['1009999999', '3009999999', 'Altra SRL'],
    ]);
    await registerAndApprove(
      ctx,
      'studio',
      registrationFields({ ...studio, fullName: 'Marta Verdi', email: 'uno@example.com' }),
    );
  });
  afterAll(async () => ctx.close());

  it('needs a pair known to the registry and the current password, changing nothing otherwise', async () => {
    const client = await signedIn(ctx, studio);
    expect((await client.get(url)).statusCode).toBe(200);
    const before = (await ctx.store.readStream('contract-3001234567')).version;
    const unknownPair = await client.post(url, {
      newContractNumber: '3009999999',
      currentPassword: studio.password,
    });
    expect(unknownPair.statusCode).toBe(422);
    expect(errorOf(unknownPair.body, 'newContractNumber')).toBe(
      'La coppia codice cliente e numero contratto non è ammessa.',
    );
    const wrongPassword = await client.post(url, {
      newContractNumber: '3001234580',
      currentPassword: 'Sbagliata-1',
    });
    expect(wrongPassword.statusCode).toBe(422);
    expect(errorOf(wrongPassword.body, 'currentPassword')).toBe(
      'La password attuale non è corretta.',
    );
    const sameNumber = await client.post(url, {
      newContractNumber: '3001234567',
      currentPassword: studio.password,
    });
    expect(errorOf(sameNumber.body, 'newContractNumber')).toBe(
      'Il nuovo numero è uguale a quello attuale.',
    );
    expect((await ctx.store.readStream('contract-3001234567')).version).toBe(before);
  });

  it('is refused to accounts that cannot see the contract', async () => {
    const other = { username: 'studio.due', password: 'Segreta-2026' };
    await registerAndApprove(
      ctx,
      'studio',
      registrationFields({ ...other, email: 'due@example.com' }, [
        { customerCode: '1009999999', contracts: ['3009999999'] },
      ]),
    );
    const client = await signedIn(ctx, other);
    expect((await client.get(url)).statusCode).toBe(404);
    await client.get('/contratti');
    expect(
      (await client.post(url, { newContractNumber: '3001234580', currentPassword: other.password }))
        .statusCode,
    ).toBe(404);
  });

  it('waits in the operator queue with the registry match; a rejection is mailed with its reason', async () => {
    const client = await signedIn(ctx, studio);
    await client.get(url);
    const asked = await client.post(url, {
      newContractNumber: '3001234580',
      currentPassword: studio.password,
    });
    expect(asked.statusCode).toBe(303);
    expect(asked.headers.location).toBe('/contratti?esito=cambio-richiesto');
    const list = (await client.get('/contratti?esito=cambio-richiesto')).body;
    expect(list).toContain('Richiesta di cambio del numero inviata agli operatori');
    expect(list).toContain('Cambio del numero in 3001234580 in attesa di convalida');
    const again = await client.post(url, {
      newContractNumber: '3001234581',
      currentPassword: studio.password,
    });
    expect(again.statusCode).toBe(422);
    expect(again.body).toContain('È già in attesa di convalida il cambio di numero in 3001234580.');

    const operator = await signedIn(ctx, operatorLogin);
    const queue = (await operator.get('/operatori/contratti')).body;
    expect(queue).toContain('Cambio numero del contratto 3001234567');
    expect(queue).toContain('Nuovo numero richiesto: <strong>3001234580</strong>');
    expect(queue).toMatch(
      /Coppia 1001234567 \/ 3001234580: <span class="badge bg-success">Presente in anagrafica/,
    );
    const noReason = await operator.post('/operatori/contratti/3001234567/cambio-numero/respingi', {
      reason: '',
    });
    expect(noReason.statusCode).toBe(422);
    expect(
      (
        await operator.post('/operatori/contratti/3001234567/cambio-numero/respingi', {
          reason: 'Il numero 3001234580 è di un altro stabilimento',
        })
      ).statusCode,
    ).toBe(303);
    const mail = await newestMail();
    expect(mail.subject).toBe(
      'Dichiara – cambio del numero del contratto 3001234567 non convalidato',
    );
    expect(mail.text_body).toContain('Il numero 3001234580 è di un altro stabilimento');
    expect(await contract('3001234567')).toMatchObject({
      status: 'validated',
      number_change: null,
    });
  });

  it('once validated, closes the old number and carries the contract on under the new one', async () => {
    const client = await signedIn(ctx, studio);
    await client.get(url);
    await client.post(url, { newContractNumber: '3001234581', currentPassword: studio.password });
    const operator = await signedIn(ctx, operatorLogin);
    await operator.get('/operatori/contratti');
    const validated = await operator.post(
      '/operatori/contratti/3001234567/cambio-numero/convalida',
      {},
    );
    expect(validated.statusCode).toBe(303);
    expect(validated.headers.location).toBe('/operatori/contratti?esito=cambio-convalidato');
    const mail = await newestMail();
    expect(mail.subject).toBe('Dichiara – numero del contratto 3001234567 cambiato');
    expect(mail.text_body).toContain('in 3001234581');

    const old = await ctx.store.readStream('contract-3001234567');
    expect(old.events.map((event) => event.type).slice(-2)).toEqual([
      'ContractNumberChangeRequested',
      'ContractNumberChanged',
    ]);
    const renewed = await ctx.store.readStream('contract-3001234581');
    expect(renewed.events.map((event) => event.type)).toEqual(['ContractRenumbered']);
    expect(renewed.events[0]?.metadata.actor.role).toBe('operator');
    expect(await contract('3001234567')).toMatchObject({
      status: 'renumbered',
      renumbered_to: '3001234581',
    });
    expect(await contract('3001234581')).toMatchObject({
      status: 'validated',
      renumbered_from: '3001234567',
      customer_code: '1001234567',
    });

    const list = (await client.get('/contratti')).body;
    expect(list).toContain('il contratto prosegue come <strong>contratto 3001234581</strong>');
    const history = (await client.get('/contratti/3001234581/storia')).body;
    expect(history).toContain('Contratto con il nuovo numero, prima 3001234567');
    expect((await client.post('/contratti/3001234567/rilascia', {})).statusCode).toBe(409);
    expect((await client.get(url)).statusCode).toBe(200);
    expect(
      (
        await client.post(url, {
          newContractNumber: '3001234580',
          currentPassword: studio.password,
        })
      ).body,
    ).toContain('Il numero di questo contratto è stato cambiato in 3001234581');
  });

  it('offers only the new number in step 1 of the declarations, saying which number it replaced', async () => {
    await openCampaign(ctx);
    const page = (await (await signedIn(ctx, studio)).get('/dichiarazioni')).body;
    const choices = /<ul class="list-group contract-choices">.*?<\/ul>/s.exec(page)?.[0] ?? '';
    expect(choices).not.toContain('3001234567<');
    expect(choices).not.toContain('Contratto non ancora convalidato');
    const renewed = /<li[^>]*>(?:(?!<\/li>).)*Contratto 3001234581(?:(?!<\/li>).)*<\/li>/s.exec(
      choices,
    )?.[0];
    expect(renewed).toContain('Nuovo numero del contratto 3001234567.');
    expect(renewed).toContain('href="/dichiarazioni/2025/3001234581"');
  });
});
