import { CompiledQuery, sql, type Insertable, type Transaction } from 'kysely';
import pg from 'pg';
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
  const statement = upsertStatement(
    table,
    columns,
    key,
    columns.filter((column) => !unchanged.has(column)),
  );
  const perStatement = Math.floor(parametersPerStatement / columns.length);
  for (let start = 0; start < rows.length; start += perStatement)
    await trx.executeQuery(
      statement(rows.slice(start, start + perStatement) as Record<string, unknown>[]),
    );
}

/**
 * The upsert of some rows, its text made here rather than by kysely's sql template: for a
 * rebuild's batch of thousands of rows the template built, froze and visited a node per value, a
 * twentieth of the rebuild's CPU. Names are the schema's own; every value goes as a parameter.
 */
function upsertStatement(
  table: string,
  columns: readonly string[],
  key: readonly string[],
  replaced: readonly string[],
) {
  const into = `insert into ${quoted(table)} (${columns.map(quoted).join(', ')}) values `;
  const conflict = ` on conflict (${key.map(quoted).join(', ')}) ${
    replaced.length === 0
      ? 'do nothing'
      : `do update set ${replaced.map((column) => `${quoted(column)} = excluded.${quoted(column)}`).join(', ')}`
  }`;
  return (rows: readonly Record<string, unknown>[]) => {
    const parameters: unknown[] = [];
    const tuples = rows.map((row) => {
      const places = columns.map((column) => `$${parameters.push(row[column])}`);
      return `(${places.join(', ')})`;
    });
    return CompiledQuery.raw(`${into}${tuples.join(', ')}${conflict}`, parameters);
  };
}

const quoted = pg.escapeIdentifier;

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
