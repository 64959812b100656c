import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlCharactersMessage } from '../../src/platform/http/text.js';
import { registerAndApprove, registrationFields, seedRegistry } from '../support/accounts.js';
import {
  createOperator,
  operatorLogin,
  settle,
  signedIn,
  startTestApp,
  type TestApp,
} from '../support/testApp.js';

/** Seed, «Modifica Profilo»: every registration field editable; validated data waits for an operator. */
describe('Modifica profilo: companies and plants', () => {
  let ctx: TestApp;
  let unoId = '';
  const uno = { username: 'studio.uno', password: 'Segreta-2026' };
  const due = { username: 'studio.due', password: 'Segreta-2026' };
  const db = () => ctx.test.database.db;
  const errorOf = (page: string, field: string) =>
    new RegExp(`<div id="${field}-error"[^>]*>([^<]*)<`).exec(page)?.[1];
  const versions = async () => [
    (await ctx.store.readStream(`account-${unoId}`)).version,
    (await ctx.store.readStream('contract-3001234567')).version,
  ];
  const newestMail = async (to: string) => {
    await settle(ctx);
    return db()
      .selectFrom('mail_outbox')
      .select(['subject', 'text_body'])
      .where('to_address', '=', to)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
  };
  const company = {
    'companies[0][customerCode]': '1001234567',
    'companies[0][name]': 'Euro Oil 1 SRL',
    'companies[0][taxId]': '00743110157',
    'companies[0][phone]': '056754741',
    'companies[0][email]': '',
    'companies[0][pec]': '',
  };
  const plant = {
    'contracts[0][contractNumber]': '3001234567',
    'contracts[0][street]': 'Via Pizzarotti',
    'contracts[0][civic]': '22',
    'contracts[0][cap]': '40055',
    'contracts[0][province]': 'BO',
    'contracts[0][municipality]': 'Castenaso',
  };
  const form = (overrides: Record<string, string> = {}) => ({
    fullName: 'Marta Verdi',
    phone: '051 5447783',
    currentPassword: uno.password,
    ...company,
    ...plant,
    ...overrides,
  });

  beforeAll(async () => {
    ctx = await startTestApp();
    await createOperator(ctx);
    await seedRegistry(db(), [
      ['1001234567', '3001234567', 'Euro Oil SRL'],
      ['1009999999', '3009999999', 'Altra SRL'],
    ]);
    unoId = await registerAndApprove(
      ctx,
      'studio',
      registrationFields({ ...uno, fullName: 'Marta Verdi', email: 'uno@example.com' }),
    );
    await registerAndApprove(
      ctx,
      'studio',
      registrationFields({ ...due, fullName: 'Dario Due', email: 'due@example.com' }, [
        { customerCode: '1009999999', contracts: ['3009999999'] },
      ]),
    );
  });
  afterAll(async () => ctx.close());

  it('shows every registration field of the companies and plants, each with its label', async () => {
    const page = (await (await signedIn(ctx, uno)).get('/profilo')).body;
    expect(page).toContain('<legend class="h3 mb-3">Ditte gestite</legend>');
    expect(page).toMatch(/for="companies-0-name"[^>]*>Ragione sociale/);
    expect(page).toContain(
      'name="companies[0][name]" type="text" class="form-control" value="Euro Oil 1 SRL"',
    );
    expect(page).toMatch(
      /name="contracts\[0\]\[contractNumber\]"[^>]*value="3001234567"[^>]*readonly/,
    );
    expect(page).toContain('value="Via Pizzarotti"');
    expect(page).toContain('href="/contratti/nuovo?ditta=1001234567">+ Aggiungi contratto');
    expect(page).toContain('+ Aggiungi ditta');
  });

  it('refuses bad input beside each field, recording nothing', async () => {
    const client = await signedIn(ctx, uno);
    const before = await versions();
    const bad = await client.post(
      '/profilo',
      form({
        'companies[0][taxId]': '123',
        'companies[0][name]': 'Euro\u0007Oil',
        'contracts[0][cap]': '4005',
      }),
    );
    expect(bad.statusCode).toBe(422);
    expect(errorOf(bad.body, 'companies-0-taxId')).toBe(
      'Partita IVA o codice fiscale non valido: controllare le cifre.',
    );
    expect(errorOf(bad.body, 'companies-0-name')).toBe(controlCharactersMessage);
    expect(errorOf(bad.body, 'contracts-0-cap')).toBe('Il CAP è composto da 5 cifre.');
    const wrongPassword = await client.post(
      '/profilo',
      form({ currentPassword: 'Sbagliata-1', 'companies[0][name]': 'Euro Oil Nuova SRL' }),
    );
    expect(wrongPassword.statusCode).toBe(422);
    expect(errorOf(wrongPassword.body, 'currentPassword')).toBe(
      'La password attuale non è corretta.',
    );
    // The same plant twice, with two addresses: refused whole, not the first one recorded.
    const twice = await client.post(
      '/profilo',
      form({
        'contracts[0][street]': 'Via Nuova',
        'contracts[1][contractNumber]': '3001234567',
        'contracts[1][street]': 'Via Altra',
        'contracts[1][civic]': '1',
        'contracts[1][cap]': '40055',
        'contracts[1][province]': 'BO',
        'contracts[1][municipality]': 'Castenaso',
      }),
    );
    expect(twice.statusCode).toBe(422);
    expect(await versions()).toEqual(before);
  });

  it('a new company identity waits for an operator, who rejects it with a reason', async () => {
    const client = await signedIn(ctx, uno);
    const saved = await client.post('/profilo', form({ 'companies[0][name]': 'Euro Oil Bis SRL' }));
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe('/profilo?esito=in-attesa');
    const row = await db()
      .selectFrom('accounts')
      .select(['companies', 'company_changes'])
      .where('account_id', '=', unoId)
      .executeTakeFirstOrThrow();
    expect(row.companies[0]!.name).toBe('Euro Oil 1 SRL');
    expect(row.company_changes[0]!.details.name).toBe('Euro Oil Bis SRL');
    const page = (await client.get('/profilo?esito=in-attesa')).body;
    expect(page).toContain(
      'In attesa di convalida</strong> da parte degli operatori: Euro Oil Bis SRL',
    );
    expect(page).not.toContain('name="companies[0][name]"');

    const operator = await signedIn(ctx, operatorLogin);
    const queue = (await operator.get('/operatori/registrazioni')).body;
    expect(queue).toContain('Dati in vigore</dt><dd class="col-sm-9">Euro Oil 1 SRL');
    expect(queue).toContain('Nuovi dati</dt><dd class="col-sm-9"><strong>Euro Oil Bis SRL');
    const url = `/operatori/ditte/${unoId}/1001234567`;
    const noReason = await operator.post(`${url}/respingi`, { reason: '' });
    expect(noReason.statusCode).toBe(422);
    expect(errorOf(noReason.body, `motivo-ditta-${unoId}-1001234567`)).toBe(
      'Indicare il motivo del rifiuto (almeno 5 caratteri).',
    );
    const rejected = await operator.post(`${url}/respingi`, { reason: 'Visura non coerente' });
    expect(rejected.headers.location).toBe('/operatori/registrazioni?esito=ditta-respinta');
    const mail = await newestMail('uno@example.com');
    expect(mail.subject).toBe('Dichiara – dati della ditta Euro Oil Bis SRL non convalidati');
    expect(mail.text_body).toContain('Visura non coerente');
    const events = (await ctx.store.readStream(`account-${unoId}`)).events.slice(-2);
    expect(events.map((event) => event.type)).toEqual([
      'CompanyDetailsChangeRequested',
      'CompanyDetailsChangeRejected',
    ]);
    expect(events[1]!.metadata.actor.role).toBe('operator');
  });

  it('an approved company identity replaces the old one, and the declarant is told', async () => {
    const client = await signedIn(ctx, uno);
    await client.post('/profilo', form({ 'companies[0][pec]': 'euro.oil@pec.it' }));
    const operator = await signedIn(ctx, operatorLogin);
    const validated = await operator.post(`/operatori/ditte/${unoId}/1001234567/convalida`, {});
    expect(validated.headers.location).toBe('/operatori/registrazioni?esito=ditta-convalidata');
    const row = await db()
      .selectFrom('accounts')
      .select(['companies', 'company_changes'])
      .where('account_id', '=', unoId)
      .executeTakeFirstOrThrow();
    expect(row.companies[0]!.pec).toBe('euro.oil@pec.it');
    expect(row.company_changes).toEqual([]);
    expect((await newestMail('uno@example.com')).subject).toBe(
      'Dichiara – dati della ditta Euro Oil 1 SRL convalidati',
    );
  });

  it('an approved Ragione sociale reaches the company’s contracts, as an event on each', async () => {
    const client = await signedIn(ctx, uno);
    await client.post('/profilo', form({ 'companies[0][name]': 'Euro Oil Tre SRL' }));
    const operator = await signedIn(ctx, operatorLogin);
    await operator.post(`/operatori/ditte/${unoId}/1001234567/convalida`, {});
    await settle(ctx);
    const contract = (await ctx.store.readStream('contract-3001234567')).events;
    expect(contract.at(-1)).toMatchObject({
      type: 'ContractCompanyRenamed',
      data: { companyName: 'Euro Oil Tre SRL', previousName: 'Euro Oil 1 SRL' },
    });
    const row = await db()
      .selectFrom('contracts')
      .select('company_name')
      .where('contract_number', '=', '3001234567')
      .executeTakeFirstOrThrow();
    expect(row.company_name).toBe('Euro Oil Tre SRL');
    // A replay renames nothing twice.
    await settle(ctx);
    expect((await ctx.store.readStream('contract-3001234567')).events).toHaveLength(
      contract.length,
    );
  });

  it('a new plant address waits for an operator; the old one is in force until validated', async () => {
    const client = await signedIn(ctx, uno);
    const saved = await client.post(
      '/profilo',
      form({ 'companies[0][pec]': 'euro.oil@pec.it', 'contracts[0][street]': 'Via Nuova' }),
    );
    expect(saved.headers.location).toBe('/profilo?esito=in-attesa');
    const contract = () =>
      db()
        .selectFrom('contracts')
        .select(['plant', 'plant_change'])
        .where('contract_number', '=', '3001234567')
        .executeTakeFirstOrThrow();
    expect((await contract()).plant.street).toBe('Via Pizzarotti');
    expect((await contract()).plant_change?.plant.street).toBe('Via Nuova');
    expect((await client.get('/profilo')).body).toContain(
      'Nuovo indirizzo in attesa di convalida:</strong> Via Nuova 22, 40055 Castenaso (BO)',
    );

    const operator = await signedIn(ctx, operatorLogin);
    const queue = (await operator.get('/operatori/contratti')).body;
    expect(queue).toContain('Indirizzo in vigore</dt><dd class="col-sm-9">Via Pizzarotti 22');
    expect(queue).toContain('<strong>Via Nuova 22, 40055 Castenaso (BO)</strong>');
    const validated = await operator.post(
      '/operatori/contratti/3001234567/indirizzo/convalida',
      {},
    );
    expect(validated.headers.location).toBe('/operatori/contratti?esito=indirizzo-convalidato');
    expect(await contract()).toMatchObject({ plant: { street: 'Via Nuova' }, plant_change: null });
    expect((await newestMail('uno@example.com')).text_body).toContain(
      'Via Nuova 22, 40055 Castenaso (BO)',
    );
  });

  it('another declarant can neither see nor change a company or plant it does not own: 404', async () => {
    const client = await signedIn(ctx, due);
    const page = (await client.get('/profilo')).body;
    expect(page).not.toContain('3001234567');
    expect(page).not.toContain('1001234567');
    const before = await versions();
    const base = { fullName: 'Dario Due', phone: '051 5447783', currentPassword: due.password };
    const theirCompany = await client.post('/profilo', {
      ...base,
      ...company,
      'companies[0][name]': 'Presa SRL',
    });
    expect(theirCompany.statusCode).toBe(404);
    const theirPlant = await client.post('/profilo', {
      ...base,
      ...plant,
      'contracts[0][street]': 'Via Presa',
    });
    expect(theirPlant.statusCode).toBe(404);
    expect(await versions()).toEqual(before);
  });
});
