import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../src/platform/db/migrate.js';
import { createPostgresEventStore } from '../../src/platform/eventStore/postgresEventStore.js';
import { newEvent } from '../support/events.js';
import { erasePastRetention, retentionReason } from '../../src/accounts/personalDataRetention.js';
import { registerAndApprove, registrationFields, seedRegistry } from '../support/accounts.js';
import {
  createOperator,
  settle,
  signedIn,
  startTestApp,
  type TestApp,
} from '../support/testApp.js';
import { backends, pgliteMigratedTo } from '../support/testDatabase.js';

/**
 * Ten years after an account is closed, the housekeeping sweep erases its person by itself, once,
 * as the system and with the reason; not a day before.
 */
describe.each(backends())('%s: erasure when the retention is over', (backend) => {
  let ctx: TestApp;
  let now = new Date('2016-03-01T09:00:00Z');
  let accountId: string;
  const login = { username: 'cartiera.vecchia', password: 'Segreta-2026' };
  const sweep = async (at: string) => {
    const erased = await erasePastRetention(
      { db: ctx.test.database.db, store: ctx.store },
      new Date(at),
    );
    await settle(ctx);
    return erased;
  };

  beforeAll(async () => {
    ctx = await startTestApp({ backend, now: () => now });
    await createOperator(ctx);
    await seedRegistry(ctx.test.database.db, [['7771234567', '3007771234', 'Cartiera SRL']]);
    accountId = await registerAndApprove(
      ctx,
      'ditta',
      registrationFields(
        { ...login, fullName: 'Ottavio Cartai', email: 'ottavio@cartiera.example' },
        [{ customerCode: '7771234567', contracts: ['3007771234'] }],
      ),
    );
    now = new Date('2016-03-02T09:00:00Z');
    const person = await signedIn(ctx, login);
    await person.get('/profilo');
    const closed = await person.post('/profilo/chiudi', {
      passwordChiusura: login.password,
      conferma: 'si',
    });
    expect(closed.statusCode).toBe(303);
    await settle(ctx);
  });
  afterAll(async () => ctx?.close());

  it('keeps the person readable until ten years after the closure', async () => {
    expect(await sweep('2026-03-01T09:00:00Z')).toBe(0);
    const account = await ctx.test.database.db
      .selectFrom('accounts')
      .select(['full_name', 'closed_at', 'erased_at'])
      .where('account_id', '=', accountId)
      .executeTakeFirstOrThrow();
    expect(account).toEqual({
      full_name: 'Ottavio Cartai',
      closed_at: new Date('2016-03-02T09:00:00Z'),
      erased_at: null,
    });
  });

  it('erases it once the ten years are over, once, as the system', async () => {
    expect(await sweep('2026-03-02T09:00:01Z')).toBe(1);
    expect(await sweep('2026-03-03T09:00:00Z')).toBe(0);
    const erasures = (await ctx.store.readStream(`account-${accountId}`)).events.filter(
      (event) => event.type === 'PersonalDataErased',
    );
    expect(erasures).toHaveLength(1);
    expect(erasures[0]).toMatchObject({
      data: { reason: retentionReason, subjects: [accountId] },
      metadata: { actor: { id: 'system', role: 'system' } },
    });
    const account = await ctx.test.database.db
      .selectFrom('accounts')
      .select(['full_name', 'email', 'erased_at'])
      .where('account_id', '=', accountId)
      .executeTakeFirstOrThrow();
    expect(account).toMatchObject({ full_name: '[dato cancellato]', email: '[dato cancellato]' });
    expect(account.erased_at).not.toBeNull();
  });
});

describe('migration 0028: accounts closed before it', () => {
  it('learn when they were closed from the log, so that their retention can run out', async () => {
    const database = await pgliteMigratedTo('0027_mail_unsubscribe');
    try {
      for (const [id, status] of [
        ['chiuso', 'closed'],
        ['attivo', 'active'],
      ] as const) {
        await sql`
          insert into accounts (account_id, username, role, status, full_name, email,
            password_hash, registered_at)
          values (${id}, ${id}, 'declarant', ${status}, 'Nome', 'a@b.example', 'h',
            '2015-01-01T00:00:00Z')`.execute(database.db);
      }
      const closure = newEvent('AccountClosed', { by: 'self', reason: null });
      await createPostgresEventStore(database).appendToStream('account-chiuso', [
        { ...closure, metadata: { ...closure.metadata, occurredAt: '2016-05-04T10:00:00.000Z' } },
      ]);
      await migrateToLatest(database.db);
      const rows = await database.db
        .selectFrom('accounts')
        .select(['account_id', 'closed_at'])
        .orderBy('account_id')
        .execute();
      expect(rows).toEqual([
        { account_id: 'attivo', closed_at: null },
        { account_id: 'chiuso', closed_at: new Date('2016-05-04T10:00:00.000Z') },
      ]);
    } finally {
      await database.close();
    }
  });
});
