import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountEvent } from '../../domain/accounts/accountEvents.js';
import { organisationFounding } from '../../src/accounts/organisationFounding.js';
import { hashPassword } from '../../src/accounts/passwords.js';
import { migrateToLatest } from '../../src/platform/db/migrate.js';
import { recordEvents } from '../../src/platform/eventStore/commandHandler.js';
import { signedIn, settle, startTestApp, type TestApp } from '../support/testApp.js';
import { pgliteMigratedTo } from '../support/testDatabase.js';

/**
 * A log written before people had roles: a registration approved with no MemberJoined. The
 * organisation_founding process manager makes its registrant the administrator, by an event, and
 * the registrant logs in as before.
 */
describe('accounts approved before roles become organisations', () => {
  let ctx: TestApp;
  beforeAll(async () => {
    ctx = await startTestApp();
  });
  afterAll(async () => ctx?.close());

  const olderRegistration = async (password: string) => {
    const accountId = randomUUID();
    const username = `vecchio.${accountId.slice(0, 8)}`;
    const events: AccountEvent[] = [
      {
        type: 'ReferentRegistered',
        data: {
          accountId,
          kind: 'studio',
          fullName: 'Vittorio Vecchi',
          phone: '051 000 0000',
          email: `${username}@example.com`,
          username,
          passwordHash: await hashPassword(password),
          companies: [],
        },
      },
      { type: 'EmailVerified', data: { challengeId: randomUUID(), email: `${username}@e.it` } },
      { type: 'RegistrationApproved', data: { note: null } },
    ];
    await recordEvents(ctx.store, `account-${accountId}`, events, {
      commandId: randomUUID(),
      correlationId: randomUUID(),
      actor: { id: 'olga', role: 'operator' },
      clientIp: null,
      now: new Date('2025-03-01T09:00:00Z'),
    });
    return { accountId, username, password };
  };

  it('forms each one once, with its registrant as administrator, and keeps the login', async () => {
    const older = await olderRegistration('Vecchio-2025');
    await settle(ctx);
    const { events } = await ctx.store.readStream(`account-${older.accountId}`);
    const joined = events.filter((event) => event.type === 'MemberJoined');
    expect(joined.map((event) => event.data)).toEqual([
      {
        personId: older.accountId,
        role: 'amministratore',
        fullName: 'Vittorio Vecchi',
        email: `${older.username}@example.com`,
        inviteId: null,
      },
    ]);
    expect(joined[0]!.metadata.actor).toEqual({ id: 'system', role: 'system' });

    const client = await signedIn(ctx, older);
    const area = await client.get('/area-riservata');
    expect(area.statusCode).toBe(200);
    expect(area.body).toContain('Amministratore');

    // Handling the approval again (a crash before the checkpoint moved) adds nothing twice.
    await organisationFounding({ store: ctx.store, now: () => new Date() }).handle(
      events,
      new AbortController().signal,
    );
    await settle(ctx);
    const again = await ctx.store.readStream(`account-${older.accountId}`);
    expect(again.events.filter((event) => event.type === 'MemberJoined')).toHaveLength(1);
  });
});

describe('migration 0017', () => {
  it('gives the accounts already there their organisation and role, so nobody waits to log in', async () => {
    const database = await pgliteMigratedTo('0016_refused_sign_ins');
    try {
      for (const [id, role, status] of [
        ['ditta', 'declarant', 'active'],
        ['in-attesa', 'declarant', 'awaiting-approval'],
        ['olga', 'operator', 'active'],
      ]) {
        await sql`
          insert into accounts (account_id, username, role, status, full_name, email,
            password_hash, companies, registered_at)
          values (${id}, ${id}, ${role}, ${status}, 'Nome', 'a@b.it', 'x', '[]', now())`.execute(
          database.db,
        );
      }
      await migrateToLatest(database.db);
      const rows = await database.db
        .selectFrom('accounts')
        .select(['account_id', 'organisation_id', 'member_role'])
        .orderBy('account_id')
        .execute();
      expect(rows).toEqual([
        { account_id: 'ditta', organisation_id: 'ditta', member_role: 'amministratore' },
        { account_id: 'in-attesa', organisation_id: 'in-attesa', member_role: null },
        { account_id: 'olga', organisation_id: null, member_role: null },
      ]);
    } finally {
      await database.close();
    }
  });
});
