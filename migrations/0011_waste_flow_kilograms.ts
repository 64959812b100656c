import { sql, type Kysely } from 'kysely';

/*
 * The kilograms of a month's figures as numeric, not bigint: a quantity the form accepted before
 * it had a maximum (e.g. 99999999999999999999 t) is summed to a number no bigint holds, and the
 * waste_flows projection stopped on it for the whole region. numeric holds any such figure.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table waste_flows
      alter column separate_kg type numeric,
      alter column unsorted_kg type numeric,
      alter column neutral_kg type numeric`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table waste_flows
      alter column separate_kg type bigint,
      alter column unsorted_kg type bigint,
      alter column neutral_kg type bigint`.execute(db);
}
