import type { Kysely } from 'kysely';
import type { Schema } from '../../src/platform/db/schema.js';
import { otpFromMail, registrationFields, seedRegistry } from '../../test/support/accounts.js';
import type { TestClient } from '../../test/support/client.js';
import { postCampaign } from '../../test/support/declarations.js';
import { logIn, operatorLogin } from '../../test/support/testApp.js';
import { eventually } from '../../test/support/waiting.js';

/**
 * The portal as the declarants' setup reaches it: in this process (fastify inject) or as
 * processes behind a balancer (HTTP); its database, read to wait and for the mailed codes.
 */
export interface Site {
  readonly db: Kysely<Schema>;
  /** A new browser on the portal. */
  client(): TestClient;
  /** Makes the operator "olga" (operatorLogin), as a test or the command line does. */
  createOperator(): Promise<void>;
}

/** A Ditta account, signed in, with its customer code and validated contracts. */
export interface Declarant {
  readonly client: TestClient;
  readonly customerCode: string;
  readonly contracts: readonly string[];
}

const password = 'Segreta-2026';
const digits = (prefix: string, n: number) => `${prefix}${String(n).padStart(8, '0')}`;

/**
 * As test/support/accounts.ts registerAndApprove does it (register through the pages, confirm
 * with the mailed code, approval by the operator), waiting on the read models rather than on
 * `settle`, and with one operator session for all, so 20 registrations stay within the login
 * rate limit of 30 per address in 15 minutes.
 */
async function registerAndApprove(
  site: Site,
  operator: TestClient,
  fields: Record<string, string>,
  contracts: readonly string[],
): Promise<void> {
  const { db } = site;
  const person = site.client();
  await person.get('/registrazione/ditta');
  const registered = await person.post('/registrazione/ditta', fields);
  if (registered.statusCode !== 303) throw new Error(`Registration: ${registered.statusCode}`);
  const email = fields.email!;
  const code = await eventually(`OTP for ${email}`, () => otpFromMail(db, email).catch(() => null));
  await person.post('/registrazione/verifica', { code });
  const account = (status: string) => () =>
    db
      .selectFrom('accounts')
      .select('account_id')
      .where('username', '=', fields.username!)
      .where('status', '=', status)
      .executeTakeFirst();
  const { account_id: id } = await eventually('verification', account('awaiting-approval'));
  const approved = await operator.post(`/operatori/registrazioni/${id}/approva`, { note: '' });
  if (approved.statusCode !== 303) throw new Error(`Approval: ${approved.statusCode}`);
  await eventually('approval', account('active'));
  await eventually('validated contracts', async () => {
    const rows = await db
      .selectFrom('contracts')
      .select('contract_number')
      .where('contract_number', 'in', [...contracts])
      .where('status', '=', 'validated')
      .where('manager_account_id', '=', id)
      .execute();
    return rows.length === contracts.length;
  });
}

/** Declarants with validated contracts, the year's campaign open, each declarant signed in. */
export async function setUpDeclarants(
  site: Site,
  count: number,
  contractsPerDeclarant: number,
  year: number,
): Promise<Declarant[]> {
  const { db } = site;
  await site.createOperator();
  const plans = Array.from({ length: count }, (_, i) => ({
    username: `ditta.${String(i + 1).padStart(2, '0')}`,
    customerCode: digits('77', i + 1),
    contracts: Array.from({ length: contractsPerDeclarant }, (_, j) =>
      digits('30', (i + 1) * 100 + j),
    ),
  }));
  await seedRegistry(
    db,
    plans.flatMap((plan, i) =>
      plan.contracts.map((contract): [string, string, string] => [
        plan.customerCode,
        contract,
        `Ditta ${i + 1} SPA`,
      ]),
    ),
  );
  await eventually('operator account', () =>
    db
      .selectFrom('accounts')
      .select('status')
      .where('username', '=', operatorLogin.username)
      .executeTakeFirst(),
  );
  const operator = await logIn(site.client(), operatorLogin);
  for (const [i, plan] of plans.entries()) {
    const fields = registrationFields(
      {
        username: plan.username,
        password,
        fullName: `Referente Ditta ${i + 1}`,
        email: `${plan.username}@ditte.example`,
      },
      [{ customerCode: plan.customerCode, contracts: plan.contracts }],
    );
    await registerAndApprove(site, operator, fields, plan.contracts);
  }
  await postCampaign(operator, year);
  await eventually(`campaign ${year}`, () =>
    db.selectFrom('campaigns').select('year').where('year', '=', year).executeTakeFirst(),
  );
  return Promise.all(
    plans.map(async (plan) => ({
      client: await logIn(site.client(), { username: plan.username, password }),
      customerCode: plan.customerCode,
      contracts: plan.contracts,
    })),
  );
}
