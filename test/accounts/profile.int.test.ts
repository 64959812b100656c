import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../support/client.js';
import { fieldError } from '../observatory/pageText.js';
import {
  createOperator,
  operatorLogin,
  settle as settleAll,
  signedIn,
  startTestApp,
  type TestApp,
} from '../support/testApp.js';

describe('Modifica profilo', () => {
  let ctx: TestApp;
  const settle = () => settleAll(ctx);
  const newestMail = (to: string) =>
    ctx.test.database.db
      .selectFrom('mail_outbox')
      .select(['subject', 'text_body'])
      .where('to_address', '=', to)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
  const loggedIn = (password: string = operatorLogin.password) =>
    signedIn(ctx, { ...operatorLogin, password });

  beforeAll(async () => {
    ctx = await startTestApp();
    await createOperator(ctx);
  });
  afterAll(async () => ctx.close());

  const form = (overrides: Record<string, string>) => ({
    fullName: 'Olga Operatrice',
    phone: '051 111 2222',
    currentPassword: 'Operatore-2026',
    ...overrides,
  });

  it('needs a login', async () => {
    expect((await new TestClient(ctx.app).get('/profilo')).statusCode).toBe(303);
  });

  it('refuses any change without the right current password, changing nothing', async () => {
    const client = await loggedIn();
    const response = await client.post(
      '/profilo',
      form({ currentPassword: 'Sbagliata-1', fullName: 'Altro Nome' }),
    );
    expect(response.statusCode).toBe(422);
    expect(response.body).toContain('La password attuale non è corretta.');
    expect(response.body).toContain('value="Altro Nome"');
    const row = await ctx.test.database.db
      .selectFrom('accounts')
      .select('full_name')
      .where('username', '=', 'olga')
      .executeTakeFirstOrThrow();
    expect(row.full_name).toBe('Olga Operatrice');
    // With another field wrong too, both are said at once.
    const both = await client.post(
      '/profilo',
      form({ currentPassword: 'Sbagliata-1', phone: 'telefono' }),
    );
    expect(both.statusCode).toBe(422);
    expect(fieldError(both.body, 'Password attuale')).toBe('La password attuale non è corretta.');
    expect(fieldError(both.body, 'Telefono')).toBe('Indicare un numero di telefono valido.');
  });

  it('changes the e-mail only after the link mailed to the new address is followed', async () => {
    const client = await loggedIn();
    const bad = await client.post(
      '/profilo',
      form({ newEmail: 'olga@pec.it', newEmailConfirm: 'olga@pec.it' }),
    );
    expect(bad.body).toContain('Indicare un indirizzo e-mail ordinario (non PEC).');
    const saved = await client.post(
      '/profilo',
      form({ newEmail: 'olga.nuova@example.com', newEmailConfirm: 'olga.nuova@example.com' }),
    );
    expect(saved.headers.location).toBe('/profilo?esito=email');
    expect((await client.get('/profilo')).body).toContain('In attesa di conferma');
    await settle();

    const mail = await newestMail('olga.nuova@example.com');
    expect(mail.subject).toBe('Dichiara – conferma il nuovo indirizzo e-mail');
    const link = /http:\/\/portale\.test(\/profilo\/conferma-email\?\S+)/.exec(mail.text_body)?.[1];
    expect(link).toBeDefined();
    const page = await client.get(link!);
    expect(page.statusCode).toBe(200);
    const fields = Object.fromEntries(new URL(`http://x${link!}`).searchParams);
    const tampered = await client.post('/profilo/conferma-email', {
      ...fields,
      token: 'x'.repeat(43),
    });
    expect(tampered.statusCode).toBe(404);
    const confirmed = await client.post('/profilo/conferma-email', fields);
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.body).toContain('olga.nuova@example.com');
    await settle();
    expect((await newestMail('olga@gestore.example')).subject).toBe(
      'Dichiara – indirizzo e-mail modificato',
    );
    expect((await client.post('/profilo/conferma-email', fields)).statusCode).toBe(404);
  });

  it('changes the password, typed twice', async () => {
    const client = await loggedIn();
    const mismatch = await client.post(
      '/profilo',
      form({ newPassword: 'Nuovissima-1', newPasswordConfirm: 'Diversa-1' }),
    );
    expect(mismatch.body).toContain('Le due password non coincidono.');
    // Beside another mistake, not only once the rest of the form is right.
    const both = await client.post(
      '/profilo',
      form({ phone: 'x', newPassword: 'Nuovissima-1', newPasswordConfirm: 'Diversa-1' }),
    );
    expect(both.statusCode).toBe(422);
    expect(fieldError(both.body, 'Telefono')).toBe('Indicare un numero di telefono valido.');
    expect(fieldError(both.body, 'Conferma nuova password')).toBe(
      'Le due password non coincidono.',
    );
    expect(
      (
        await client.post(
          '/profilo',
          form({ newPassword: 'Nuovissima-1', newPasswordConfirm: 'Nuovissima-1' }),
        )
      ).statusCode,
    ).toBe(303);
    await loggedIn('Nuovissima-1');
  });
});
