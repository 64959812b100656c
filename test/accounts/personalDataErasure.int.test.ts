import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaffAccount, systemContext } from '../../src/accounts/staffAccounts.js';
import { createPostgresEventStore } from '../../src/platform/eventStore/postgresEventStore.js';
import { verifyLog } from '../../src/platform/eventStore/verifyLog.js';
import { newEvent } from '../support/events.js';
import { registerAndApprove, registrationFields, seedRegistry } from '../support/accounts.js';
import { campaignYear, fileDeclaration, openCampaign } from '../support/declarations.js';
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
 * Crypto-shredding: a person's name, phone and e-mail are sealed in the log under a key of their
 * own; erasure destroys the key. Register, file, close, erase: the log still verifies, every page
 * and export shows «[dato cancellato]», a rebuild shows the same, and the name is nowhere in the
 * database in clear.
 */
describe.each(backends())('%s: erasing a person from an immutable log', (backend) => {
  let ctx: TestApp;
  let accountId: string;
  const person = {
    fullName: 'Ermenegilda Quarantotti',
    email: 'ermenegilda.q@tessitura.example',
    phone: '051 9876543',
  };
  const login = { username: 'tessitura.stella', password: 'Segreta-2026' };
  const admin = { username: 'amelia', password: 'Amministratrice-2026' };
  const auditor = { username: 'aldo', password: 'Revisore-2026' };
  const contract = '3006661234';
  const erased = '[dato cancellato]';
  const oldName = 'Ermenegilda Vecchionome';

  /** Every row of every table, as text, that holds `needle` (case-insensitive). */
  const tablesHolding = async (needle: string) => {
    const { rows: tables } = await sql<{ name: string }>`
      select table_name as name from information_schema.tables
      where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(
      ctx.test.database.db,
    );
    const holding: string[] = [];
    for (const { name } of tables) {
      const { rows } = await sql<{ n: string }>`
        select count(*)::text as n from ${sql.table(name)} as t
        where strpos(lower(t::text), lower(${needle})) > 0`.execute(ctx.test.database.db);
      if (rows[0]!.n !== '0') holding.push(name);
    }
    return holding;
  };
  const accountEvents = async () => (await ctx.store.readStream(`account-${accountId}`)).events;

  beforeAll(async () => {
    ctx = await startTestApp({ backend, now: () => new Date('2026-01-20T10:00:00Z') });
    await createOperator(ctx);
    for (const staff of [
      { role: 'admin' as const, ...admin, fullName: 'Amelia Amministratrice' },
      { role: 'auditor' as const, ...auditor, fullName: 'Aldo Revisore' },
    ]) {
      await createStaffAccount(
        ctx.store,
        { ...staff, email: `${staff.username}@gestore.example` },
        systemContext(new Date()),
      );
    }
    await seedRegistry(ctx.test.database.db, [['6661234567', contract, 'Tessitura Stella SRL']]);
    accountId = await registerAndApprove(
      ctx,
      'ditta',
      registrationFields({ ...login, ...person }, [
        { customerCode: '6661234567', contracts: [contract] },
      ]),
    );
    // A name written before sealing began stays in clear in the log (the log is not rewritten).
    await createPostgresEventStore(ctx.test.database).appendToStream(`account-${accountId}`, [
      newEvent('ReferentDetailsChanged', { fullName: oldName, phone: '051 0000000' }),
    ]);
    await ctx.store.appendToStream(`account-${accountId}`, [
      newEvent('ReferentDetailsChanged', { fullName: person.fullName, phone: person.phone }),
    ]);
    await openCampaign(ctx);
    await fileDeclaration(
      ctx,
      await signedIn(ctx, login),
      `/dichiarazioni/${campaignYear}/${contract}`,
      'ambiente@tessitura.example',
    );
    await settle(ctx);
  });
  afterAll(async () => ctx?.close());

  it('stores the name, phone and e-mail sealed, and shows them in clear where they belong', async () => {
    const { rows } = await sql<{ data: string }>`
      select data::text as data from events where stream_id = ${`account-${accountId}`}
        and type = 'ReferentRegistered'`.execute(ctx.test.database.db);
    expect(rows[0]!.data).not.toContain('Quarantotti');
    expect(rows[0]!.data).toMatch(/"fullName": ?"sealed:v1:/);
    const registered = (await accountEvents()).find((e) => e.type === 'ReferentRegistered')!;
    expect(registered.data).toMatchObject(person);
    const profile = await (await signedIn(ctx, login)).get('/profilo');
    expect(pageText(profile.body)).toContain(person.fullName);
    const submitted = (await ctx.store.readStream(`contract-${contract}`)).events.find(
      (e) => e.type === 'DeclarationSubmitted',
    )!;
    expect(submitted.data).toMatchObject({ signatory: { name: person.fullName } });
  });

  it('refuses to erase an account still open, or without a reason, recording nothing', async () => {
    const amelia = await signedIn(ctx, admin);
    const page = `/operatori/registrazioni/${accountId}`;
    expect(pageText((await amelia.get(page)).body)).not.toContain('Cancella i dati personali');
    const early = await amelia.post(`${page}/cancella-dati`, { motivo: 'Richiesta della persona' });
    expect(early.statusCode).toBe(422);
    expect(pageText(early.body)).toContain('solo di un account chiuso');

    await amelia.get(page);
    const closed = await amelia.post(`${page}/chiudi`, {
      motivo: 'La persona ha lasciato la ditta',
    });
    expect(closed.statusCode).toBe(303);
    await settle(ctx);
    const before = (await accountEvents()).length;
    const page2 = await amelia.get(page);
    expect(pageText(page2.body)).toContain('Cancella i dati personali');
    const short = await amelia.post(`${page}/cancella-dati`, { motivo: 'breve' });
    expect(short.statusCode).toBe(422);
    expect(fieldError(short.body, 'Motivo della cancellazione')).toContain('almeno 10 caratteri');
    const operator = await signedIn(ctx, operatorLogin);
    const byOperator = await operator.post(`${page}/cancella-dati`, {
      motivo: 'Conservazione scaduta',
    });
    expect(byOperator.statusCode).toBe(403);
    expect((await accountEvents()).length).toBe(before);
  });

  it('erases: the events stay and verify, every field sealed for the person reads «[dato cancellato]»', async () => {
    const amelia = await signedIn(ctx, admin);
    const page = `/operatori/registrazioni/${accountId}`;
    await amelia.get(page);
    const done = await amelia.post(`${page}/cancella-dati`, {
      motivo: 'Richiesta della persona, nessun obbligo di conservazione',
    });
    expect(done.statusCode, done.body).toBe(303);
    await settle(ctx);
    const after = await amelia.get(done.headers.location as string);
    expect(pageText(after.body)).toContain('Dati personali cancellati');
    expect(pageText(after.body)).not.toContain('Quarantotti');
    expect(pageText(after.body)).not.toContain('Cancella i dati personali');

    const events = await accountEvents();
    expect(events.at(-1)).toMatchObject({
      type: 'PersonalDataErased',
      data: { subjects: [accountId] },
    });
    const registered = events.find((e) => e.type === 'ReferentRegistered')!;
    expect(registered.data).toMatchObject({
      fullName: erased,
      email: erased,
      phone: erased,
      username: login.username,
    });
    const submitted = (await ctx.store.readStream(`contract-${contract}`)).events.find(
      (e) => e.type === 'DeclarationSubmitted',
    )!;
    expect(submitted.data).toMatchObject({ signatory: { name: erased, email: erased } });
    expect((await verifyLog(ctx.store)).breaks).toEqual([]);
    // Erasure is not repeated.
    await amelia.get(page);
    const again = await amelia.post(`${page}/cancella-dati`, {
      motivo: 'Ancora una volta, per errore',
    });
    expect(again.statusCode).toBe(409);
  });

  it('shows «[dato cancellato]» on the auditors’ timeline, with every link intact, and in the export', async () => {
    const aldo = await signedIn(ctx, auditor);
    const timeline = await aldo.get(`/revisione/stream/account-${accountId}`);
    expect(timeline.statusCode).toBe(200);
    const text = pageText(timeline.body);
    expect(text).toContain(erased);
    expect(text).not.toContain('Quarantotti');
    expect(timeline.body).not.toMatch(/alterat|non verificabil/i);

    await aldo.get('/revisione/esporta');
    const zip = await aldo.get(`/revisione/esporta/eventi.zip?flusso=account-${accountId}`);
    expect(zip.statusCode).toBe(200);
    const files = unzipSync(new Uint8Array(zip.rawPayload));
    const jsonl = Buffer.from(files['events.jsonl']!).toString('utf8');
    expect(jsonl).not.toContain('Quarantotti');
    const registered = jsonl
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { type: string; personal?: Record<string, string> })
      .find((line) => line.type === 'ReferentRegistered')!;
    expect(registered.personal).toEqual({
      'data.fullName': erased,
      'data.phone': erased,
      'data.email': erased,
    });
    // The name stored in clear is shown erased too, and the export still checks offline.
    expect(jsonl).not.toContain(oldName);
    const plain = jsonl
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((line) => Array.isArray(line.erased))!;
    expect(plain).toMatchObject({
      data: { fullName: erased, phone: erased },
      erased: ['data.fullName', 'data.phone'],
    });
    expect(plain.digest).toMatch(/^[0-9a-f]{64}$/);
    const dir = mkdtempSync(join(tmpdir(), 'dichiara-cancellazione-'));
    try {
      for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
      const checked = spawnSync(process.execPath, [join(dir, 'verifyExport.mjs'), dir], {
        encoding: 'utf8',
      });
      expect(checked.status, checked.stdout + checked.stderr).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const raw = await aldo.get(`/revisione/stream/account-${accountId}`);
    expect(raw.body).not.toContain(oldName);
  });

  it('rebuilds every read model to the same, and leaves the name nowhere in the database', async () => {
    for (const name of ['accounts', 'declarations', 'member_invitations']) {
      await ctx.projections.rebuild(name);
    }
    const account = await ctx.test.database.db
      .selectFrom('accounts')
      .select(['full_name', 'email', 'username'])
      .where('account_id', '=', accountId)
      .executeTakeFirstOrThrow();
    expect(account).toEqual({ full_name: erased, email: erased, username: login.username });
    for (const needle of ['Quarantotti', person.email, '9876543']) {
      expect({ needle, tables: await tablesHolding(needle) }).toEqual({ needle, tables: [] });
    }
    // What was written in clear before sealing began stays there, and only there.
    expect(await tablesHolding('Vecchionome')).toEqual(['events']);
  });
});
