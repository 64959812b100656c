import { sql, type RawBuilder } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { accountDecider, accountStream } from '../../domain/accounts/accountDecider.js';
import type { MemberRole } from '../../domain/accounts/members.js';
import { hashPassword } from '../../src/accounts/passwords.js';
import { handleCommand } from '../../src/platform/eventStore/commandHandler.js';
import { registerAndApprove, registrationFields, seedRegistry } from '../support/accounts.js';
import { TestClient } from '../support/client.js';
import { campaignYear, openCampaign } from '../support/declarations.js';
import {
  createOperator,
  settle,
  signedIn,
  startTestApp,
  type TestApp,
} from '../support/testApp.js';

/**
 * The people of an organisation, as they meet the portal: an administrator invites by e-mail, the
 * invited person follows the link, chooses a login and works for the organisation with the role
 * given — no further, and never in another organisation.
 */
describe('people of an organisation and their roles', () => {
  let ctx: TestApp;
  const password = 'Segreta-2026';
  const people = '/area-riservata/persone';
  /** The organisations: a Ditta (named after its company), two studios (after their registrant). */
  const euroOil = {
    username: 'euro.oil',
    password,
    name: 'Euro Oil 1 SRL',
    contract: '3001234567',
    id: '',
  };
  const altro = {
    username: 'studio.altro',
    password,
    name: 'Altro Studio',
    contract: '3009999999',
    id: '',
  };
  const neri = {
    username: 'studio.neri',
    password,
    name: 'Nadia Neri',
    contract: '3007777777',
    id: '',
  };
  type Organisation = typeof euroOil;

  interface Person {
    readonly organisation: Organisation;
    readonly username: string;
    readonly fullName: string;
    readonly email: string;
    readonly role: MemberRole;
    readonly password: string;
  }
  const person = (
    organisation: Organisation,
    username: string,
    fullName: string,
    role: MemberRole,
  ): Person => ({
    organisation,
    username,
    fullName,
    role,
    email: `${username}@example.com`,
    password,
  });

  const lastAdministrator =
    'È l’unico amministratore dell’organizzazione: nomina prima un altro amministratore.';
  const onlyAdministrators = 'Solo un amministratore dell’organizzazione può farlo.';
  const readOnly = 'Il tuo ruolo permette solo di consultare';

  /** The person's row in the accounts view: their organisation and the role they hold now. */
  const account = (username: string) =>
    ctx.test.database.db
      .selectFrom('accounts')
      .select(['account_id', 'organisation_id', 'member_role'])
      .where('username', '=', username)
      .executeTakeFirst();
  const roleOf = async (username: string) => (await account(username))?.member_role;
  const invitationStatus = async (inviteId: string) =>
    (
      await ctx.test.database.db
        .selectFrom('member_invitations')
        .select('status')
        .where('invite_id', '=', inviteId)
        .executeTakeFirstOrThrow()
    ).status;
  const streamVersion = async (stream: string) => (await ctx.store.readStream(stream)).version;
  /** The contract numbers on a page of cards (/contratti). */
  const contractCards = (page: string) =>
    [...page.matchAll(/id="contratto-(\d+)"/g)].map((match) => match[1]).sort();

  /** The invitation link of the newest mail to `to`, as a path on the portal. */
  async function invitationLink(to: Person): Promise<string> {
    await settle(ctx);
    const mail = await ctx.test.database.db
      .selectFrom('mail_outbox')
      .select(['subject', 'text_body'])
      .where('to_address', '=', to.email)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(mail.subject).toBe(`Dichiara – invito a far parte di ${to.organisation.name}`);
    expect(mail.text_body).toContain(`Gentile ${to.fullName},`);
    const link = /http:\/\/portale\.test(\/accesso\/invito\?\S+)/.exec(mail.text_body)?.[1];
    if (!link) throw new Error(`No invitation link in:\n${mail.text_body}`);
    return link;
  }
  /** What the invitation page carries in hidden fields: the link's query. */
  const linkFields = (link: string) =>
    Object.fromEntries(new URL(link, 'http://portale.test').searchParams);

  /** An administrator invites from the people page; returns the link the person receives. */
  async function invite(admin: TestClient, who: Person): Promise<string> {
    await admin.get(people);
    const response = await admin.post(`${people}/invita`, {
      fullName: who.fullName,
      email: who.email,
      role: who.role,
    });
    expect(response.statusCode, response.body).toBe(303);
    expect(response.headers.location).toBe(`${people}?esito=invitato`);
    return invitationLink(who);
  }

  /** The person opens the link and chooses a username and password (fields may be overridden). */
  async function accept(link: string, who: Person, overrides: Record<string, string> = {}) {
    const visitor = new TestClient(ctx.app);
    await visitor.get(link);
    return visitor.post('/accesso/invito', {
      ...linkFields(link),
      username: who.username,
      password: who.password,
      passwordConfirm: who.password,
      ...overrides,
    });
  }

  /** Invited, joined and logged in: the person's session and account id. */
  async function joined(admin: TestClient, who: Person) {
    const accepted = await accept(await invite(admin, who), who);
    expect(accepted.statusCode, accepted.body).toBe(303);
    await settle(ctx);
    const client = await signedIn(ctx, who);
    return { client, id: (await account(who.username))!.account_id };
  }

  /** "+ Aggiungi contratto", filled in for the Ditta's own customer code. */
  const newContract = (contractNumber: string, currentPassword: string) => ({
    customerCode: '1001234567',
    companyName: 'Euro Oil SRL',
    'contract[contractNumber]': contractNumber,
    'contract[street]': 'Via Nuova',
    'contract[civic]': '5',
    'contract[cap]': '40100',
    'contract[province]': 'BO',
    'contract[municipality]': 'Bologna',
    currentPassword,
  });

  async function registered(
    organisation: Organisation,
    kind: 'ditta' | 'studio',
    customerCode: string,
  ) {
    organisation.id = await registerAndApprove(
      ctx,
      kind,
      registrationFields(
        {
          username: organisation.username,
          password,
          fullName: kind === 'ditta' ? 'Elena Oil' : organisation.name,
          email: `${organisation.username}@example.com`,
        },
        [{ customerCode, contracts: [organisation.contract] }],
      ),
    );
  }

  beforeAll(async () => {
    ctx = await startTestApp();
    await createOperator(ctx);
    await seedRegistry(ctx.test.database.db, [
      ['1001234567', '3001234567', 'Euro Oil SRL'],
      ['1001234567', '3001234570', 'Euro Oil SRL'],
      ['1001234567', '3001234571', 'Euro Oil SRL'],
      ['1009999999', '3009999999', 'Altra SRL'],
      ['1007777777', '3007777777', 'Neri SRL'],
    ]);
    await registered(euroOil, 'ditta', '1001234567');
    await registered(altro, 'studio', '1009999999');
    await registered(neri, 'studio', '1007777777');
    await openCampaign(ctx);
  });
  afterAll(async () => ctx.close());

  it('lets an administrator invite a compilatore, who chooses a login and sees the organisation’s contracts', async () => {
    const admin = await signedIn(ctx, euroOil);
    const before = await admin.get(people);
    expect(before.statusCode).toBe(200);
    expect(before.body).toContain('Persone dell’organizzazione');
    expect(before.body).toContain('unico amministratore');
    const carla = person(euroOil, 'carla.compila', 'Carla Compilatrice', 'compilatore');
    const link = await invite(admin, carla);
    const pending = (await admin.get(`${people}?esito=invitato`)).body;
    expect(pending).toContain('Invito inviato: la persona riceverà una e-mail');
    expect(pending).toMatch(
      /Carla Compilatrice<\/strong> · carla\.compila@example\.com · Compilatore · valido fino al/,
    );

    const page = await new TestClient(ctx.app).get(link);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(
      'hai ricevuto un invito a far parte di <strong>Euro Oil 1 SRL</strong>',
    );
    expect(page.body).toContain('con il ruolo di <strong>compilatore</strong>');
    const accepted = await accept(link, carla);
    expect(accepted.statusCode, accepted.body).toBe(303);
    expect(accepted.headers.location).toBe('/accesso?esito=benvenuto');
    expect((await new TestClient(ctx.app).get('/accesso?esito=benvenuto')).body).toContain(
      'Account creato: accedi con il nome utente e la password che hai scelto.',
    );
    await settle(ctx);
    expect(await account(carla.username)).toMatchObject({
      organisation_id: euroOil.id,
      member_role: 'compilatore',
    });

    const visitor = new TestClient(ctx.app);
    const login = await visitor.post('/accesso', { username: carla.username, password });
    expect(login.statusCode).toBe(303);
    expect(login.headers.location).toBe('/area-riservata');
    const area = (await visitor.get('/area-riservata')).body;
    expect(area).toContain('Carla Compilatrice · Ditta · Compilatore');
    expect(area).toContain(euroOil.contract);
    const hers = contractCards((await visitor.get('/contratti')).body);
    expect(hers).toEqual([euroOil.contract]);
    expect(hers).toEqual(contractCards((await admin.get('/contratti')).body));

    const after = (await admin.get(people)).body;
    expect(after).not.toMatch(/carla\.compila@example\.com · Compilatore · valido/);
    expect(after).toContain('<td>carla.compila</td>');
  });

  it('accepts an invitation link once, and never a tampered, misdirected or withdrawn one (410)', async () => {
    const admin = await signedIn(ctx, euroOil);
    const fabio = person(euroOil, 'fabio.firma', 'Fabio Firmatario', 'firmatario');
    const link = await invite(admin, fabio);
    const { token } = linkFields(link);
    const forged = `${token!.slice(0, -1)}${token!.endsWith('A') ? 'B' : 'A'}`;
    const tampered = await accept(link, fabio, { token: forged });
    expect(tampered.statusCode).toBe(410);
    expect(tampered.body).toContain('Questo invito non è valido');
    expect((await new TestClient(ctx.app).get(link.replace(token!, forged))).statusCode).toBe(410);
    // The right invitation and token, but named for another organisation.
    expect((await accept(link, fabio, { organizzazione: altro.id })).statusCode).toBe(410);
    expect(await account(fabio.username)).toBeUndefined();

    expect((await accept(link, fabio)).statusCode).toBe(303);
    const again = await accept(link, { ...fabio, username: 'fabio.bis' });
    expect(again.statusCode).toBe(410);
    expect(again.body).toContain('è già stato usato, è stato ritirato oppure è scaduto');
    expect((await new TestClient(ctx.app).get(link)).statusCode).toBe(410);
    expect(await account('fabio.bis')).toBeUndefined();
    expect(await roleOf(fabio.username)).toBe('firmatario');

    const wanda = person(euroOil, 'wanda.ritirata', 'Wanda Ritirata', 'lettore');
    const withdrawnLink = await invite(admin, wanda);
    const { invito } = linkFields(withdrawnLink);
    const withdrawn = await admin.post(`${people}/inviti/${invito}/ritira`, {});
    expect(withdrawn.statusCode).toBe(303);
    expect(withdrawn.headers.location).toBe(`${people}?esito=ritirato`);
    const page = (await admin.get(`${people}?esito=ritirato`)).body;
    expect(page).toContain('Invito ritirato: il link ricevuto non funziona più.');
    expect(page).not.toContain('wanda.ritirata@example.com');
    expect((await new TestClient(ctx.app).get(withdrawnLink)).statusCode).toBe(410);
    expect((await accept(withdrawnLink, wanda)).statusCode).toBe(410);
    expect(await account(wanda.username)).toBeUndefined();
  });

  it('completes a join that stopped after the account was made, with the login chosen then', async () => {
    const admin = await signedIn(ctx, altro);
    const ugo = person(altro, 'ugo.primo', 'Ugo Interrotto', 'compilatore');
    const link = await invite(admin, ugo);
    const { invito } = linkFields(link);
    // The first try stopped between its two steps: the account exists, the join does not.
    await handleCommand(
      ctx.store,
      accountDecider,
      accountStream.id(invito!),
      {
        type: 'CreateMemberAccount',
        accountId: invito!,
        organisationId: altro.id,
        inviteId: invito!,
        kind: 'studio',
        fullName: ugo.fullName,
        email: ugo.email,
        username: ugo.username,
        passwordHash: await hashPassword(ugo.password),
      },
      {
        commandId: randomUUID(),
        correlationId: randomUUID(),
        actor: { id: invito!, role: 'declarant', organisationId: altro.id },
        clientIp: null,
        now: new Date(),
      },
    );
    await settle(ctx);
    const otherName = await accept(link, { ...ugo, username: 'ugo.secondo' });
    expect(otherName.statusCode).toBe(422);
    expect(otherName.body).toContain('già stato creato con il nome utente «ugo.primo»');
    expect(await roleOf(ugo.username)).toBeNull();

    expect((await accept(link, ugo)).statusCode).toBe(303);
    await settle(ctx);
    expect(await roleOf(ugo.username)).toBe('compilatore');
    await signedIn(ctx, ugo);
  });

  it('ends the invitations of an administrator who is removed', async () => {
    const founder = await signedIn(ctx, altro);
    const ada = person(altro, 'ada.amministra', 'Ada Amministratrice', 'amministratore');
    const { client, id } = await joined(founder, ada);
    const link = await invite(client, person(altro, 'amico.ada', 'Amico di Ada', 'amministratore'));
    await founder.get(people);
    expect((await founder.post(`${people}/${id}/rimuovi`, {})).statusCode).toBe(303);
    expect((await new TestClient(ctx.app).get(link)).statusCode).toBe(410);
    expect(await invitationStatus(linkFields(link).invito!)).toBe('withdrawn');
  });

  it('sends an address at most 3 invitations a day, even when each is withdrawn', async () => {
    const admin = await signedIn(ctx, altro);
    const again = person(altro, 'sempre.lui', 'Sempre Lui', 'lettore');
    for (let i = 0; i < 3; i++) {
      const { invito } = linkFields(await invite(admin, again));
      expect((await admin.post(`${people}/inviti/${invito}/ritira`, {})).statusCode).toBe(303);
    }
    const fourth = await admin.post(`${people}/invita`, {
      fullName: again.fullName,
      email: again.email,
      role: again.role,
    });
    expect(fourth.statusCode).toBe(422);
    expect(fourth.body).toContain('Questo indirizzo ha già ricevuto 3 inviti oggi');
    await settle(ctx);
    const mails = await ctx.test.database.db
      .selectFrom('mail_outbox')
      .select('id')
      .where('to_address', '=', again.email)
      .execute();
    expect(mails).toHaveLength(3);
  });

  it('lets a compilatore prepare, but not invite, change roles or remove anyone (403)', async () => {
    const admin = await signedIn(ctx, euroOil);
    const cosimo = person(euroOil, 'cosimo.compila', 'Cosimo Compilatore', 'compilatore');
    const { client, id } = await joined(admin, cosimo);
    const page = (await client.get(people)).body;
    expect(page).toContain(
      'Per invitare altre persone o cambiare un ruolo rivolgiti a un amministratore',
    );
    expect(page).not.toContain('Invia invito');
    expect(page).not.toContain('Cambia ruolo');

    const invited = await client.post(`${people}/invita`, {
      fullName: 'Ospite Nuovo',
      email: 'ospite@example.com',
      role: 'amministratore',
    });
    expect(invited.statusCode).toBe(403);
    expect(invited.body).toContain(onlyAdministrators);
    for (const [target, role] of [
      [euroOil.id, 'lettore'],
      [id, 'amministratore'],
    ] as const) {
      const changed = await client.post(`${people}/${target}/ruolo`, { role });
      expect(changed.statusCode).toBe(403);
      expect(changed.body).toContain(onlyAdministrators);
    }
    expect((await client.post(`${people}/${euroOil.id}/rimuovi`, {})).statusCode).toBe(403);
    await settle(ctx);
    const mailed = await ctx.test.database.db
      .selectFrom('mail_outbox')
      .select('id')
      .where('to_address', '=', 'ospite@example.com')
      .execute();
    expect(mailed).toHaveLength(0);
    expect(await roleOf(euroOil.username)).toBe('amministratore');
    expect(await roleOf(cosimo.username)).toBe('compilatore');

    // Preparing is the compilatore's work: a contract added for the organisation.
    await client.get('/contratti/nuovo');
    const declared = await client.post('/contratti/nuovo', newContract('3001234570', password));
    expect(declared.statusCode, declared.body).toBe(303);
    expect(contractCards((await admin.get('/contratti')).body)).toContain('3001234570');
  });

  it('shows a lettore the contracts without hand-over buttons, and refuses whatever would change them (403)', async () => {
    const admin = await signedIn(ctx, euroOil);
    const adminPage = (await admin.get('/contratti')).body;
    expect(adminPage).toContain('+ Aggiungi contratto');
    expect(adminPage).toContain('Affida la gestione');
    expect(adminPage).toContain('Cambia il numero del contratto');
    const { client } = await joined(admin, person(euroOil, 'lea.legge', 'Lea Lettrice', 'lettore'));
    const page = (await client.get('/contratti')).body;
    expect(page).toContain(`Contratto ${euroOil.contract}`);
    expect(page).toContain(`/contratti/${euroOil.contract}/storia`);
    for (const offered of [
      '+ Aggiungi contratto',
      'Affida la gestione',
      'Gestisci contratto',
      'Rilascia il contratto',
      'Cambia il numero del contratto',
    ])
      expect(page).not.toContain(offered);

    const contractStream = `contract-${euroOil.contract}`;
    const before = await streamVersion(contractStream);
    const handedOver = await client.post(`/contratti/${euroOil.contract}/affida`, {
      consulente: altro.username,
    });
    expect(handedOver.statusCode).toBe(403);
    expect(handedOver.body).toContain(onlyAdministrators);
    expect((await client.post(`/contratti/${euroOil.contract}/gestisci`, {})).statusCode).toBe(403);
    const declared = await client.post('/contratti/nuovo', newContract('3001234571', password));
    expect(declared.statusCode).toBe(403);
    expect(declared.body).toContain(readOnly);
    const invited = await client.post(`${people}/invita`, {
      fullName: 'Ospite Lettore',
      email: 'ospite.lettore@example.com',
      role: 'lettore',
    });
    expect(invited.statusCode).toBe(403);
    // The forms that would change something say so before anything is typed in.
    for (const form of ['/contratti/nuovo', `/contratti/${euroOil.contract}/cambio-numero`]) {
      const opened = await client.get(form);
      expect(opened.statusCode).toBe(403);
      expect(opened.body).toContain(readOnly);
    }
    expect((await client.get('/dichiarazioni')).body).toContain(
      'Il tuo ruolo permette solo di consultare: la dichiarazione la carica',
    );
    // Posted all the same, the number change collects its refusals in the form, the role's too.
    const renumbered = await client.post(`/contratti/${euroOil.contract}/cambio-numero`, {
      newContractNumber: '3001234571',
      currentPassword: password,
    });
    expect(renumbered.statusCode).toBe(422);
    expect(renumbered.body).toContain(readOnly);
    expect(await streamVersion(contractStream)).toBe(before);
    expect(await streamVersion('contract-3001234571')).toBe(0);
  });

  it('ends the session and the login of a person an administrator removes', async () => {
    const admin = await signedIn(ctx, euroOil);
    const anna = person(euroOil, 'anna.admin', 'Anna Amministratrice', 'amministratore');
    const { client, id } = await joined(admin, anna);
    // A second administrator manages people too.
    expect((await client.get(people)).body).toContain('Invia invito');

    // «Rimuovi» asks once more; another organisation's administrator finds nobody there.
    const asked = await admin.get(`${people}/${id}/rimuovi`);
    expect(asked.statusCode).toBe(200);
    expect(asked.body).toContain('Sì, rimuovi Anna Amministratrice');
    expect(
      (await signedIn(ctx, altro).then((c) => c.get(`${people}/${id}/rimuovi`))).statusCode,
    ).toBe(404);
    const removed = await admin.post(`${people}/${id}/rimuovi`, {});
    expect(removed.statusCode).toBe(303);
    expect(removed.headers.location).toBe(`${people}?esito=rimosso`);
    const page = (await admin.get(`${people}?esito=rimosso`)).body;
    expect(page).toContain('Persona rimossa: non può più accedere ai dati dell’organizzazione.');
    expect(page).not.toContain('<td>anna.admin</td>');
    expect(await roleOf(anna.username)).toBeNull();

    const stale = await client.get('/area-riservata');
    expect(stale.statusCode).toBe(303);
    expect(stale.headers.location).toMatch(/^\/accesso/);
    const login = await new TestClient(ctx.app).post('/accesso', {
      username: anna.username,
      password,
    });
    expect(login.statusCode).toBe(403);
    expect(login.body).toContain('Non fai più parte di un’organizzazione registrata sul portale');
  });

  it('keeps the last administrator, and lets the first one leave once there is another', async () => {
    const founder = await signedIn(ctx, neri);
    const otherSession = await signedIn(ctx, neri);
    await founder.get(people);
    const demoted = await founder.post(`${people}/${neri.id}/ruolo`, { role: 'compilatore' });
    expect(demoted.statusCode).toBe(422);
    expect(demoted.body).toContain(lastAdministrator);
    const left = await founder.post(`${people}/${neri.id}/rimuovi`, {});
    expect(left.statusCode).toBe(422);
    // In the error summary, which takes the focus.
    expect(left.body).toMatch(
      new RegExp(
        `class="alert alert-danger error-summary" role="alert" tabindex="-1" autofocus>\\s*<p class="mb-0">${lastAdministrator}</p>`,
      ),
    );
    expect(await roleOf(neri.username)).toBe('amministratore');

    const franco = person(neri, 'franco.firma', 'Franco Firmatario', 'firmatario');
    const { client: successor, id } = await joined(founder, franco);
    const promoted = await founder.post(`${people}/${id}/ruolo`, { role: 'amministratore' });
    expect(promoted.statusCode).toBe(303);
    expect(promoted.headers.location).toBe(`${people}?esito=ruolo`);
    expect((await founder.get(`${people}?esito=ruolo`)).body).toContain('Ruolo aggiornato');
    expect(await roleOf(franco.username)).toBe('amministratore');

    const leaving = await founder.post(`${people}/${neri.id}/rimuovi`, {});
    expect(leaving.statusCode).toBe(303);
    expect(leaving.headers.location).toBe('/accesso?esito=uscito');
    expect((await founder.get('/accesso?esito=uscito')).body).toContain(
      'Hai lasciato l’organizzazione',
    );
    for (const session of [founder, otherSession]) {
      const stale = await session.get('/area-riservata');
      expect(stale.statusCode).toBe(303);
      expect(stale.headers.location).toMatch(/^\/accesso/);
    }
    const login = await new TestClient(ctx.app).post('/accesso', neri);
    expect(login.statusCode).toBe(403);
    expect(login.body).toContain('Non fai più parte di un’organizzazione registrata sul portale');

    // The organisation goes on with its new administrator, who keeps its contracts and its mail.
    const contact = await ctx.test.database.db
      .selectFrom('mail_recipients')
      .select('email')
      .where('account_id', '=', neri.id)
      .executeTakeFirstOrThrow();
    expect(contact.email).toBe(franco.email);
    const page = (await successor.get(people)).body;
    expect(page).not.toContain(`<td>${neri.username}</td>`);
    expect(page).toContain('unico amministratore');
    expect(contractCards((await successor.get('/contratti')).body)).toEqual([neri.contract]);
  });

  it('shows a person nothing of another organisation, and lets its administrators change nobody there', async () => {
    const admin = await signedIn(ctx, euroOil);
    const { client: reader } = await joined(
      admin,
      person(euroOil, 'rita.legge', 'Rita Lettrice', 'lettore'),
    );
    const theirs = await signedIn(ctx, altro);
    const bruno = person(altro, 'bruno.compila', 'Bruno Compilatore', 'compilatore');
    const { id: brunoId } = await joined(theirs, bruno);
    const berta = person(altro, 'berta.attesa', 'Berta In Attesa', 'firmatario');
    const { invito: bertaInvite } = linkFields(await invite(theirs, berta));

    // Their own contract, yes; the other organisation's, never, nor a hint of it.
    expect((await reader.get(`/contratti/${euroOil.contract}/storia`)).statusCode).toBe(200);
    const wizard = `/dichiarazioni/${campaignYear}/${altro.contract}`;
    expect((await theirs.get(wizard)).statusCode).toBe(200);
    for (const client of [reader, admin]) {
      for (const url of [`/contratti/${altro.contract}/storia`, wizard]) {
        const response = await client.get(url);
        expect(response.statusCode, url).toBe(404);
        expect(response.body).not.toContain(altro.name);
        expect(response.body).not.toContain('Altra SRL');
      }
    }

    await admin.get(people);
    for (const [url, fields] of [
      [`${people}/${brunoId}/ruolo`, { role: 'lettore' }],
      [`${people}/${brunoId}/rimuovi`, {}],
      [`${people}/${altro.id}/ruolo`, { role: 'lettore' }],
      [`${people}/${altro.id}/rimuovi`, {}],
    ] as const) {
      const refused = await admin.post(url, fields);
      expect(refused.statusCode, url).toBe(422);
      expect(refused.body).toContain('Questa persona non fa parte dell’organizzazione.');
    }
    const withdrawn = await admin.post(`${people}/inviti/${bertaInvite}/ritira`, {});
    expect(withdrawn.statusCode).toBe(422);
    expect(withdrawn.body).toContain('Questo invito non è più in attesa.');

    await settle(ctx);
    expect(await roleOf(bruno.username)).toBe('compilatore');
    expect(await roleOf(altro.username)).toBe('amministratore');
    expect(await invitationStatus(bertaInvite!)).toBe('pending');
    const theirPage = (await theirs.get(people)).body;
    expect(theirPage).toMatch(
      new RegExp(`id="ruolo-${brunoId}"[\\s\\S]*?<option value="compilatore" selected>`),
    );
    expect(theirPage).toContain('Berta In Attesa');
    expect((await admin.get(people)).body).not.toContain('Bruno Compilatore');
  });

  describe('the event log names the person and their organisation', () => {
    /** Each event with its actor, as the log keeps it. */
    const events = async (where: RawBuilder<unknown>) =>
      (
        await sql<{ type: string; actor: { id: string; role: string; organisationId?: string } }>`
          select type, metadata -> 'actor' as actor from events where ${where} order by position`.execute(
          ctx.test.database.db,
        )
      ).rows;
    let darioId: string;

    beforeAll(async () => {
      const admin = await signedIn(ctx, euroOil);
      const dario = person(euroOil, 'dario.compila', 'Dario Compilatore', 'compilatore');
      const { client, id } = await joined(admin, dario);
      darioId = id;
      await client.get(`/contratti/${euroOil.contract}/cambio-numero`);
      const requested = await client.post(`/contratti/${euroOil.contract}/cambio-numero`, {
        newContractNumber: '3001234571',
        currentPassword: password,
      });
      expect(requested.statusCode, requested.body).toBe(303);
      await settle(ctx);
    });

    it('on every event the person causes once logged in', async () => {
      const theirs = await events(sql`metadata -> 'actor' ->> 'id' = ${darioId}`);
      expect(theirs.map((event) => event.type)).toEqual(
        expect.arrayContaining(['SignedIn', 'ContractNumberChangeRequested']),
      );
      for (const { actor } of theirs) {
        expect(actor).toEqual({ id: darioId, role: 'declarant', organisationId: euroOil.id });
      }
    });

    it('on the events of joining by the invitation link', async () => {
      const joining = await events(
        sql`metadata ->> 'correlationId' = (
          select metadata ->> 'correlationId' from events
          where type = 'MemberJoined' and data ->> 'personId' = ${darioId})`,
      );
      expect(joining.map((event) => event.type)).toEqual([
        'UsernameClaimed',
        'MemberAccountCreated',
        'MemberJoined',
      ]);
      for (const { actor } of joining) {
        expect(actor).toMatchObject({ id: darioId, organisationId: euroOil.id });
      }
    });
  });
});
