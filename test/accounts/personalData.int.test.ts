import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PersonalData } from '../../src/accounts/personalData.js';
import { registerAndApprove, registrationFields, seedRegistry } from '../support/accounts.js';
import { TestClient } from '../support/client.js';
import { campaignYear, fileDeclaration, openCampaign } from '../support/declarations.js';
import {
  createOperator,
  operatorLogin,
  settle,
  signedIn,
  startTestApp,
  type TestApp,
} from '../support/testApp.js';
import { backends } from '../support/testDatabase.js';
import { pdfText } from '../declarations/pdf/pdfText.js';

/**
 * «Scarica i miei dati» (GDPR art. 15 and 20): the person's own data as JSON and as a PDF, from
 * the profile, recorded on their account stream and limited to ten downloads an hour.
 */
describe.each(backends())('%s: «Scarica i miei dati»', (backend) => {
  let ctx: TestApp;
  let gianniId: string;
  let martaId: string;
  const gianni = { username: 'gianni.rossi', password: 'Segreta-2026' };
  const marta = { username: 'marta.neri', password: 'Segreta-2026' };
  const contract = '3001234567';
  const notice = 'ambiente@euro-oil.example';
  const today = '2026-01-20';

  const exportOf = async (client: TestClient) => {
    const response = await client.get('/profilo/i-miei-dati.json');
    expect(response.statusCode, response.body).toBe(200);
    return { response, data: JSON.parse(response.body) as PersonalData };
  };
  const exportsRecorded = async (accountId: string) =>
    (await ctx.store.readStream(`account-${accountId}`)).events.filter(
      (event) => event.type === 'PersonalDataExported',
    );

  beforeAll(async () => {
    ctx = await startTestApp({ backend, now: () => new Date(`${today}T10:00:00Z`) });
    await createOperator(ctx);
    await seedRegistry(ctx.test.database.db, [
      ['1001234567', contract, 'Euro Oil 1 SRL'],
      ['2002345678', '3002345678', 'Officina Neri SRL'],
    ]);
    gianniId = await registerAndApprove(
      ctx,
      'ditta',
      registrationFields({ ...gianni, fullName: 'Gianni Rossi', email: 'gianni@euro-oil.example' }),
    );
    martaId = await registerAndApprove(
      ctx,
      'studio',
      registrationFields({ ...marta, fullName: 'Marta Neri', email: 'marta@studio-neri.example' }, [
        { customerCode: '2002345678', contracts: ['3002345678'] },
      ]),
    );
    await openCampaign(ctx);
    await fileDeclaration(
      ctx,
      await signedIn(ctx, gianni),
      `/dichiarazioni/${campaignYear}/${contract}`,
      notice,
    );
  });
  afterAll(async () => ctx.close());

  it('sends a visitor to the login page first', async () => {
    const response = await new TestClient(ctx.app).get('/profilo/i-miei-dati.json');
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe(
      `/accesso?dopo=${encodeURIComponent('/profilo/i-miei-dati.json')}`,
    );
  });

  it('offers both downloads on the profile, and the privacy notice says so', async () => {
    const profile = await (await signedIn(ctx, gianni)).get('/profilo');
    expect(profile.body).toContain('I tuoi dati');
    expect(profile.body).toContain('href="/profilo/i-miei-dati.json"');
    expect(profile.body).toContain('href="/profilo/i-miei-dati.pdf"');
    const privacy = await new TestClient(ctx.app).get('/privacy');
    expect(privacy.body).toContain('«Scarica i miei dati» nella pagina del profilo');
  });

  it('gives the person’s account, contracts, declarations and events as JSON, with no secret and nobody else’s data', async () => {
    const { response, data } = await exportOf(await signedIn(ctx, gianni));
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.headers['content-disposition']).toBe(
      `attachment; filename="dati-personali-${gianni.username}-${today}.json"`,
    );
    expect(response.headers['cache-control']).toBe('no-store');
    expect(data.cut).toEqual([]);
    expect(data.account).toMatchObject({
      accountId: gianniId,
      username: gianni.username,
      fullName: 'Gianni Rossi',
      email: 'gianni@euro-oil.example',
      role: 'declarant',
      kind: 'ditta',
      status: 'active',
      memberRole: 'amministratore',
    });
    expect(data.organisation?.companies.map((c) => c.customerCode)).toEqual(['1001234567']);
    expect(data.contracts).toEqual([
      expect.objectContaining({ contractNumber: contract, managed: true, owned: true }),
    ]);
    expect(data.contracts[0]!.plantAddress).toBe('Via Pizzarotti 22, 40055 Castenaso (BO)');
    expect(data.declarations).toEqual([
      expect.objectContaining({
        year: campaignYear,
        contractNumber: contract,
        protocolNumber: `${campaignYear}/000001`,
        notificationEmail: notice,
      }),
    ]);
    expect(data.sessions.length).toBeGreaterThan(0);
    expect(data.mails.map((mail) => mail.to)).toContain('gianni@euro-oil.example');

    const types = new Set(data.events.map((event) => event.type));
    for (const type of ['ReferentRegistered', 'RegistrationApproved', 'SignedIn'])
      expect(types).toContain(type);
    const submitted = data.events.find((event) => event.type === 'DeclarationSubmitted');
    expect(submitted).toMatchObject({ streamId: `contract-${contract}` });
    expect(submitted?.metadata.actor.id).toBe(gianniId);
    // The operator's address is hers, not his; his own is his.
    const approved = data.events.find((event) => event.type === 'RegistrationApproved');
    expect(approved?.metadata.clientIp).toBeNull();
    expect(submitted?.metadata.clientIp).toBe('127.0.0.1');

    const registered = data.events.find((event) => event.type === 'ReferentRegistered');
    expect(registered?.data).toMatchObject({ username: gianni.username });
    expect(response.body).not.toMatch(/passwordHash/i);
    const { password_hash } = await ctx.test.database.db
      .selectFrom('accounts')
      .select('password_hash')
      .where('account_id', '=', gianniId)
      .executeTakeFirstOrThrow();
    expect(response.body).not.toContain(password_hash);
    for (const other of ['Marta Neri', 'marta@studio-neri.example', '3002345678'])
      expect(response.body).not.toContain(other);
  });

  it('lists no mail to an address only asked for, never confirmed: it may be someone else’s', async () => {
    const client = await signedIn(ctx, operatorLogin);
    // Olga asks to move to Gianni's address (her own password is all it takes), never confirms.
    const asked = await client.post('/profilo', {
      fullName: 'Olga Operatrice',
      phone: '051 111 2222',
      newEmail: 'gianni@euro-oil.example',
      newEmailConfirm: 'gianni@euro-oil.example',
      currentPassword: operatorLogin.password,
    });
    expect(asked.statusCode, asked.body).toBe(303);
    await settle(ctx);
    const { data } = await exportOf(client);
    const to = new Set(data.mails.map((mail) => mail.to.toLowerCase()));
    expect(to.has('gianni@euro-oil.example')).toBe(false);
    // The link to confirm went there: a mail to that address, and still not Olga's to read.
    const sent = await ctx.test.database.db
      .selectFrom('mail_outbox')
      .select('id')
      .where('to_address', '=', 'gianni@euro-oil.example')
      .execute();
    expect(sent.length).toBeGreaterThan(1);
  });

  it('gives a staff member what they did, without an organisation', async () => {
    const { data } = await exportOf(await signedIn(ctx, operatorLogin));
    expect(data.account).toMatchObject({ username: 'olga', role: 'operator' });
    expect(data.organisation).toBeNull();
    expect(data.contracts).toEqual([]);
    const approvals = data.events.filter((event) => event.type === 'RegistrationApproved');
    expect(approvals.map((event) => event.streamId)).toContain(`account-${gianniId}`);
    // What Olga did to others' records is listed, but their content is theirs: left out.
    for (const approval of approvals)
      expect(approval).toMatchObject({ dataLeftOut: true, data: {} });
    const created = data.events.filter((event) => event.type === 'StaffAccountCreated');
    expect(created.every((event) => event.streamId === `account-${data.account.accountId}`)).toBe(
      true,
    );
  });

  it('gives a PDF to read, with the same sections in Italian', async () => {
    const response = await (await signedIn(ctx, gianni)).get('/profilo/i-miei-dati.pdf');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    expect(response.headers['content-disposition']).toBe(
      `attachment; filename="dati-personali-${gianni.username}-${today}.pdf"`,
    );
    expect(response.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = (await pdfText(response.rawPayload)).replace(/\s+/g, ' ');
    for (const title of [
      'I miei dati personali',
      'Dati dell’account',
      'Organizzazione e ditte',
      'Contratti',
      'Dichiarazioni',
      'Accessi',
      'Comunicazioni inviate',
      'Eventi del registro',
    ])
      expect(text).toContain(title);
    expect(text).toContain('Gianni Rossi');
    expect(text).toContain('Servizio Idrico Integrato');
    expect(text).toContain(`${campaignYear}/000001`);
    expect(text).toContain('Registrazione del referente');
    expect(text).toContain('Il file JSON');
    expect(text).not.toContain('Marta Neri');
  });

  it('records each download on the person’s account stream, with who and from where', async () => {
    const recorded = await exportsRecorded(gianniId);
    expect(recorded.map((event) => event.data)).toEqual([{ format: 'json' }, { format: 'pdf' }]);
    expect(recorded[0]!.metadata).toMatchObject({
      actor: { id: gianniId, role: 'declarant' },
      clientIp: '127.0.0.1',
      occurredAt: `${today}T10:00:00.000Z`,
    });
    // The next export lists the earlier ones among the person's events.
    const { data } = await exportOf(await signedIn(ctx, gianni));
    expect(data.events.filter((event) => event.type === 'PersonalDataExported')).toHaveLength(2);
  });

  it('allows ten downloads an hour, then says when to try again', async () => {
    const client = await signedIn(ctx, marta);
    for (let i = 0; i < 10; i++) {
      const format = i % 2 === 0 ? 'json' : 'pdf';
      expect((await client.get(`/profilo/i-miei-dati.${format}`)).statusCode).toBe(200);
    }
    const refused = await client.get('/profilo/i-miei-dati.json');
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBe('3600');
    expect(refused.body).toContain(
      'Hai già scaricato i tuoi dati 10 volte nell’ultima ora: riprova tra 60 minuti.',
    );
    expect(await exportsRecorded(martaId)).toHaveLength(10);
  });
});
