import type { Kysely } from 'kysely';
import type { Schema } from '../../src/platform/db/schema.js';
import { TestClient } from './client.js';
import { operatorLogin, settle, signedIn, type TestApp } from './testApp.js';

/** Registry rows the forms check (customer code, contract number). */
export async function seedRegistry(
  db: Kysely<Schema>,
  rows: readonly [string, string, string][],
): Promise<void> {
  await db
    .insertInto('utility_registry')
    .values(
      rows.map(([customer_code, contract_number, company_name]) => ({
        customer_code,
        contract_number,
        company_name,
        plant_address: 'Via Vai 1, Bologna',
        imported_at: new Date(),
      })),
    )
    .execute();
}

/** A complete, valid registration form with the given companies; confirmations follow the typed values. */
export function registrationFields(
  overrides: Record<string, string> = {},
  companies: readonly { customerCode: string; contracts: readonly string[] }[] = [
    { customerCode: '1001234567', contracts: ['3001234567'] },
  ],
): Record<string, string> {
  const fields: Record<string, string> = {
    fullName: 'Gianni Rossi',
    phone: '051 5447783',
    email: 'gianni.rossi@example.com',
    username: 'JIM',
    password: 'Segreta-2026',
    passwordConfirm: 'Segreta-2026',
    privacy: 'on',
  };
  companies.forEach((company, i) => {
    Object.assign(fields, {
      [`companies[${i}][name]`]: `Euro Oil ${i + 1} SRL`,
      [`companies[${i}][taxId]`]: '00743110157',
      [`companies[${i}][phone]`]: '056754741',
      [`companies[${i}][email]`]: '',
      [`companies[${i}][pec]`]: '',
      [`companies[${i}][customerCode]`]: company.customerCode,
    });
    company.contracts.forEach((contract, j) => {
      const base = `companies[${i}][contracts][${j}]`;
      Object.assign(fields, {
        [`${base}[contractNumber]`]: contract,
        [`${base}[street]`]: 'Via Pizzarotti',
        [`${base}[civic]`]: '22',
        [`${base}[cap]`]: '40055',
        [`${base}[province]`]: 'BO',
        [`${base}[municipality]`]: 'Castenaso',
      });
    });
  });
  // Typed twice, as a person would, unless the test sets the confirmation on purpose.
  const merged = { ...fields, ...overrides };
  merged.emailConfirm = overrides.emailConfirm ?? merged.email!;
  merged.passwordConfirm = overrides.passwordConfirm ?? merged.password!;
  return merged;
}

/** The 6-digit code in the newest mail to `to`, as the person would read it. */
export async function otpFromMail(db: Kysely<Schema>, to: string): Promise<string> {
  const mail = await db
    .selectFrom('mail_outbox')
    .select('text_body')
    .where('to_address', '=', to)
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();
  const code = /\b(\d{6})\b/.exec(mail.text_body)?.[1];
  if (!code) throw new Error(`No code in mail:\n${mail.text_body}`);
  return code;
}

/**
 * Registers through the pages, confirms with the mailed code, and has "olga" (see
 * createOperator) approve; returns the new account's id.
 */
export async function registerAndApprove(
  ctx: TestApp,
  kind: 'ditta' | 'studio',
  fields: Record<string, string>,
): Promise<string> {
  const person = new TestClient(ctx.app);
  await person.get(`/registrazione/${kind}`);
  const registered = await person.post(`/registrazione/${kind}`, fields);
  if (registered.statusCode !== 303)
    throw new Error(`Registration refused (${registered.statusCode})`);
  await settle(ctx);
  await person.post('/registrazione/verifica', {
    code: await otpFromMail(ctx.test.database.db, fields.email!),
  });
  await settle(ctx);
  const { account_id: accountId } = await ctx.test.database.db
    .selectFrom('accounts')
    .select('account_id')
    .where('username', '=', fields.username!)
    .executeTakeFirstOrThrow();
  const operator = await signedIn(ctx, operatorLogin);
  await operator.post(`/operatori/registrazioni/${accountId}/approva`, { note: '' });
  await settle(ctx);
  return accountId;
}

/** What INVIA asks besides the command id: the self-declaration and the sender's password. */
export const certifiedSending = (password = 'Segreta-2026') => ({
  'legale-rappresentante': 'Mario Rossi',
  'dichiarazione-sostitutiva': 'si',
  password,
});
