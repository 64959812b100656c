import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAndApprove, registrationFields, seedRegistry } from '../support/accounts.js';
import {
  createOperator,
  signedIn,
  settle,
  startTestApp,
  type TestApp,
} from '../support/testApp.js';
import { backends } from '../support/testDatabase.js';
import { fieldError, pageText } from '../observatory/pageText.js';

/**
 * «+ Aggiungi ditta» from «Modifica profilo»: a consultant takes on another company with its
 * identity and its first contract; a Ditta cannot; a refused form records nothing.
 */
describe.each(backends())('%s: a consultant adds a company', (backend) => {
  let ctx: TestApp;
  const studio = { username: 'studio.bianchi', password: 'Segreta-2026' };
  const ditta = { username: 'tessitura.po', password: 'Tessitura-2026' };
  let studioId = '';

  const newCompany = (overrides: Record<string, string> = {}) => ({
    'company[name]': 'Conceria Reno SRL',
    'company[taxId]': '00743110157',
    'company[phone]': '051 123456',
    'company[email]': '',
    'company[pec]': 'conceria@pec.example',
    'company[customerCode]': '2002345678',
    'contract[contractNumber]': '3002345678',
    'contract[street]': 'Via del Lavoro',
    'contract[civic]': '7',
    'contract[cap]': '40127',
    'contract[province]': 'BO',
    'contract[municipality]': 'Bologna',
    currentPassword: studio.password,
    ...overrides,
  });
  const streamLength = async (streamId: string) =>
    (await ctx.store.readStream(streamId)).events.length;

  beforeAll(async () => {
    ctx = await startTestApp({ backend });
    await createOperator(ctx);
    await seedRegistry(ctx.test.database.db, [
      ['1001112222', '3001112222', 'Tintoria Bianchi SRL'],
      ['1001112222', '3001113333', 'Tintoria Bianchi SRL'],
      ['2002345678', '3002345678', 'Conceria Reno SRL'],
      ['4004445555', '3004445555', 'Tessitura Po SRL'],
    ]);
    studioId = await registerAndApprove(
      ctx,
      'studio',
      registrationFields({ ...studio, fullName: 'Bruna Bianchi', email: 'bruna@studio.example' }, [
        { customerCode: '1001112222', contracts: ['3001112222'] },
      ]),
    );
    await registerAndApprove(
      ctx,
      'ditta',
      registrationFields({ ...ditta, 'companies[0][name]': 'Tessitura Po SRL' }, [
        { customerCode: '4004445555', contracts: ['3004445555'] },
      ]),
    );
  });
  afterAll(async () => ctx.close());

  it('is offered on the profile and asks the company’s identity and its first contract', async () => {
    const client = await signedIn(ctx, studio);
    expect((await client.get('/profilo')).body).toContain('href="/ditte/nuova"');
    const page = await client.get('/ditte/nuova');
    expect(page.statusCode).toBe(200);
    for (const name of ['company[taxId]', 'company[pec]', 'contract[contractNumber]'])
      expect(page.body).toContain(`name="${name}"`);
  });

  it('refuses what is wrong beside its field, recording nothing', async () => {
    const client = await signedIn(ctx, studio);
    const before = await streamLength(`account-${studioId}`);
    const wrong = await client.post(
      '/ditte/nuova',
      newCompany({ 'company[taxId]': '123', currentPassword: 'Sbagliata-1' }),
    );
    expect(wrong.statusCode).toBe(422);
    expect(fieldError(wrong.body, 'Partita IVA')).toMatch(/non valido/);
    // Every error at once: the password too.
    expect(fieldError(wrong.body, 'Password attuale')).toBe('La password attuale non è corretta.');
    const wrongPassword = await client.post(
      '/ditte/nuova',
      newCompany({ currentPassword: 'Sbagliata-1' }),
    );
    expect(wrongPassword.statusCode).toBe(422);
    expect(fieldError(wrongPassword.body, 'Password attuale')).toBe(
      'La password attuale non è corretta.',
    );
    // Already managed (the registered company), with a contract not declared yet: the company is
    // refused before the contract is declared, so neither is recorded.
    const known = await client.post(
      '/ditte/nuova',
      newCompany({
        'company[customerCode]': '1001112222',
        'contract[contractNumber]': '3001113333',
      }),
    );
    expect(known.statusCode).toBe(422);
    expect(fieldError(known.body, 'Codice cliente')).toContain('già tra quelle gestite');
    expect(await streamLength('contract-3001113333')).toBe(0);
    await settle(ctx);
    expect(await streamLength(`account-${studioId}`)).toBe(before);
    expect(await streamLength('contract-3002345678')).toBe(0);
  });

  it('adds the company with its identity and sends its contract to the operators', async () => {
    const client = await signedIn(ctx, studio);
    const added = await client.post('/ditte/nuova', newCompany());
    expect(added.statusCode, added.body).toBe(303);
    expect(added.headers.location).toBe('/contratti?esito=ditta-aggiunta');
    const account = (await ctx.store.readStream(`account-${studioId}`)).events;
    expect(account.at(-1)).toMatchObject({
      type: 'CompanyAdded',
      data: {
        customerCode: '2002345678',
        details: { name: 'Conceria Reno SRL', pec: 'conceria@pec.example' },
      },
    });
    const contract = (await ctx.store.readStream('contract-3002345678')).events;
    expect(contract[0]?.type).toBe('ContractDeclared');
    const listed = await client.get(added.headers.location!);
    expect(pageText(listed.body)).toContain('Ditta aggiunta, con i suoi dati');
    // The profile shows the new company with its identity, as a registered one.
    const profile = await client.get('/profilo');
    expect(profile.body).toMatch(/value="00743110157"/);
  });

  it('is not for a Ditta, which adds its own contracts', async () => {
    const client = await signedIn(ctx, ditta);
    expect((await client.get('/ditte/nuova')).statusCode).toBe(403);
    const posted = await client.post(
      '/ditte/nuova',
      newCompany({ currentPassword: ditta.password }),
    );
    expect(posted.statusCode).toBe(403);
  });
});
