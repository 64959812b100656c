import type { Kysely } from 'kysely';
import { addMonths, monthLabel, monthOf, type YearMonth } from '../../domain/observatory/months.js';
import {
  pugliaMunicipalities,
  type Municipality,
} from '../../domain/observatory/reference/municipalities.js';
import { flowsOfYear, rate, type WasteFlowRow } from '../../projections/observatory/wasteFlows.js';
import type { Schema } from '../db/schema.js';
import { csvDocument } from '../http/csv.js';
import { monthState, rateOf, type MonthState } from './monthStatus.js';

export interface MunicipalityYear {
  readonly municipality: Municipality;
  readonly months: readonly { month: YearMonth; state: MonthState; flow: WasteFlowRow | null }[];
  readonly rate: number | null;
  readonly tonnes: number;
}

/** Every municipality of the region with the state of each month of a year. */
export async function regionalYear(db: Kysely<Schema>, year: number, now: Date, province?: string) {
  const flows = await flowsOfYear(db, year);
  const byKey = new Map(flows.map((flow) => [`${flow.istatCode}:${flow.month}`, flow]));
  const months = Array.from({ length: 12 }, (_, i) => addMonths(`${year}-01`, i));
  const municipalities = pugliaMunicipalities.filter((m) => !province || m.province === province);
  const rows: MunicipalityYear[] = municipalities.map((municipality) => {
    const own = months.map((month) => {
      const flow = byKey.get(`${municipality.istatCode}:${month}`) ?? null;
      return { month, state: monthState(month, flow ?? undefined, now), flow };
    });
    const filed = own.flatMap((m) => (m.flow && m.flow.versions > 0 ? [m.flow] : []));
    return {
      municipality,
      months: own,
      rate: rate(filed),
      tonnes: filed.reduce((sum, flow) => sum + flow.rows.reduce((t, row) => t + row.tonnes, 0), 0),
    };
  });
  const filed = flows.filter((flow) => flow.versions > 0);
  const lastEnded = addMonths(monthOf(now), -1);
  const counts = rows.reduce(
    (acc, row) => {
      const state = row.months.find((m) => m.month === lastEnded)?.state;
      if (state === 'filed') acc.filed++;
      else if (state === 'late') acc.late++;
      else if (state === 'missing' || state === 'due') acc.missing++;
      return acc;
    },
    { filed: 0, late: 0, missing: 0 },
  );
  return { months, rows, regionalRate: rate(filed), counts, lastEnded: monthLabel(lastEnded) };
}

/** One line per municipality and filed month: the open data and the admin's export. */
export function flowsCsv(rows: readonly MunicipalityYear[]): string {
  const header = [
    'codice_istat',
    'comune',
    'provincia',
    'mese',
    'stato',
    'versione',
    'giorni_ritardo',
    'differenziata_t',
    'indifferenziata_t',
    'neutra_t',
    'rd_percentuale',
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
          m.state,
          flow?.versions ?? null,
          flow?.daysLate ?? null,
          figure(flow?.separateKg),
          figure(flow?.unsortedKg),
          figure(flow?.neutralKg),
          rd === null ? null : (rd * 100).toFixed(1).replace('.', ','),
        ];
      }),
  );
  return csvDocument(header, lines);
}
