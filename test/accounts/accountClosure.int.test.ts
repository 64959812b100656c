import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaffAccount, systemContext } from '../../src/accounts/staffAccounts.js';
import { registerAndApprove, registrationFields, seedRegistry } from '../support/accounts.js';
import { TestClient } from '../support/client.js';
import { fieldError, pageText } from '../observatory/pageText.js';
import {
  createOperator,
  operatorLogin,
  settle,
  signedIn,
  startTestApp,
  type TestApp,
} from '../support/testApp.js';
import { backends } from '../support/testDatabase.js';

/**
 * «Chiudi l'account»: by its person with the password, or by a portal administrator with the
 * reason. The login ends everywhere; the contracts stay with the company; the log keeps it all.
 */
describe.each(backends())('%s: closing an account', (backend) => {
  let ctx: TestApp;
  const sole = { username: 'lavanderia.sole', password: 'Segreta-2026' };
  const luna = { username: 'officina.luna', password: 'Segreta-2026' };
  const admin = { username: 'amelia', password: 'Amministratrice-2026' };
  const closePassword = 'Password, per confermare la chiusura';
  const accountIdOf = async (username: string) =>
    (
      await ctx.test.database.db
        .selectFrom('accounts')
        .select(['account_id', 'status'])
        .where('username', '=', username)
        .executeTakeFirstOrThrow()
    ).account_id;
  const closures = async (accountId: string) =>
    (await ctx.store.readStream(`account-${accountId}`)).events.filter(
      (event) => event.type === 'AccountClosed',
    );

  beforeAll(async () => {
    ctx = await startTestApp({ backend });
    await createOperator(ctx);
    await createStaffAccount(
      ctx.store,
      {
        role: 'admin',
        ...admin,
        fullName: 'Amelia Amministratrice',
        email: 'amelia@gestore.example',
      },
      systemContext(new Date()),
    );
    await seedRegistry(ctx.test.database.db, [
      ['4441234567', '3004441234', 'Lavanderia Sole SRL'],
      ['5551234567', '3005551234', 'Officina Luna SRL'],
      ['6661234567', '3006661234', 'Tessitura Stella SRL'],
    ]);
    await registerAndApprove(
      ctx,
      'ditta',
      registrationFields({ ...sole, fullName: 'Sole Bianchi', email: 'sole@lavanderia.example' }, [
        { customerCode: '4441234567', contracts: ['3004441234'] },
      ]),
    );
    await registerAndApprove(
      ctx,
      'ditta',
      registrationFields({ ...luna, fullName: 'Luna Neri', email: 'luna@officina.example' }, [
        { customerCode: '5551234567', contracts: ['3005551234'] },
      ]),
    );
    await settle(ctx);
  });
  afterAll(async () => ctx?.close());

  it('asks the person for the password and the confirmation, recording nothing otherwise', async () => {
    const person = await signedIn(ctx, sole);
    const profile = await person.get('/profilo');
    expect(pageText(profile.body)).toContain("Chiudi l'account");
    const id = await accountIdOf(sole.username);
    const wrong = await person.post('/profilo/chiudi', {
      passwordChiusura: 'Sbagliata-1',
      conferma: 'si',
    });
    expect(wrong.statusCode).toBe(422);
    expect(fieldError(wrong.body, closePassword)).toBe('La password attuale non è corretta.');
    const unconfirmed = await person.post('/profilo/chiudi', { passwordChiusura: sole.password });
    expect(unconfirmed.statusCode).toBe(422);
    expect(pageText(unconfirmed.body)).toContain(
      'Conferma di aver capito che l’account non potrà più accedere al portale.',
    );
    expect(await closures(id)).toEqual([]);
    expect((await person.get('/area-riservata')).statusCode).toBe(200);
  });

  it('closes it: the session ends, the login is refused, the company keeps its contract, a mail says so', async () => {
    const person = await signedIn(ctx, sole);
    const elsewhere = await signedIn(ctx, sole);
    const id = await accountIdOf(sole.username);
    const closed = await person.post('/profilo/chiudi', {
      passwordChiusura: sole.password,
      conferma: 'si',
    });
    expect(closed.statusCode).toBe(303);
    expect(closed.headers.location).toBe('/account-chiuso');
    await settle(ctx);
    const page = await person.get('/account-chiuso');
    expect(pageText(page.body)).toContain('Il tuo account è stato chiuso');
    // Every session of the account is over, on this device and on any other.
    for (const client of [person, elsewhere]) {
      const reserved = await client.get('/area-riservata');
      expect(reserved.statusCode).toBe(303);
      expect(reserved.headers.location).toMatch(/^\/accesso/);
    }
    const login = await new TestClient(ctx.app).post('/accesso', sole);
    expect(login.statusCode).toBe(403);
    expect(pageText(login.body)).toContain('Questo account è stato chiuso');
    const [event, ...more] = await closures(id);
    expect(more).toEqual([]);
    expect(event).toMatchObject({
      data: { by: 'self', reason: null },
      metadata: { actor: { id } },
    });
    expect(event!.metadata.clientIp).toBeTruthy();
    const contract = await ctx.test.database.db
      .selectFrom('contracts')
      .select(['manager_account_id', 'status'])
      .where('contract_number', '=', '3004441234')
      .executeTakeFirstOrThrow();
    expect(contract).toEqual({ manager_account_id: id, status: 'validated' });
    const mail = await ctx.test.database.db
      .selectFrom('mail_outbox')
      .select('text_body')
      .where('to_address', '=', 'sole@lavanderia.example')
      .where('subject', 'like', '%account chiuso%')
      .executeTakeFirstOrThrow();
    expect(mail.text_body).toContain('come hai chiesto');
  });

  it('lets only a portal administrator close someone else’s account, with a reason', async () => {
    const id = await accountIdOf(luna.username);
    const person = await signedIn(ctx, luna);
    const operator = await signedIn(ctx, operatorLogin);
    const page = await operator.get(`/operatori/registrazioni/${id}`);
    expect(page.body).not.toContain(`/operatori/registrazioni/${id}/chiudi`);
    expect(
      (
        await operator.post(`/operatori/registrazioni/${id}/chiudi`, {
          motivo: 'Richiesta via PEC del 3/12',
        })
      ).statusCode,
    ).toBe(403);
    const administrator = await signedIn(ctx, admin);
    const short = await administrator.post(`/operatori/registrazioni/${id}/chiudi`, {
      motivo: 'boh',
    });
    expect(short.statusCode).toBe(422);
    expect(fieldError(short.body, 'Motivo della chiusura')).toBe(
      'Indicare il motivo della chiusura (almeno 10 caratteri).',
    );
    expect(await closures(id)).toEqual([]);

    const closed = await administrator.post(`/operatori/registrazioni/${id}/chiudi`, {
      motivo: 'Richiesta della ditta via PEC del 3 dicembre',
    });
    expect(closed.statusCode).toBe(303);
    const after = await administrator.get(closed.headers.location as string);
    expect(pageText(after.body)).toContain('Account chiuso: non può più accedere al portale.');
    expect(pageText(after.body)).toContain('stato: account chiuso');
    expect(after.body).not.toContain(`/operatori/registrazioni/${id}/chiudi`);
    expect(await closures(id)).toMatchObject([
      {
        data: { by: 'admin', reason: 'Richiesta della ditta via PEC del 3 dicembre' },
        metadata: { actor: { role: 'admin' } },
      },
    ]);
    expect((await person.get('/area-riservata')).statusCode).toBe(303);
    // Closing twice is a conflict, and records nothing.
    expect(
      (
        await administrator.post(`/operatori/registrazioni/${id}/chiudi`, {
          motivo: 'Ancora una volta, per sbaglio',
        })
      ).statusCode,
    ).toBe(409);
    expect(await closures(id)).toHaveLength(1);
  });

  it('lets a person of an organisation close their login, leaving it; its registrant leaves instead', async () => {
    const stella = { username: 'tessitura.stella', password: 'Segreta-2026' };
    const anna = {
      username: 'anna.stella',
      password: 'Compilatrice-2026',
      email: 'anna@stella.example',
    };
    await registerAndApprove(
      ctx,
      'ditta',
      registrationFields({ ...stella, fullName: 'Stella Verdi', email: 'stella@stella.example' }, [
        { customerCode: '6661234567', contracts: ['3006661234'] },
      ]),
    );
    const founderId = await accountIdOf(stella.username);
    const founder = await signedIn(ctx, stella);
    await founder.get('/area-riservata/persone');
    const invited = await founder.post('/area-riservata/persone/invita', {
      fullName: 'Anna Stella',
      email: anna.email,
      role: 'compilatore',
    });
    expect(invited.statusCode, invited.body).toBe(303);
    await settle(ctx);
    const invitation = await ctx.test.database.db
      .selectFrom('mail_outbox')
      .select('text_body')
      .where('to_address', '=', anna.email)
      .executeTakeFirstOrThrow();
    const link = /http:\/\/portale\.test(\/accesso\/invito\?\S+)/.exec(invitation.text_body)![1]!;
    const visitor = new TestClient(ctx.app);
    await visitor.get(link);
    const accepted = await visitor.post('/accesso/invito', {
      ...Object.fromEntries(new URL(link, 'http://portale.test').searchParams),
      username: anna.username,
      password: anna.password,
      passwordConfirm: anna.password,
    });
    expect(accepted.statusCode, accepted.body).toBe(303);
    await settle(ctx);

    // The registrant's account is the organisation's: with Anna in it, Stella is refused.
    const refused = await founder.post('/profilo/chiudi', {
      passwordChiusura: stella.password,
      conferma: 'si',
    });
    expect(refused.statusCode).toBe(422);
    expect(pageText(refused.body)).toContain('La tua organizzazione ha altre persone');
    expect(await closures(founderId)).toEqual([]);

    const annaId = await accountIdOf(anna.username);
    const person = await signedIn(ctx, anna);
    const closed = await person.post('/profilo/chiudi', {
      passwordChiusura: anna.password,
      conferma: 'si',
    });
    expect(closed.statusCode).toBe(303);
    await settle(ctx);
    expect(await closures(annaId)).toHaveLength(1);
    const { events } = await ctx.store.readStream(`account-${founderId}`);
    expect(events.at(-1)).toMatchObject({
      type: 'MemberRemoved',
      data: { personId: annaId, leaving: true },
    });
    expect((await new TestClient(ctx.app).post('/accesso', anna)).statusCode).toBe(403);

    // Alone again, the registrant may close.
    const alone = await founder.post('/profilo/chiudi', {
      passwordChiusura: stella.password,
      conferma: 'si',
    });
    expect(alone.statusCode).toBe(303);
    expect(await closures(founderId)).toHaveLength(1);
  });
});
