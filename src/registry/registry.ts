import type { Kysely } from 'kysely';
import type { Schema } from '../platform/db/schema.js';

export interface RegistryPair {
  readonly customerCode: string;
  readonly contractNumber: string;
}

export const pairKey = (pair: RegistryPair): string =>
  `${pair.customerCode}/${pair.contractNumber}`;

/** How many customer/contract pairs the registry holds, all imports together. */
export async function registryPairCount(db: Kysely<Schema>): Promise<number> {
  const { count } = await db
    .selectFrom('utility_registry')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(count);
}

/** The pairs the utility's customer/contract registry does not know (seed: "coppia non ammessa"). */
export async function pairsNotInRegistry(
  db: Kysely<Schema>,
  pairs: readonly RegistryPair[],
): Promise<Set<string>> {
  if (pairs.length === 0) return new Set();
  const found = await db
    .selectFrom('utility_registry')
    .select(['customer_code', 'contract_number'])
    .where(
      'contract_number',
      'in',
      pairs.map((pair) => pair.contractNumber),
    )
    .execute();
  const known = new Set(
    found.map((row) =>
      pairKey({ customerCode: row.customer_code, contractNumber: row.contract_number }),
    ),
  );
  return new Set(pairs.map(pairKey).filter((key) => !known.has(key)));
}

export interface RegistryEntry {
  readonly companyName: string;
  readonly plantAddress: string;
}

/** What the registry says of each declared contract, for the operator who checks a registration. */
export async function registryEntries(
  db: Kysely<Schema>,
  companies: readonly { customerCode: string; contracts: readonly { contractNumber: string }[] }[],
): Promise<Record<string, RegistryEntry>> {
  const numbers = companies.flatMap((company) =>
    company.contracts.map((contract) => contract.contractNumber),
  );
  if (numbers.length === 0) return {};
  const rows = await db
    .selectFrom('utility_registry')
    .selectAll()
    .where('contract_number', 'in', numbers)
    .execute();
  return Object.fromEntries(
    rows.map((row) => [
      pairKey({ customerCode: row.customer_code, contractNumber: row.contract_number }),
      { companyName: row.company_name, plantAddress: row.plant_address },
    ]),
  );
}
