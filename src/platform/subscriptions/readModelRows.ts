import { sql, type Insertable, type Transaction } from 'kysely';
import type { Schema } from '../db/schema.js';

/** PostgreSQL takes at most 65,535 parameters a statement. */
const parametersPerStatement = 65_535;

/**
 * Writes a read model's rows in as few statements as the parameters allow: each row inserted, or,
 * where its key is already there, every column it carries replaced by its value (a nullable
 * column it does not carry stays as it is, and so do the columns named in `kept`). A rebuild's
 * batch of thousands of rows costs a statement or two, not one each. The rows must carry the same
 * columns, and each key once.
 */
export async function upsertRows<Table extends keyof Schema>(
  trx: Transaction<Schema>,
  table: Table,
  key: readonly (keyof Schema[Table] & string)[],
  rows: readonly Insertable<Schema[Table]>[],
  kept: readonly (keyof Schema[Table] & string)[] = [],
): Promise<void> {
  const [first] = rows;
  if (!first) return;
  const columns = Object.keys(first);
  const unchanged = new Set<string>([...key, ...kept]);
  const replaced = columns.filter((column) => !unchanged.has(column));
  const perStatement = Math.floor(parametersPerStatement / columns.length);
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement) as Record<string, unknown>[];
    await sql`
      insert into ${sql.id(table)} (${sql.join(columns.map((column) => sql.id(column)))})
      values ${sql.join(
        chunk.map((row) => sql`(${sql.join(columns.map((column) => row[column]))})`),
      )}
      on conflict (${sql.join(key.map((column) => sql.id(column)))})
      ${
        replaced.length === 0
          ? sql`do nothing`
          : sql`do update set ${sql.join(
              replaced.map((column) => sql`${sql.id(column)} = excluded.${sql.id(column)}`),
            )}`
      }`.execute(trx);
  }
}

/**
 * A condition for rows whose two-column key is among `pairs`: one semi-join on two array
 * parameters, where an `or` of thousands of pairs would make PostgreSQL plan a query per batch
 * as long as the batch.
 */
export function keyPairsIn<First, Second>(
  columns: readonly [string, string],
  types: readonly ['text' | 'int', 'text' | 'int'],
  pairs: readonly (readonly [First, Second])[],
) {
  const array = (type: 'text' | 'int', values: readonly unknown[]) =>
    type === 'text' ? sql`${values}::text[]` : sql`${values}::int[]`;
  return sql<boolean>`(${sql.id(columns[0])}, ${sql.id(columns[1])}) in (select * from unnest(
    ${array(
      types[0],
      pairs.map(([first]) => first),
    )},
    ${array(
      types[1],
      pairs.map(([, second]) => second),
    )}))`;
}
