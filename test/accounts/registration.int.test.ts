import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../support/client.js';
import { otpFromMail, registrationFields, seedRegistry } from '../support/accounts.js';
import { settle, startTestApp, type TestApp } from '../support/testApp.js';
import { fieldError, headingLevels } from '../observatory/pageText.js';

describe('registration of a Studio, e-mail OTP and operator approval', () => {
  let ctx: TestApp;
  beforeAll(async () => {
    ctx = await startTestApp();
    await seedRegistry(ctx.test.database.db, [
      ['1001234567', '3001234567', 'Euro Oil SRL'],
      ['1007654321', '3007654321', 'Beta SPA'],
    ]);
  });
  afterAll(async () => ctx.close());

  const eventCount = async () =>
    (
      await ctx.test.database.db
        .selectFrom('events')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n;

  it('shows the Studio form with the seed labels', async () => {
    const page = await new TestClient(ctx.app).get('/registrazione/studio');
    expect(page.statusCode).toBe(200);
    for (const label of [
      'Referente registrato',
      'Nominativo',
      'Indirizzo e-mail (no PEC)',
      'Conferma indirizzo e-mail',
      'Nome utente',
      'Conferma password',
      'Ditte gestite',
      'Ditta 1',
      'Ragione sociale',
      'Partita IVA',
      'PEC aziendale',
      'Codice cliente',
      'Contratto 1',
      'n. Contratto di scarico',
      'Indirizzo stabilimento scarico',
      'CAP stabilimento scarico',
      'Provincia stabilimento scarico',
      'Comune stabilimento scarico',
      '+ Aggiungi contratto',
      '+ Aggiungi ditta',
    ]) {
      expect(page.body, label).toContain(label);
    }
  });

  it('has headings that never skip a level: companies, then their contracts', async () => {
    const page = await new TestClient(ctx.app).get('/registrazione/studio');
    const { levels, skips } = headingLevels(page.body);
    expect(levels[0]).toBe(1);
    expect(levels).toContain(4);
    expect(skips).toEqual([]);
  });

  it('adds a company block without JavaScript (plain post) and with htmx (form fragment only)', async () => {
    const client = new TestClient(ctx.app);
    await client.get('/registrazione/studio');
    const plain = await client.post('/registrazione/studio', {
      ...registrationFields(),
      _action: 'add-company',
    });
    expect(plain.statusCode).toBe(200);
    expect(plain.body).toContain('Ditta 2');
    expect(plain.body).toContain('value="Gianni Rossi"');
    const htmx = await client.post(
      '/registrazione/studio',
      { ...registrationFields(), _action: 'add-contract:0' },
      { 'hx-request': 'true' },
    );
    expect(htmx.body).not.toContain('<html');
    expect(htmx.body).toContain('Contratto 2');
    expect(htmx.headers.vary).toContain('HX-Request');
  });

  it('keeps every value and shows each error beside its field, appending nothing', async () => {
    const before = await eventCount();
    const client = new TestClient(ctx.app);
    await client.get('/registrazione/studio');
    const response = await client.post(
      '/registrazione/studio',
      registrationFields({
        email: 'rossi@pec.it',
        emailConfirm: 'other@example.com',
        password: 'debole',
        passwordConfirm: 'diversa',
        'companies[0][taxId]': '00743110158',
        'companies[0][contracts][0][cap]': '4005',
        'companies[0][contracts][0][municipality]': 'Milano',
      }),
    );
    expect(response.statusCode).toBe(422);
    expect(response.body).toContain('Indicare un indirizzo e-mail ordinario (non PEC).');
    expect(response.body).toContain('I due indirizzi e-mail non coincidono.');
    expect(response.body).toContain('La password deve contenere almeno 8 caratteri');
    expect(response.body).toContain('Le due password non coincidono.');
    expect(response.body).toContain('Partita IVA o codice fiscale non valido');
    expect(response.body).toContain('Il CAP è composto da 5 cifre.');
    expect(response.body).toContain('value="Gianni Rossi"');
    expect(response.body).toMatch(/id="companies-0-name"[^>]*value="Euro Oil 1 SRL"/);
    expect(await eventCount()).toBe(before);
  });

  it('names every error at once, beside its field and in the summary that takes the focus', async () => {
    const client = new TestClient(ctx.app);
    await client.get('/registrazione/studio');
    // A password breaking three rules, a CAP and a municipality wrong in the same contract, and
    // a pair missing from the registry: once, the rules came one a time and the pair last.
    const response = await client.post(
      '/registrazione/studio',
      registrationFields(
        {
          password: 'password',
          'companies[0][contracts][0][cap]': '4005',
          'companies[0][contracts][0][municipality]': 'Milano',
        },
        [{ customerCode: '1001234567', contracts: ['3007654321'] }],
      ),
      { 'hx-request': 'true' },
    );
    expect(response.statusCode).toBe(422);
    const html = response.body;
    const expected = {
      password:
        'La password deve contenere almeno una cifra numerica, almeno una lettera maiuscola e almeno un carattere speciale tra @ - _ ! % $.',
      'companies-0-contracts-0-contractNumber':
        'La coppia codice cliente e numero contratto non è ammessa.',
      'companies-0-contracts-0-cap': 'Il CAP è composto da 5 cifre.',
      'companies-0-contracts-0-municipality': 'Il comune non appartiene alla provincia di Bologna.',
    };
    expect(fieldError(html, 'Password')).toBe(expected.password);
    expect(fieldError(html, 'n. Contratto di scarico')).toBe(
      expected['companies-0-contracts-0-contractNumber'],
    );
    expect(fieldError(html, 'CAP stabilimento scarico')).toBe(
      expected['companies-0-contracts-0-cap'],
    );
    expect(fieldError(html, 'Comune stabilimento scarico')).toBe(
      expected['companies-0-contracts-0-municipality'],
    );
    expect(fieldError(html, 'Nominativo')).toBeNull();
    // The password inputs are new ones, not kept by htmx from before (no hx-preserve).
    expect(html).not.toContain('hx-preserve');
    const summary =
      /<div id="riepilogo-errori" class="alert alert-danger error-summary" role="alert" tabindex="-1" autofocus>([\s\S]*?)<\/div>/.exec(
        html,
      )?.[1] ?? '';
    expect(summary).toContain('Ci sono 4 campi da correggere');
    const links = [...summary.matchAll(/<a href="#([^"]+)">([^<]+)<\/a>/g)].map(([, id, text]) => [
      id,
      text,
    ]);
    expect(Object.fromEntries(links)).toEqual(expected);
  });

  it('refuses a municipality of another province', async () => {
    const client = new TestClient(ctx.app);
    const response = await client.post(
      '/registrazione/studio',
      registrationFields({ 'companies[0][contracts][0][municipality]': 'Milano' }),
    );
    expect(response.statusCode).toBe(422);
    expect(response.body).toContain('Il comune non appartiene alla provincia di Bologna.');
  });

  it('refuses a pair missing from the registry with the seed message', async () => {
    const client = new TestClient(ctx.app);
    const response = await client.post(
      '/registrazione/studio',
      registrationFields({}, [{ customerCode: '1001234567', contracts: ['3007654321'] }]),
    );
    expect(response.statusCode).toBe(422);
    expect(response.body).toContain('La coppia codice cliente e numero contratto non è ammessa.');
  });

  it('rejects a post without the CSRF token', async () => {
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/registrazione/studio',
      payload: new URLSearchParams(registrationFields()).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(response.statusCode).toBe(403);
  });

  it('registers, confirms the address with the mailed code, waits for approval, then logs in', async () => {
    const person = new TestClient(ctx.app);
    await person.get('/registrazione/studio');
    const fields = registrationFields(
      {
        username: 'studio.bianchi',
        email: 'bianchi@example.com',
      },
      [
        { customerCode: '1001234567', contracts: ['3001234567'] },
        { customerCode: '1007654321', contracts: ['3007654321'] },
      ],
    );
    const registered = await person.post('/registrazione/studio', fields);
    expect(registered.statusCode).toBe(303);
    expect(registered.headers.location).toBe('/registrazione/verifica');

    const verifyPage = await person.get('/registrazione/verifica');
    expect(verifyPage.body).toContain('b***@example.com');

    await settle(ctx);
    const wrong = await person.post('/registrazione/verifica', {
      code:
        '000000' === (await otpFromMail(ctx.test.database.db, 'bianchi@example.com'))
          ? '111111'
          : '000000',
    });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.body).toContain('Codice non corretto. Tentativi rimasti: 4.');

    const code = await otpFromMail(ctx.test.database.db, 'bianchi@example.com');
    const confirmed = await person.post('/registrazione/verifica', { code });
    expect(confirmed.statusCode).toBe(303);
    expect((await person.get('/registrazione/verifica')).body).toContain('Registrazione inviata');

    await settle(ctx);
    const early = await person.post('/accesso', {
      username: 'studio.bianchi',
      password: 'Segreta-2026',
    });
    expect(early.statusCode).toBe(403);
    expect(early.body).toContain('in attesa di approvazione');
  });
});
