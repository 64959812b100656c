import { sql, type Kysely } from 'kysely';

/*
 * The Region's word on each municipality's year (projections/observatory/yearValidations.ts):
 * validated with its certified rate and the totals it comes from, or sent back with remarks and
 * the months to correct. No event of this kind exists before this migration: nothing to replay.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table observatory_year_validations (
      istat_code text not null,
      year integer not null,
      status text not null check (status in ('validato', 'rinviato')),
      certified_rate double precision,
      separate_kg bigint,
      unsorted_kg bigint,
      neutral_kg bigint,
      certified_months jsonb not null default '[]',
      validated_at timestamptz,
      validated_by text,
      remarks text,
      returned_months jsonb not null default '[]',
      sent_back_at timestamptz,
      sent_back_by text,
      withdrawn_rate double precision,
      primary key (istat_code, year)
    )`.execute(db);
  await sql`create index observatory_year_validations_year_idx on observatory_year_validations (year, status)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table observatory_year_validations`.execute(db);
}
