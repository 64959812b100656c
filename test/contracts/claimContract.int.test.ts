import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaffAccount, systemContext } from '../../src/accounts/staffAccounts.js';
import { registerAndApprove, registrationFields, seedRegistry } from '../support/accounts.js';
import type { TestClient } from '../support/client.js';
import {
  createOperator,
  operatorLogin,
  settle,
  signedIn,
  startTestApp,
  type TestApp,
} from '../support/testApp.js';
import { backends } from '../support/testDatabase.js';

describe.each(backends())('%s: ClaimContract ("Gestisci contratto") and release', (backend) => {
  let ctx: TestApp;
  const studio = { username: 'studio.verdi', password: 'Segreta-2026' };
  const ditta = { username: 'euro.oil', password: 'Segreta-2026' };
  const other = { username: 'studio.altro', password: 'Segreta-2026' };
  const auditor = { username: 'renato', password: 'Revisore-2026' };
  const manager = async (number: string) =>
    (
      await ctx.test.database.db
        .selectFrom('contracts')
        .select('manager_account_id')
        .where('contract_number', '=', number)
        .executeTakeFirstOrThrow()
    ).manager_account_id;
  const newestMail = async (to: string) => {
    await settle(ctx);
    return ctx.test.database.db
      .selectFrom('mail_outbox')
      .select(['subject', 'text_body'])
      .where('to_address', '=', to)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
  };
  const eventTypes = async (number: string) =>
    (await ctx.store.readStream(`contract-${number}`)).events.map((event) => event.type);
  /** Posts a plain form, checks the 303, and returns the page it leads to. */
  const postAndFollow = async (client: TestClient, url: string, fields = {}) => {
    const response = await client.post(url, fields);
    expect(response.statusCode, response.body).toBe(303);
    return (await client.get(response.headers.location as string)).body;
  };
  /** The card of one contract on "Contratti", as its section. */
  const card = (page: string, number: string) =>
    new RegExp(`<section[^>]*aria-labelledby="contratto-${number}"[\\s\\S]*?</section>`).exec(
      page,
    )?.[0] ?? '';
  let dittaId: string;

  beforeAll(async () => {
    ctx = await startTestApp({ backend });
    await createOperator(ctx);
    await createStaffAccount(
      ctx.store,
      { role: 'auditor', ...auditor, fullName: 'Renato Revisore', email: 'r@gestore.example' },
      systemContext(new Date()),
    );
    await seedRegistry(ctx.test.database.db, [
      ['1001234567', '3001234567', 'Euro Oil SRL'],
      ['1001234567', '3001234568', 'Euro Oil SRL'],
      ['1009999999', '3009999999', 'Altra SRL'],
      ['1008888888', '3008888888', 'Terza SRL'],
    ]);
    await registerAndApprove(
      ctx,
      'studio',
      registrationFields(
        {
          ...studio,
          fullName: 'Marta Verdi',
          email: 'verdi@example.com',
        },
        [{ customerCode: '1001234567', contracts: ['3001234567', '3001234568'] }],
      ),
    );
    dittaId = await registerAndApprove(
      ctx,
      'ditta',
      registrationFields(
        {
          ...ditta,
          fullName: 'Elena Oil',
          email: 'euro@example.com',
        },
        [{ customerCode: '1001234567', contracts: ['3001234567', '3001234568'] }],
      ),
    );
    await registerAndApprove(
      ctx,
      'studio',
      registrationFields({ ...other, fullName: 'Altro Studio', email: 'altro@example.com' }, [
        { customerCode: '1009999999', contracts: ['3009999999'] },
      ]),
    );
    await registerAndApprove(
      ctx,
      'ditta',
      registrationFields({ username: 'terza.srl', fullName: 'Terza', email: 'terza@example.com' }, [
        { customerCode: '1008888888', contracts: ['3008888888'] },
      ]),
    );
  });
  afterAll(async () => ctx.close());

  it('shows the company who manages its contracts and offers "Gestisci contratto"', async () => {
    const page = await (await signedIn(ctx, ditta)).get('/contratti');
    expect(page.body).toContain('Attualmente gestito da');
    expect(page.body).toContain('Marta Verdi (verdi@example.com)');
    expect(page.body).toContain('Gestisci contratto');
  });

  it('lets the owner read the history while a consultant still manages the contract', async () => {
    const history = await (await signedIn(ctx, ditta)).get('/contratti/3001234568/storia');
    expect(history.statusCode).toBe(200);
    expect(history.body).toContain('Contratto dichiarato da Marta Verdi');
    expect(history.body).toContain(
      'Intestazione a Elena Oil convalidata con l’approvazione della registrazione',
    );
  });

  it('lets the company take the contract over, tells the consultant, who keeps its own declarations only', async () => {
    const client = await signedIn(ctx, ditta);
    await client.get('/contratti');
    const claimed = await client.post('/contratti/3001234567/gestisci', {});
    expect(claimed.statusCode).toBe(303);
    expect(await manager('3001234567')).toBe(dittaId);
    expect((await newestMail('verdi@example.com')).subject).toBe(
      'Dichiara – contratto 3001234567 preso in gestione dalla ditta',
    );
    const consultant = await signedIn(ctx, studio);
    const page = (await consultant.get('/contratti')).body;
    const former = card(page, '3001234567');
    expect(former).toContain('Non gestisci più questo contratto');
    expect(former).toContain('Gestito in precedenza');
    // Nothing of the new manager, nor the history, for the former one.
    expect(former).not.toContain('Elena Oil');
    expect(former).not.toContain('euro@example.com');
    expect(former).not.toContain('Attualmente gestito da');
    expect(former).not.toContain('/storia');
    expect((await consultant.post('/contratti/3001234567/gestisci', {})).statusCode).toBe(404);
  });

  it('answers 404 for a contract the account cannot see, whatever the number', async () => {
    const client = await signedIn(ctx, ditta);
    await client.get('/contratti');
    expect((await client.post('/contratti/3009999999/gestisci', {})).statusCode).toBe(404);
    expect((await client.post('/contratti/0000000000/gestisci', {})).statusCode).toBe(404);
    expect((await client.post('/contratti/abc/gestisci', {})).statusCode).toBe(404);
  });

  it('answers 404 to "rilascia" and "affida" on contracts of others, changing nothing', async () => {
    const stranger = await signedIn(ctx, other);
    await stranger.get('/contratti');
    const before = await eventTypes('3001234568');
    for (const number of ['3001234568', '3008888888', '0000000000']) {
      expect((await stranger.post(`/contratti/${number}/rilascia`, {})).statusCode).toBe(404);
      expect(
        (await stranger.post(`/contratti/${number}/affida`, { consulente: other.username }))
          .statusCode,
      ).toBe(404);
    }
    const company = await signedIn(ctx, { username: 'terza.srl', password: 'Segreta-2026' });
    await company.get('/contratti');
    expect(
      (await company.post('/contratti/3009999999/affida', { consulente: other.username }))
        .statusCode,
    ).toBe(404);
    expect((await company.post('/contratti/3001234568/ritira-affidamento', {})).statusCode).toBe(
      404,
    );
    expect(await eventTypes('3001234568')).toEqual(before);
  });

  it('gives exactly one outcome to two claims at the same moment', async () => {
    const client = await signedIn(ctx, ditta);
    await client.get('/contratti');
    const outcomes = await Promise.all([
      client.post('/contratti/3001234568/gestisci', {}),
      client.post('/contratti/3001234568/gestisci', {}),
    ]);
    expect(outcomes.map((response) => response.statusCode).sort()).toEqual([303, 409]);
    expect(outcomes.find((response) => response.statusCode === 409)?.body).toContain(
      'La ditta gestisce già questo contratto.',
    );
    const { events } = await ctx.store.readStream('contract-3001234568');
    expect(events.filter((event) => event.type === 'ContractClaimed')).toHaveLength(1);
  });

  it('shows the history with who, when and from where to the company, its manager, operators and auditors only', async () => {
    const history = await (await signedIn(ctx, ditta)).get('/contratti/3001234567/storia');
    expect(history.statusCode).toBe(200);
    expect(history.body).toContain('Contratto dichiarato da Marta Verdi');
    expect(history.body).toContain('Convalidato con l’approvazione della registrazione');
    expect(history.body).toContain(
      'Preso in gestione dalla ditta Elena Oil (prima gestito da Marta Verdi)',
    );
    expect(history.body).toContain('127.0.0.1');
    // The former manager reads only what it filed, not the contract's history.
    expect(
      (await (await signedIn(ctx, studio)).get('/contratti/3001234567/storia')).statusCode,
    ).toBe(404);
    expect(
      (await (await signedIn(ctx, operatorLogin)).get('/contratti/3001234567/storia')).statusCode,
    ).toBe(200);
    const audited = await (await signedIn(ctx, auditor)).get('/contratti/3001234567/storia');
    expect(audited.statusCode).toBe(200);
    expect(audited.body).toContain(
      'Preso in gestione dalla ditta Elena Oil (prima gestito da Marta Verdi)',
    );
    const stranger = await signedIn(ctx, other);
    expect((await stranger.get('/contratti/3001234567/storia')).statusCode).toBe(404);
  });

  it('lets the company hand the contract to a consultant, who is told and must accept', async () => {
    const company = await signedIn(ctx, ditta);
    await company.get('/contratti');
    const unknown = await company.post('/contratti/3001234567/affida', { consulente: 'nessuno' });
    expect(unknown.statusCode).toBe(422);
    expect(card(unknown.body, '3001234567')).toContain(
      'Nessuno studio tecnico/consulente attivo con questo nome utente.',
    );
    const offeredPage = await postAndFollow(company, '/contratti/3001234567/affida', {
      consulente: studio.username,
    });
    expect(offeredPage).toContain('Affidamento inviato: il consulente è stato avvisato');
    expect(offeredPage).toContain("Ritira l'affidamento");
    expect((await newestMail('verdi@example.com')).subject).toBe(
      'Dichiara – affidamento del contratto 3001234567',
    );

    const consultant = await signedIn(ctx, studio);
    const offered = card((await consultant.get('/contratti')).body, '3001234567');
    expect(offered).toContain('Accetta la gestione');
    expect(offered).toContain("Rifiuta l'affidamento");
    // Offered, not yet manager: no link to a history it may not read.
    expect(offered).not.toContain('/storia');
    expect((await consultant.get('/contratti/3001234567/storia')).statusCode).toBe(404);

    const stranger = await signedIn(ctx, other);
    await stranger.get('/contratti');
    expect((await stranger.post('/contratti/3001234567/accetta', {})).statusCode).toBe(404);
    expect((await stranger.post('/contratti/3001234567/rifiuta', {})).statusCode).toBe(404);
    const accepted = await postAndFollow(consultant, '/contratti/3001234567/accetta');
    expect(accepted).toContain('Ora gestisci le dichiarazioni di questo contratto');
    expect(await manager('3001234567')).not.toBe(dittaId);
    expect((await newestMail('euro@example.com')).subject).toBe(
      'Dichiara – affidamento del contratto 3001234567 accettato',
    );
    expect((await eventTypes('3001234567')).slice(-2)).toEqual([
      'ContractDelegationOffered',
      'ContractDelegationAccepted',
    ]);
    expect((await consultant.get('/contratti/3001234567/storia')).statusCode).toBe(200);
  });

  it('lets the consultant decline an offer and the company withdraw one, each told by mail', async () => {
    const company = await signedIn(ctx, ditta);
    await company.get('/contratti');
    await postAndFollow(company, '/contratti/3001234568/affida', { consulente: studio.username });
    const again = await company.post('/contratti/3001234568/affida', {
      consulente: other.username,
    });
    expect(again.statusCode).toBe(422);
    expect(card(again.body, '3001234568')).toContain('C’è già un affidamento in attesa');

    const consultant = await signedIn(ctx, studio);
    await consultant.get('/contratti');
    const declined = await postAndFollow(consultant, '/contratti/3001234568/rifiuta');
    expect(declined).toContain('Affidamento rifiutato');
    expect((await newestMail('euro@example.com')).subject).toBe(
      'Dichiara – affidamento del contratto 3001234568 rifiutato',
    );
    expect(await manager('3001234568')).toBe(dittaId);

    await postAndFollow(company, '/contratti/3001234568/affida', { consulente: studio.username });
    const withdrawn = await postAndFollow(company, '/contratti/3001234568/ritira-affidamento');
    expect(withdrawn).toContain('Affidamento ritirato');
    expect((await newestMail('verdi@example.com')).subject).toBe(
      'Dichiara – affidamento del contratto 3001234568 ritirato',
    );
    expect((await consultant.post('/contratti/3001234568/accetta', {})).statusCode).toBe(404);
    expect((await eventTypes('3001234568')).slice(-4)).toEqual([
      'ContractDelegationOffered',
      'ContractDelegationDeclined',
      'ContractDelegationOffered',
      'ContractDelegationWithdrawn',
    ]);
  });

  it('lets a consultant give a contract back to the company, which is told by mail', async () => {
    const consultant = await signedIn(ctx, studio);
    await consultant.get('/contratti');
    const released = await postAndFollow(consultant, '/contratti/3001234567/rilascia');
    expect(released).toContain('Contratto rilasciato');
    expect(await manager('3001234567')).toBe(dittaId);
    const mail = await newestMail('euro@example.com');
    expect(mail.subject).toBe('Dichiara – contratto 3001234567 rilasciato dal consulente');
    expect(mail.text_body).toContain('Gentile Elena Oil,');
  });

  it('lets a consultant give back a contract of a company without an account', async () => {
    const stranger = await signedIn(ctx, other);
    await stranger.get('/contratti');
    expect((await stranger.post('/contratti/3009999999/rilascia', {})).statusCode).toBe(303);
    expect(await manager('3009999999')).toBeNull();
  });
});
