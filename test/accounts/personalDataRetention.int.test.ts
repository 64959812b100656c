import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { erasePastRetention, retentionReason } from '../../src/accounts/personalDataRetention.js';
import { registerAndApprove, registrationFields, seedRegistry } from '../support/accounts.js';
import {
  createOperator,
  settle,
  signedIn,
  startTestApp,
  type TestApp,
} from '../support/testApp.js';
import { backends } from '../support/testDatabase.js';

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
