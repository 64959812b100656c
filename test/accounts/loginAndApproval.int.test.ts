import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaffAccount, systemContext } from '../../src/accounts/staffAccounts.js';
import { otpFromMail, registrationFields, seedRegistry } from '../support/accounts.js';
import { TestClient } from '../support/client.js';
import { settle as settleAll, startTestApp, type TestApp } from '../support/testApp.js';
import { fieldError } from '../observatory/pageText.js';

describe('login, operator approval, authorisation, logout, password reset', () => {
  let ctx: TestApp;
  let accountId: string;
  const settle = () => settleAll(ctx);

  beforeAll(async () => {
    ctx = await startTestApp();
    await seedRegistry(ctx.test.database.db, [['1001234567', '3001234567', 'Euro Oil SRL']]);
    await createStaffAccount(
      ctx.store,
      {
        role: 'operator',
        username: 'operatore',
        fullName: 'Olga Operatrice',
        email: 'olga@gestore.example',
        password: 'Operatore-2026',
      },
      systemContext(new Date()),
    );
    const person = new TestClient(ctx.app);
    await person.post(
      '/registrazione/ditta',
      registrationFields({
        username: 'ditta.uno',
        email: 'uno@example.com',
      }),
    );
    await settle();
    await person.post('/registrazione/verifica', {
      code: await otpFromMail(ctx.test.database.db, 'uno@example.com'),
    });
    await settle();
    const row = await ctx.test.database.db
      .selectFrom('accounts')
      .select('account_id')
      .where('username', '=', 'ditta.uno')
      .executeTakeFirstOrThrow();
    accountId = row.account_id;
  });
  afterAll(async () => ctx.close());

  const operator = async () => {
    const client = new TestClient(ctx.app);
    const login = await client.post('/accesso', {
      username: 'operatore',
      password: 'Operatore-2026',
    });
    expect(login.statusCode).toBe(303);
    expect(login.headers.location).toBe('/operatori/registrazioni');
    return client;
  };

  it('lands an auditor on the audit section', async () => {
    await createStaffAccount(
      ctx.store,
      {
        role: 'auditor',
        username: 'revisore.login',
        fullName: 'Rita Revisora',
        email: 'rita@gestore.example',
        password: 'Revisore-2026',
      },
      systemContext(new Date()),
    );
    await settle();
    const client = new TestClient(ctx.app);
    const login = await client.post('/accesso', {
      username: 'revisore.login',
      password: 'Revisore-2026',
    });
    expect(login.statusCode).toBe(303);
    expect(login.headers.location).toBe('/revisione');
    expect((await client.get('/revisione')).statusCode).toBe(200);
  });

  it('links the home page to the observatory, no longer «in attivazione»', async () => {
    const home = await new TestClient(ctx.app).get('/');
    expect(home.body).toContain('href="/osservatorio"');
    expect(home.body).not.toContain('Servizio in attivazione');
  });

  it('sends visitors of a reserved page to the login page and back', async () => {
    const response = await new TestClient(ctx.app).get('/operatori/registrazioni');
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/accesso?dopo=%2Foperatori%2Fregistrazioni');
  });

  it('says the same for an unknown user and a wrong password, and records the failure', async () => {
    const client = new TestClient(ctx.app);
    const unknown = await client.post('/accesso', { username: 'nessuno', password: 'Qualcosa-1' });
    const wrong = await client.post('/accesso', { username: 'operatore', password: 'Sbagliata-1' });
    for (const response of [unknown, wrong]) {
      expect(response.statusCode).toBe(422);
      expect(response.body).toContain('Nome utente o password non corretti.');
    }
    const failures = await ctx.test.database.db
      .selectFrom('events')
      .select('type')
      .where('type', '=', 'SignInFailed')
      .execute();
    expect(failures.length).toBeGreaterThanOrEqual(2);
  });

  it('shows the operator the queue and the registry match, and lets them approve', async () => {
    const client = await operator();
    const queue = await client.get('/operatori/registrazioni');
    expect(queue.body).toContain('Gianni Rossi');
    const detail = await client.get(`/operatori/registrazioni/${accountId}`);
    expect(detail.body).toContain('Presente');
    expect(detail.body).toContain('Euro Oil SRL');
    const refused = await client.post(`/operatori/registrazioni/${accountId}/rifiuta`, {
      reason: 'no',
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain('Indicare il motivo del rifiuto');
    const approved = await client.post(`/operatori/registrazioni/${accountId}/approva`, {
      note: '',
    });
    expect(approved.statusCode).toBe(303);
    expect((await client.get(approved.headers.location as string)).body).toContain(
      'Registrazione approvata',
    );
    await settle();
    const mail = await ctx.test.database.db
      .selectFrom('mail_outbox')
      .select('subject')
      .where('to_address', '=', 'uno@example.com')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(mail.subject).toBe('Dichiara – registrazione accettata');
  });

  it('lets the approved Ditta log in to the reserved area, not to operator pages, and log out', async () => {
    const client = new TestClient(ctx.app);
    const login = await client.post('/accesso', {
      username: 'DITTA.UNO',
      password: 'Segreta-2026',
    });
    expect(login.statusCode).toBe(303);
    expect(login.headers.location).toBe('/area-riservata');
    const home = await client.get('/area-riservata');
    for (const label of ['MODIFICA PROFILO', 'LOGOUT', 'DICHIARAZIONI ANNUALI', '3001234567'])
      expect(home.body).toContain(label);
    expect((await client.get('/operatori/registrazioni')).statusCode).toBe(403);
    expect((await client.get(`/operatori/registrazioni/${accountId}`)).statusCode).toBe(403);
    const logout = await client.post('/esci', {});
    expect(logout.headers.location).toBe('/accesso');
    expect((await client.get('/area-riservata')).statusCode).toBe(303);
  });

  it('gives a new session id at each login and a 404 for an unknown registration', async () => {
    const first = new TestClient(ctx.app);
    await first.post('/accesso', { username: 'operatore', password: 'Operatore-2026' });
    const before = first.cookie('dichiara-session');
    await first.post('/accesso', { username: 'operatore', password: 'Operatore-2026' });
    expect(first.cookie('dichiara-session')).not.toBe(before);
    expect((await first.get(`/operatori/registrazioni/${randomUUID()}`)).statusCode).toBe(404);
    expect((await first.get('/operatori/registrazioni/not-a-uuid')).statusCode).toBe(404);
  });

  it('resets a forgotten password with the mailed code and ends the other sessions', async () => {
    const elsewhere = new TestClient(ctx.app);
    await elsewhere.post('/accesso', { username: 'ditta.uno', password: 'Segreta-2026' });
    expect((await elsewhere.get('/area-riservata')).statusCode).toBe(200);

    const client = new TestClient(ctx.app);
    const asked = await client.post('/password-dimenticata', { username: 'ditta.uno' });
    expect(asked.headers.location).toBe('/password-dimenticata/codice');
    await settle();
    const code = await otpFromMail(ctx.test.database.db, 'uno@example.com');
    const weak = await client.post('/password-dimenticata/codice', {
      code: '12',
      password: 'corta',
      passwordConfirm: 'Corta',
    });
    expect(weak.statusCode).toBe(422);
    // Every mistake at once: the code, each rule the password breaks, the confirmation.
    expect(fieldError(weak.body, 'Codice ricevuto via e-mail')).toBe(
      'Il codice è composto da 6 cifre.',
    );
    expect(fieldError(weak.body, 'Nuova password')).toBe(
      'La password deve contenere almeno 8 caratteri, almeno una cifra numerica, almeno una lettera maiuscola e almeno un carattere speciale tra @ - _ ! % $.',
    );
    expect(fieldError(weak.body, 'Conferma nuova password')).toBe(
      'Le due password non coincidono.',
    );
    expect(weak.body).toMatch(
      /class="alert alert-danger error-summary" role="alert" tabindex="-1" autofocus/,
    );
    const done = await client.post('/password-dimenticata/codice', {
      code,
      password: 'Nuova-Password-1',
      passwordConfirm: 'Nuova-Password-1',
    });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/accesso?esito=password');

    expect((await elsewhere.get('/area-riservata')).statusCode).toBe(303);
    expect(
      (await client.post('/accesso', { username: 'ditta.uno', password: 'Segreta-2026' }))
        .statusCode,
    ).toBe(422);
    expect(
      (await client.post('/accesso', { username: 'ditta.uno', password: 'Nuova-Password-1' }))
        .statusCode,
    ).toBe(303);
  });

  it('answers an unknown username exactly like a known one', async () => {
    const client = new TestClient(ctx.app);
    const asked = await client.post('/password-dimenticata', { username: 'nessuno.mai' });
    expect(asked.headers.location).toBe('/password-dimenticata/codice');
    const attempt = await client.post('/password-dimenticata/codice', {
      code: '123456',
      password: 'Nuova-Password-1',
      passwordConfirm: 'Nuova-Password-1',
    });
    expect(attempt.statusCode).toBe(422);
    expect(attempt.body).toContain('Codice non corretto o scaduto');
  });

  it('blocks a username after 5 attempts in 15 minutes', async () => {
    const client = new TestClient(ctx.app);
    for (let i = 0; i < 5; i++)
      await client.post('/accesso', { username: 'bersaglio', password: `Tentativo-${i}` });
    const blocked = await client.post('/accesso', {
      username: 'bersaglio',
      password: 'Tentativo-6',
    });
    expect(blocked.statusCode).toBe(429);
    expect(blocked.body).toContain('Troppi tentativi di accesso');
    expect(blocked.headers['retry-after']).toBeDefined();
  });
});
