import type { Kysely, Selectable } from 'kysely';
import type { YearEvent } from '../../domain/observatory/yearEvents.js';
import { yearStream } from '../../domain/observatory/yearValidationDecider.js';
import type { YearMonth } from '../../domain/observatory/months.js';
import type { ObservatoryYearValidationsTable, Schema } from '../../src/platform/db/schema.js';
import type { Recorded } from '../../src/platform/eventStore/eventStore.js';
import { keyPairsIn, upsertRows } from '../../src/platform/subscriptions/readModelRows.js';
import { rowProjection } from '../../src/platform/subscriptions/rowProjection.js';

/** The status as the pages and the open data write it. */
export type YearValidationStatus = 'validato' | 'rinviato';

/** A municipality's year as the Region left it: certified, or sent back with remarks. */
export interface YearValidationRow {
  readonly istatCode: string;
  readonly year: number;
  readonly status: YearValidationStatus;
  /** Set while validated: the rate, its totals (kilograms) and the versions it was read from. */
  readonly certifiedRate: number | null;
  readonly separateKg: number | null;
  readonly unsortedKg: number | null;
  readonly neutralKg: number | null;
  readonly certifiedMonths: readonly { month: YearMonth; version: number }[];
  readonly validatedAt: string | null;
  readonly validatedBy: string | null;
  /** The last send-back, kept after a later validation. */
  readonly remarks: string | null;
  readonly returnedMonths: readonly YearMonth[];
  readonly sentBackAt: string | null;
  readonly sentBackBy: string | null;
  /** The certified rate the last send-back withdrew, if the year had been validated. */
  readonly withdrawnRate: number | null;
}

export function evolveYearValidationRow(
  row: YearValidationRow | undefined,
  event: YearEvent,
  at: string,
): YearValidationRow {
  const base: YearValidationRow = row ?? {
    istatCode: event.data.istatCode,
    year: event.data.year,
    status: 'rinviato',
    certifiedRate: null,
    separateKg: null,
    unsortedKg: null,
    neutralKg: null,
    certifiedMonths: [],
    validatedAt: null,
    validatedBy: null,
    remarks: null,
    returnedMonths: [],
    sentBackAt: null,
    sentBackBy: null,
    withdrawnRate: null,
  };
  switch (event.type) {
    case 'YearValidated':
      return {
        ...base,
        status: 'validato',
        certifiedRate: event.data.certifiedRate,
        separateKg: event.data.separateKg,
        unsortedKg: event.data.unsortedKg,
        neutralKg: event.data.neutralKg,
        certifiedMonths: event.data.months,
        validatedAt: at,
        validatedBy: event.data.validatedBy,
      };
    case 'YearSentBack':
      return {
        ...base,
        status: 'rinviato',
        certifiedRate: null,
        separateKg: null,
        unsortedKg: null,
        neutralKg: null,
        certifiedMonths: [],
        validatedAt: null,
        validatedBy: null,
        remarks: event.data.remarks,
        returnedMonths: event.data.months,
        sentBackAt: at,
        sentBackBy: event.data.sentBackBy,
        withdrawnRate: event.data.withdrawnCertification?.certifiedRate ?? null,
      };
  }
}

export const yearValidationsProjection = rowProjection<YearValidationRow, Recorded<YearEvent>>({
  name: 'observatory_year_validations',
  follows: yearStream.holds,
  keyOf: (event) => yearStream.parse(event.streamId),
  evolve: (row, event) => evolveYearValidationRow(row, event, event.metadata.occurredAt),
  async load(trx, keys) {
    const pairs = keys.map((key) => [key.slice(0, 6), Number(key.slice(7))] as const);
    const rows = await trx
      .selectFrom('observatory_year_validations')
      .selectAll()
      .where(keyPairsIn(['istat_code', 'year'], ['text', 'int'], pairs))
      .execute();
    return new Map(rows.map((row) => [`${row.istat_code}-${row.year}`, fromTableRow(row)]));
  },
  save: (trx, rows) =>
    upsertRows(trx, 'observatory_year_validations', ['istat_code', 'year'], rows.map(toTableRow)),
  table: 'observatory_year_validations',
});

const toTableRow = (row: YearValidationRow) => ({
  istat_code: row.istatCode,
  year: row.year,
  status: row.status,
  certified_rate: row.certifiedRate,
  separate_kg: row.separateKg,
  unsorted_kg: row.unsortedKg,
  neutral_kg: row.neutralKg,
  certified_months: JSON.stringify(row.certifiedMonths),
  validated_at: row.validatedAt,
  validated_by: row.validatedBy,
  remarks: row.remarks,
  returned_months: JSON.stringify(row.returnedMonths),
  sent_back_at: row.sentBackAt,
  sent_back_by: row.sentBackBy,
  withdrawn_rate: row.withdrawnRate,
});

const kilograms = (value: string | null) => (value === null ? null : Number(value));

const fromTableRow = (row: Selectable<ObservatoryYearValidationsTable>): YearValidationRow => ({
  istatCode: row.istat_code,
  year: row.year,
  status: row.status as YearValidationStatus,
  certifiedRate: row.certified_rate,
  separateKg: kilograms(row.separate_kg),
  unsortedKg: kilograms(row.unsorted_kg),
  neutralKg: kilograms(row.neutral_kg),
  certifiedMonths: row.certified_months,
  validatedAt: row.validated_at?.toISOString() ?? null,
  validatedBy: row.validated_by,
  remarks: row.remarks,
  returnedMonths: row.returned_months,
  sentBackAt: row.sent_back_at?.toISOString() ?? null,
  sentBackBy: row.sent_back_by,
  withdrawnRate: row.withdrawn_rate,
});

/** Every municipality's year the Region has decided on, by ISTAT code. */
export async function yearValidations(
  db: Kysely<Schema>,
  year: number,
): Promise<Map<string, YearValidationRow>> {
  const rows = await db
    .selectFrom('observatory_year_validations')
    .selectAll()
    .where('year', '=', year)
    .execute();
  return new Map(rows.map((row) => [row.istat_code, fromTableRow(row)]));
}

/** One municipality's year, or null when the Region has not decided on it. */
export async function yearValidationOf(
  db: Kysely<Schema>,
  istatCode: string,
  year: number,
): Promise<YearValidationRow | null> {
  const row = await db
    .selectFrom('observatory_year_validations')
    .selectAll()
    .where('istat_code', '=', istatCode)
    .where('year', '=', year)
    .executeTakeFirst();
  return row ? fromTableRow(row) : null;
}
