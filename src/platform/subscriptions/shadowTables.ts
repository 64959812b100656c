import { sql, type Kysely, type Transaction } from 'kysely';
import { randomBytes } from 'node:crypto';
import type { Schema } from '../db/schema.js';

/**
 * Where a rebuild writes: a schema of its own, beside the live tables, which pages go on reading
 * until the new ones are whole and are swapped in, in one transaction. One rebuild at a time: a
 * second one started meanwhile drops the first one's schema, and that one then fails (nothing is
 * swapped in; writeToShadow). Each rebuild's schema has a name of its own, so that one which has
 * not yet noticed it was overtaken (its job taken over by another process) cannot write into the
 * next one's tables.
 */
const shadowPrefix = 'read_model_rebuild';

/** A rebuild's schema, and the live tables' one, where the new tables go at the end. */
export interface ShadowTables {
  readonly schema: string;
  readonly live: string;
}

/**
 * Creates an empty copy of each table in a new shadow schema: columns, defaults, constraints and
 * indexes, the indexes under their live names, so the tables swapped in are the migrations' own.
 * Any other rebuild's schema goes first: one cut short, or one still running.
 */
export async function createShadowTables(
  db: Kysely<Schema>,
  tables: readonly string[],
): Promise<ShadowTables> {
  return db.transaction().execute(async (trx) => {
    const { live } = (await sql<{ live: string }>`select current_schema() as live`.execute(trx))
      .rows[0]!;
    // Only the names this makes (or made before they had a suffix), nothing else so named.
    const { rows: others } = await sql<{ name: string }>`
      select nspname as name from pg_namespace
      where nspname ~ ${`^${shadowPrefix}(_[0-9a-f]{8})?$`}`.execute(trx);
    for (const { name } of others)
      await sql`drop schema if exists ${sql.id(name)} cascade`.execute(trx);
    const schema = `${shadowPrefix}_${randomBytes(4).toString('hex')}`;
    await sql`create schema ${sql.id(schema)}`.execute(trx);
    const shadow = { schema, live };
    for (const table of tables) {
      await sql`create table ${sql.id(schema, table)}
        (like ${sql.id(live, table)} including all)`.execute(trx);
      await nameIndexesAsLive(trx, shadow, table);
    }
    return shadow;
  });
}

/**
 * Points this transaction's unqualified table names at the shadow tables, and only there: once
 * the shadow schema is gone (dropped by a failed or a second rebuild) a write fails, rather than
 * landing in a live table. Its commit does not wait for the disk: a rebuild cut short is started
 * again from the start.
 */
export async function writeToShadow(trx: Transaction<Schema>, shadow: ShadowTables): Promise<void> {
  await sql`select set_config('search_path', ${shadow.schema}, true),
    set_config('synchronous_commit', 'off', true)`.execute(trx);
}

/** Gives PostgreSQL's planner the new tables' statistics before pages read them. */
export async function analyzeShadowTables(
  db: Kysely<Schema>,
  shadow: ShadowTables,
  tables: readonly string[],
): Promise<void> {
  for (const table of tables) await sql`analyze ${sql.id(shadow.schema, table)}`.execute(db);
}

/** Replaces each live table by its shadow copy, in the caller's transaction. */
export async function swapInShadowTables(
  trx: Transaction<Schema>,
  shadow: ShadowTables,
  tables: readonly string[],
): Promise<void> {
  for (const table of tables) {
    await sql`drop table ${sql.id(shadow.live, table)}`.execute(trx);
    await sql`alter table ${sql.id(shadow.schema, table)} set schema ${sql.id(shadow.live)}`.execute(
      trx,
    );
  }
  await sql`drop schema ${sql.id(shadow.schema)}`.execute(trx);
}

/** After a rebuild that failed or stopped: its half-built tables go. */
export async function dropShadowTables(db: Kysely<Schema>, shadow: ShadowTables): Promise<void> {
  await sql`drop schema if exists ${sql.id(shadow.schema)} cascade`.execute(db);
}

/**
 * Renames the copy's indexes (constraints' included) to the names the live table's indexes of the
 * same definition have, through temporary names so that no two collide on the way.
 */
async function nameIndexesAsLive(
  trx: Transaction<Schema>,
  shadow: ShadowTables,
  table: string,
): Promise<void> {
  const [liveIndexes, copies] = await Promise.all([
    indexesOf(trx, shadow.live, table),
    indexesOf(trx, shadow.schema, table),
  ]);
  const renames = copies.flatMap((copy) => {
    const match = liveIndexes.findIndex((index) => index.definition === copy.definition);
    if (match < 0) return [];
    const [original] = liveIndexes.splice(match, 1);
    return original!.name === copy.name ? [] : [{ from: copy.name, to: original!.name }];
  });
  for (const [n, { from }] of renames.entries())
    await sql`alter index ${sql.id(shadow.schema, from)} rename to ${sql.id(`rebuild_index_${n}`)}`.execute(
      trx,
    );
  for (const [n, { to }] of renames.entries())
    await sql`alter index ${sql.id(shadow.schema, `rebuild_index_${n}`)} rename to ${sql.id(to)}`.execute(
      trx,
    );
}

/** A table's indexes, each with its definition stripped of its own name and schema. */
async function indexesOf(
  trx: Transaction<Schema>,
  schema: string,
  table: string,
): Promise<{ name: string; definition: string }[]> {
  const { rows } = await sql<{ name: string; definition: string }>`
    select index.relname as name, pg_get_indexdef(index.oid) as definition
    from pg_index
    join pg_class index on index.oid = pg_index.indexrelid
    join pg_class tab on tab.oid = pg_index.indrelid
    join pg_namespace on pg_namespace.oid = tab.relnamespace
    where pg_namespace.nspname = ${schema} and tab.relname = ${table}
    order by index.relname`.execute(trx);
  return rows.map(({ name, definition }) => ({
    name,
    definition: definition.replace(/ INDEX \S+ ON \S+ /, ' INDEX ON '),
  }));
}
