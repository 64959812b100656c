import type { Kysely } from 'kysely';
import { addMonths, monthLabel, monthOf, type YearMonth } from '../../domain/observatory/months.js';
import {
  pugliaMunicipalities,
  type Municipality,
} from '../../domain/observatory/reference/municipalities.js';
import { flowsOfYear, rate, type WasteFlowRow } from '../../projections/observatory/wasteFlows.js';
import { yearValidations } from '../../projections/observatory/yearValidations.js';
import type { Schema } from '../platform/db/schema.js';
import { csvDocument } from '../platform/http/csv.js';
import { affectsFunding, monthState, rateOf, stateCodes, type MonthState } from './monthStatus.js';
import { certified, percentText, provisional } from './openDataDetail.js';

export interface MunicipalityMonth {
  readonly month: YearMonth;
  readonly state: MonthState;
  readonly flow: WasteFlowRow | null;
  /** More than 30 days late, filed or not (see affectsFunding). */
  readonly funding: boolean;
}

export interface MunicipalityYear {
  readonly municipality: Municipality;
  readonly months: readonly MunicipalityMonth[];
  /** The provisional rate: the months as filed now. */
  readonly rate: number | null;
  /** The rate the Region certified for the year; null until it validates it. */
  readonly certifiedRate: number | null;
  readonly tonnes: number;
  /** At least one month of the year affects the municipality's regional funding. */
  readonly funding: boolean;
}

/** Where the last ended month of each municipality stands, and who risks the funding. */
export interface MonthCounts {
  readonly filed: number;
  readonly late: number;
  /** Past the due date and not filed. */
  readonly missing: number;
  /** Not filed yet, but the due date (the 15th) has not passed: not due yet. */
  readonly waiting: number;
  /** Municipalities with a month of the year more than 30 days late. */
  readonly funding: number;
}

function countOf(rows: readonly MunicipalityYear[], lastEnded: YearMonth): MonthCounts {
  const counts = { filed: 0, late: 0, missing: 0, waiting: 0, funding: 0 };
  for (const row of rows) {
    if (row.funding) counts.funding++;
    const last = row.months.find((m) => m.month === lastEnded);
    if (!last) continue; // a past year: every month has ended
    const { state, flow } = last;
    if (state === 'filed' || (state === 'unlocked' && !flow?.daysLate)) counts.filed++;
    else if (state === 'late' || state === 'unlocked') counts.late++;
    else if (state === 'missing') counts.missing++;
    else if (state === 'due' || state === 'draft') counts.waiting++;
  }
  return counts;
}

function municipalityYear(
  municipality: Municipality,
  months: readonly YearMonth[],
  byKey: ReadonlyMap<string, WasteFlowRow>,
  certifiedRate: number | null,
  now: Date,
): MunicipalityYear {
  const own = months.map((month) => {
    const flow = byKey.get(`${municipality.istatCode}:${month}`);
    const state = monthState(month, flow, now);
    const funding = state !== 'future' && affectsFunding(month, flow, now);
    return { month, state, flow: flow ?? null, funding };
  });
  const filed = own.flatMap((m) => (m.flow && m.flow.versions > 0 ? [m.flow] : []));
  return {
    municipality,
    months: own,
    rate: rate(filed),
    certifiedRate,
    // The versions in force: a draft saved after an unlock counts once it is submitted.
    tonnes: filed.reduce(
      (sum, flow) => sum + flow.submittedRows.reduce((t, row) => t + row.tonnes, 0),
      0,
    ),
    funding: own.some((m) => m.funding),
  };
}

/**
 * Every municipality of the region (or of one province) with the state of each month of a year.
 * The rate and `counts` are the region's, whichever province the rows are of; `shownCounts` are
 * those of the rows.
 */
export async function regionalYear(db: Kysely<Schema>, year: number, now: Date, province?: string) {
  const flows = await flowsOfYear(db, year);
  const validations = await yearValidations(db, year);
  const byKey = new Map(flows.map((flow) => [`${flow.istatCode}:${flow.month}`, flow]));
  const months = Array.from({ length: 12 }, (_, i) => addMonths(`${year}-01`, i));
  const certifiedOf = (istatCode: string) => {
    const validation = validations.get(istatCode);
    return validation?.status === 'validato' ? validation.certifiedRate : null;
  };
  const region = pugliaMunicipalities.map((m) =>
    municipalityYear(m, months, byKey, certifiedOf(m.istatCode), now),
  );
  const rows = province ? region.filter((row) => row.municipality.province === province) : region;
  const filed = flows.filter((flow) => flow.versions > 0);
  const lastEnded = addMonths(monthOf(now), -1);
  return {
    months,
    rows,
    regionalRate: rate(filed),
    /** Municipalities whose year the Region has validated. */
    validatedCount: region.filter((row) => row.certifiedRate !== null).length,
    municipalityCount: region.length,
    counts: countOf(region, lastEnded),
    shownCounts: countOf(rows, lastEnded),
    lastEnded: monthLabel(lastEnded),
  };
}

/** One line per municipality and month due or filed: the open data and the admin's export. */
export function flowsCsv(rows: readonly MunicipalityYear[]): string {
  const header = [
    'codice_istat',
    'comune',
    'provincia',
    'mese',
    'stato',
    'versione',
    'giorni_ritardo',
    'incide_finanziamenti',
    'differenziata_t',
    'indifferenziata_t',
    'neutra_t',
    'rd_percentuale',
    'rd_percentuale_anno_certificata',
    'stato_dato',
  ];
  const lines = rows.flatMap((row) =>
    row.months
      .filter((m) => m.state !== 'future')
      .map((m) => {
        const flow = m.flow && m.flow.versions > 0 ? m.flow : null;
        const figure = (kg: number | undefined) =>
          flow && kg !== undefined ? (kg / 1000).toFixed(3).replace('.', ',') : null;
        const rd = flow ? rateOf(flow) : null;
        return [
          row.municipality.istatCode,
          row.municipality.name,
          row.municipality.province,
          m.month,
          stateCodes[m.state],
          flow?.versions ?? null,
          flow?.daysLate ?? null,
          m.funding ? 'sì' : 'no',
          figure(flow?.separateKg),
          figure(flow?.unsortedKg),
          figure(flow?.neutralKg),
          percentText(rd),
          percentText(row.certifiedRate),
          // A validated year's months are the ones certified: none is unlocked on request.
          flow ? (row.certifiedRate === null ? provisional : certified) : null,
        ];
      }),
  );
  return csvDocument(header, lines);
}
