import type { Kysely } from 'kysely';
import { accountStream } from '../../domain/accounts/accountDecider.js';
import { contractStream } from '../../domain/contracts/contractDecider.js';
import {
  digitalIdentityStream,
  fiscalCodeOfAccount,
} from '../../domain/observatory/digitalIdentityEvents.js';
import { municipalityStream } from '../../domain/observatory/municipalityOfficer.js';
import { municipalityByIstat } from '../../domain/observatory/reference/municipalities.js';
import {
  accountIdentities,
  type AccountIdentity,
} from '../../projections/accounts/accountQueries.js';
import { contractCompanies } from '../../projections/contracts/contractQueries.js';
import { declarationsByProtocol } from '../../projections/declarations/declarations.js';
import { identityNames } from '../../projections/observatory/digitalIdentities.js';
import type { Schema } from '../platform/db/schema.js';
import { keyedBy, referenceFields, valueLabel, type ReferenceKind } from './fieldValues.js';
import { searchHref, timelineHref } from './timelineView.js';

/** An id as a person reads it: a name, where to see what it names, and the id itself. */
export interface NamedReference {
  readonly label: string;
  /** The stream (or the search) of what it names; null when there is none to open. */
  readonly href: string | null;
  readonly id: string;
}

/** The names the read models know for the ids of a page. */
export interface AuditNames {
  name(kind: ReferenceKind, id: string): NamedReference | undefined;
}

export const noNames: AuditNames = { name: () => undefined };

type Wanted = Record<ReferenceKind, Set<string>>;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every id the values hold under a field that names something (fieldLabels.ts). */
export function referencesIn(values: readonly unknown[]): Wanted {
  const wanted: Wanted = {
    account: new Set(),
    person: new Set(),
    company: new Set(),
    contract: new Set(),
    declaration: new Set(),
    municipality: new Set(),
  };
  const visit = (value: unknown, key: string | undefined): void => {
    const kind = key === undefined ? undefined : referenceFields.get(key);
    if (kind && typeof value === 'string') wanted[kind].add(value);
    if (Array.isArray(value)) for (const item of value) visit(item, key);
    if (!isRecord(value)) return;
    const keys = key === undefined ? undefined : keyedBy.get(key);
    for (const [child, item] of Object.entries(value)) {
      if (keys && keys in wanted) wanted[keys as ReferenceKind].add(child);
      visit(item, keys ? undefined : child);
    }
  };
  for (const value of values) visit(value, undefined);
  return wanted;
}

/** "Ditta Euro Oil SRL (Mario Rossi)", "Studio Gianni Rossi", "Olga Operatrice (operatore)". */
function accountLabel(account: AccountIdentity, all: ReadonlyMap<string, AccountIdentity>): string {
  if (account.role !== 'declarant') {
    return `${account.fullName} (${valueLabel('role', account.role) ?? account.role})`;
  }
  const organisation = account.organisationId ? all.get(account.organisationId) : undefined;
  if (organisation && organisation.accountId !== account.accountId) {
    return `${account.fullName} (${accountLabel(organisation, all)})`;
  }
  const company = account.companyNames[0];
  return account.kind === 'ditta' && company
    ? `Ditta ${company} (${account.fullName})`
    : `Studio ${account.fullName}`;
}

/** The names of the ids the values hold, each looked up once in the read models. */
export async function lookUpNames(
  db: Kysely<Schema>,
  values: readonly unknown[],
): Promise<AuditNames> {
  const wanted = referencesIn(values);
  const accountIds = [...wanted.account].filter((id) => fiscalCodeOfAccount(id) === null);
  const fiscalCodes = [
    ...wanted.person,
    ...[...wanted.account].flatMap((id) => fiscalCodeOfAccount(id) ?? []),
  ];
  const [accounts, people, companies, declarations] = await Promise.all([
    accountIdentities(db, accountIds),
    identityNames(db, [...new Set(fiscalCodes)]),
    contractCompanies(db, [...wanted.contract], [...wanted.company]),
    declarationsByProtocol(db, [...wanted.declaration]),
  ]);
  const person = (code: string): NamedReference | undefined => {
    const name = people.get(code);
    return name
      ? { label: name, href: timelineHref(digitalIdentityStream.id(code)), id: code }
      : undefined;
  };
  const namers: Record<ReferenceKind, (id: string) => NamedReference | undefined> = {
    account: (id) => {
      const code = fiscalCodeOfAccount(id);
      if (code !== null) return person(code);
      const account = accounts.get(id);
      return account
        ? { label: accountLabel(account, accounts), href: timelineHref(accountStream.id(id)), id }
        : undefined;
    },
    person,
    company: (id) => {
      const name = companies.byCustomer.get(id);
      return name ? { label: name, href: searchHref({ riferimento: id }), id } : undefined;
    },
    contract: (id) => {
      const company = companies.byContract.get(id);
      const label = company ? `${id} · ${company}` : id;
      return { label, href: timelineHref(contractStream.id(id)), id };
    },
    declaration: (id) => {
      const found = declarations.get(id);
      return found
        ? {
            label: `${id} · dichiarazione ${found.year} di ${found.companyName}`,
            href: timelineHref(contractStream.id(found.contractNumber)),
            id,
          }
        : undefined;
    },
    municipality: (id) => {
      const municipality = municipalityByIstat(id);
      return municipality
        ? {
            label: `${municipality.name} (${municipality.province})`,
            href: timelineHref(municipalityStream.id(id)),
            id,
          }
        : undefined;
    },
  };
  return { name: (kind, id) => namers[kind](id) };
}
