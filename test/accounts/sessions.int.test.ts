import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSession, sessionHolder } from '../../src/accounts/sessions.js';
import { backends, openTestDatabase, type TestDatabase } from '../support/testDatabase.js';

const now = new Date('2026-05-04T09:00:00Z');
const mario = 'RSSMRA80A01A662A';
const anna = 'CNTNNA80A41H501U';
const admin = 'VRDLGU70A01F205X';
const nobody = 'BNCLCU85M41E506C';

describe.each(backends())('%s: a session and its holder, in one statement', (backend) => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await openTestDatabase(backend);
    const db = test.database.db;
    const at = now.toISOString();
    await db
      .insertInto('observatory_officers')
      .values({
        istat_code: '072006',
        fiscal_code: mario,
        email: 'bari@comune.example',
        assigned_at: at,
      })
      .execute();
    await db
      .insertInto('observatory_admins')
      .values({ fiscal_code: admin, granted_at: at })
      .execute();
    const mandate = (id: string, istatCode: string, extra: object) => ({
      mandate_id: id,
      istat_code: istatCode,
      fiscal_code: mario,
      kind: 'delegato' as const,
      email: 'mario@raccolta.example',
      granted_at: at,
      granted_by: `cf:${admin}`,
      ...extra,
    });
    await db
      .insertInto('observatory_mandates')
      .values([
        mandate('m-1', '075035', { from_month: '2026-01', to_month: '2026-12' }),
        mandate('m-2', '072021', { ended_at: at }),
        mandate('m-3', '072004', { expires_on: '2026-05-03' }),
      ])
      .execute();
  });
  afterAll(() => test.drop());

  const holderOf = async (accountId: string) => {
    const token = await openSession(test.database.db, {
      accountId,
      now,
      clientIp: null,
      userAgent: null,
    });
    return sessionHolder(test.database.db, token, now);
  };

  it('carries where a digital identity stands in the observatory today', async () => {
    expect((await holderOf(`cf:${mario}`))?.standing).toEqual({
      admin: false,
      mandates: [
        {
          istatCode: '072006',
          email: 'bari@comune.example',
          mandate: 'responsabile',
          fromMonth: null,
          toMonth: null,
        },
        {
          istatCode: '075035',
          email: 'mario@raccolta.example',
          mandate: 'delegato',
          fromMonth: '2026-01',
          toMonth: '2026-12',
        },
      ],
    });
    expect((await holderOf(`cf:${admin}`))?.standing).toEqual({ admin: true, mandates: [] });
    expect((await holderOf(`cf:${nobody}`))?.standing).toEqual({ admin: false, mandates: [] });
  });

  it('gives a password login no standing, whatever its username spells', async () => {
    const holder = await holderOf(mario);
    expect(holder?.identity).toBeNull();
    expect(holder?.standing).toBeNull();
  });

  it('reads the standing again on every request: an authorisation ended since counts no more', async () => {
    const token = await openSession(test.database.db, {
      accountId: `cf:${anna}`,
      now,
      clientIp: null,
      userAgent: null,
    });
    await test.database.db
      .insertInto('observatory_officers')
      .values({
        istat_code: '075035',
        fiscal_code: anna,
        email: 'lecce@comune.example',
        assigned_at: now.toISOString(),
      })
      .execute();
    const before = await sessionHolder(test.database.db, token, now);
    expect(before?.standing?.mandates.map((each) => each.istatCode)).toEqual(['075035']);
    await test.database.db
      .deleteFrom('observatory_officers')
      .where('fiscal_code', '=', anna)
      .execute();
    const after = await sessionHolder(test.database.db, token, now);
    expect(after?.standing).toEqual({ admin: false, mandates: [] });
  });
});
