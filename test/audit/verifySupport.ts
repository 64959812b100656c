import { sql, type Kysely } from 'kysely';
import { createStaffAccount, systemContext } from '../../src/accounts/staffAccounts.js';
import type { Database } from '../../src/platform/db/database.js';
import type { Schema } from '../../src/platform/db/schema.js';
import { registerAndApprove, registrationFields, seedRegistry } from '../support/accounts.js';
import type { TestClient } from '../support/client.js';
import { createOperator, operatorLogin, signedIn, type TestApp } from '../support/testApp.js';

export const auditorLogin = { username: 'revisore', password: 'Revisore-2026' } as const;
export const adminLogin = { username: 'amelia', password: 'Amministra-2026' } as const;
export const declarantLogin = { username: 'euro.oil', password: 'Segreta-2026' } as const;

export interface AuditPeople {
  readonly auditorId: string;
  readonly declarantId: string;
  readonly auditor: TestClient;
  readonly operator: TestClient;
  readonly admin: TestClient;
  readonly declarant: TestClient;
}

/**
 * The people of the auditor section, signed in: an auditor, an operator ("olga"), an admin, and
 * a declarant registered and approved through the pages (its account stream holds a password
 * hash, as in production).
 */
export async function auditPeople(ctx: TestApp): Promise<AuditPeople> {
  await createOperator(ctx);
  const auditorId = await createStaffAccount(
    ctx.store,
    { role: 'auditor', ...auditorLogin, fullName: 'Renato Revisore', email: 'r@gestore.example' },
    systemContext(new Date()),
  );
  await createStaffAccount(
    ctx.store,
    { role: 'admin', ...adminLogin, fullName: 'Amelia Admin', email: 'a@gestore.example' },
    systemContext(new Date()),
  );
  await seedRegistry(ctx.test.database.db, [['1001234567', '3001234567', 'Euro Oil SRL']]);
  const declarantId = await registerAndApprove(
    ctx,
    'ditta',
    registrationFields({ ...declarantLogin, fullName: 'Elena Oil', email: 'euro@example.com' }),
  );
  return {
    auditorId,
    declarantId,
    auditor: await signedIn(ctx, auditorLogin),
    operator: await signedIn(ctx, operatorLogin),
    admin: await signedIn(ctx, adminLogin),
    declarant: await signedIn(ctx, declarantLogin),
  };
}

/** What an attacker with SQL access would do: switch the guard off, then rewrite history. */
export async function tamper(database: Database, statement: ReturnType<typeof sql>): Promise<void> {
  await sql`alter table events disable trigger events_append_only`.execute(database.db);
  await statement.execute(database.db);
  await sql`alter table events enable trigger events_append_only`.execute(database.db);
}

/** The <main> of a page, without the layout around it. */
export const mainOf = (body: string): string =>
  body.slice(body.indexOf('<main'), body.indexOf('</main>'));

/** As if the process running job `id` had been killed `seconds` ago: its heartbeat stopped then. */
export const heartbeatStopped = (db: Kysely<Schema>, id: string, seconds = 45) =>
  sql`update background_jobs set heartbeat_at = now() - make_interval(secs => ${seconds}::int)
      where id = ${id}`.execute(db);

/** Job `id` in the ledger: how it stands, which process holds it, how far it got. */
export const jobRow = (db: Kysely<Schema>, id: string) =>
  db
    .selectFrom('background_jobs')
    .select(['state', 'owner', 'processed'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
