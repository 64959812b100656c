import { sql, type Kysely } from 'kysely';
import { accountStream } from '../../domain/accounts/accountDecider.js';
import { contractStream } from '../../domain/contracts/contractDecider.js';
import type { Schema } from '../platform/db/schema.js';

/** An account (or digital identity) a typed author matched, for the page to say which. */
export interface ActorMatch {
  readonly id: string;
  readonly label: string;
}

/** The fiscal code of a person, as SPID/CIE give it. */
const fiscalCode = /^[A-Z]{6}\d{2}[A-Z]\d{2}[A-Z]\d{3}[A-Z]$/i;

/**
 * The actor ids an "Autore" typed by a person names: the text itself (an account id, `system`,
 * `cf:…`), the account with that username, the accounts and digital identities whose name
 * contains it, or the identity with that fiscal code. Read models name them; the search then
 * runs on the ids the log holds.
 */
export async function resolveActors(db: Kysely<Schema>, typed: string): Promise<ActorMatch[]> {
  const text = typed.trim();
  if (!text) return [];
  const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const byName = text.length >= 3;
  const [accounts, identities] = await Promise.all([
    db
      .selectFrom('accounts')
      .select(['account_id', 'full_name', 'username'])
      .where((eb) =>
        eb.or([
          eb('account_id', '=', text),
          eb(eb.fn('lower', ['username']), '=', text.toLowerCase()),
          ...(byName ? [eb('full_name', 'ilike', pattern)] : []),
        ]),
      )
      .orderBy('full_name')
      .limit(50)
      .execute(),
    db
      .selectFrom('digital_identities')
      .select(['fiscal_code', 'given_name', 'family_name'])
      .where((eb) =>
        eb.or([
          eb('fiscal_code', '=', text.replace(/^cf:/i, '').toUpperCase()),
          ...(byName
            ? [
                eb(sql<string>`given_name || ' ' || family_name`, 'ilike', pattern),
                eb(sql<string>`family_name || ' ' || given_name`, 'ilike', pattern),
              ]
            : []),
        ]),
      )
      .limit(50)
      .execute(),
  ]);
  const matches = new Map<string, string>([[text, text]]);
  if (fiscalCode.test(text)) matches.set(`cf:${text.toUpperCase()}`, text.toUpperCase());
  for (const account of accounts) {
    matches.set(account.account_id, `${account.full_name} (${account.username})`);
  }
  for (const identity of identities) {
    matches.set(
      `cf:${identity.fiscal_code}`,
      `${identity.given_name} ${identity.family_name} (${identity.fiscal_code})`,
    );
  }
  return [...matches].map(([id, label]) => ({ id, label }));
}

/** The streams a customer code or a protocol number leads to, and what they are. */
export interface ReferenceMatch {
  readonly streamIds: readonly string[];
  /** "3 contratti, 1 account, 1 dichiarazione": what was found, for the page. */
  readonly found: string;
}

/**
 * A company by its customer code (codice cliente): its contracts' streams (declarations are in
 * them) and the accounts that declared it; a declaration by its protocol number: its contract's
 * stream, which holds the declaration's events (not the year's register: every declaration's
 * number is there). Read from the read models, which know these numbers; stream ids do not.
 */
export async function resolveReference(
  db: Kysely<Schema>,
  typed: string,
): Promise<ReferenceMatch | null> {
  const text = typed.trim();
  if (!text) return null;
  const [contracts, registry, declarations, accounts] = await Promise.all([
    db
      .selectFrom('contracts')
      .select('contract_number')
      .where('customer_code', '=', text)
      .execute(),
    db
      .selectFrom('utility_registry')
      .select('contract_number')
      .where('customer_code', '=', text)
      .execute(),
    db
      .selectFrom('declarations')
      .select(['contract_number', 'year', 'protocol_number'])
      .where((eb) => eb.or([eb('customer_code', '=', text), eb('protocol_number', '=', text)]))
      .execute(),
    db
      .selectFrom('accounts')
      .select('account_id')
      .where(sql<boolean>`companies @> ${JSON.stringify([{ customerCode: text }])}::jsonb`)
      .execute(),
  ]);
  const contractNumbers = new Set([
    ...contracts.map((row) => row.contract_number),
    ...registry.map((row) => row.contract_number),
    ...declarations.map((row) => row.contract_number),
  ]);
  const protocolled = declarations.filter((row) => row.protocol_number === text);
  const streamIds = [
    ...[...contractNumbers].map((number) => contractStream.id(number)),
    ...accounts.map((row) => accountStream.id(row.account_id)),
  ];
  const parts = [
    count(contractNumbers.size, 'contratto', 'contratti'),
    count(accounts.length, 'account', 'account'),
    count(protocolled.length, 'dichiarazione protocollata', 'dichiarazioni protocollate'),
  ].filter(Boolean);
  return { streamIds: [...new Set(streamIds)], found: parts.join(', ') };
}

const count = (n: number, one: string, many: string): string =>
  n === 0 ? '' : `${n} ${n === 1 ? one : many}`;
