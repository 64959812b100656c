import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { monthLabel, monthOf } from '../../domain/observatory/months.js';
import {
  pugliaMunicipalities,
  type Municipality,
} from '../../domain/observatory/reference/municipalities.js';
import { isFiled, monthsOfYear } from '../../domain/observatory/yearValidation.js';
import { flowsOfYear, rate, type WasteFlowRow } from '../../projections/observatory/wasteFlows.js';
import {
  yearValidations,
  type YearValidationRow,
} from '../../projections/observatory/yearValidations.js';
import type { ObservatoryDeps } from '../deps.js';
import { noticeOf } from '../platform/http/command.js';
import type { FieldErrors } from '../platform/http/forms.js';
import { firstProvince, yearAndProvince } from './openData.route.js';

const outcomes: Record<string, string> = {
  validato:
    'Anno validato: la percentuale certificata è pubblicata nei dati aperti e il comune è stato avvisato per e-mail.',
  rinviato:
    'Anno rinviato con osservazioni: i mesi indicati sono sbloccati e il comune è stato avvisato per e-mail.',
};

/** The years the page offers: the last four closed ones, the latest first. */
export function closedYears(now: Date): number[] {
  const current = Number(monthOf(now).slice(0, 4));
  return [1, 2, 3, 4].map((back) => current - back).filter((year) => year >= 2018);
}

/** A municipality's year as the page lists it, with what the admin may do on it. */
export interface YearRow {
  readonly municipality: Municipality;
  readonly provisionalRate: number | null;
  /** Months filed and locked, out of 12. */
  readonly filed: number;
  readonly months: readonly { number: number; label: string; filed: boolean }[];
  readonly validation: YearValidationRow | null;
  readonly returnedLabels: readonly string[];
  readonly canValidate: boolean;
  /** Why «Valida» is not offered, when the year is not validated. */
  readonly notYet: string | null;
  readonly canSendBack: boolean;
}

function yearRow(
  municipality: Municipality,
  year: number,
  flows: ReadonlyMap<string, WasteFlowRow>,
  validation: YearValidationRow | null,
): YearRow {
  const months = monthsOfYear(year).map((month, index) => {
    const flow = flows.get(`${municipality.istatCode}:${month}`);
    const filed = isFiled(flow);
    return { number: index + 1, label: monthLabel(month), filed, flow };
  });
  const filed = months.filter((m) => m.filed).length;
  const pending = months.find((m) => m.flow?.status === 'unlock-requested');
  const validated = validation?.status === 'validato';
  const notYet = validated
    ? null
    : filed < 12
      ? `Validabile quando tutti i 12 mesi sono inviati (ne ${filed === 11 ? 'manca' : 'mancano'} ${12 - filed}).`
      : pending
        ? `Sblocco di ${pending.label} richiesto dal comune: decidi la richiesta prima di validare.`
        : null;
  return {
    municipality,
    provisionalRate: rate(months.flatMap((m) => (m.flow && m.flow.versions > 0 ? [m.flow] : []))),
    filed,
    months: months.map(({ number, label, filed }) => ({ number, label, filed })),
    validation,
    returnedLabels: validation?.returnedMonths.map(monthLabel) ?? [],
    canValidate: !validated && notYet === null,
    notYet,
    canSendBack: filed > 0,
  };
}

/** What a refused form of the page is shown with: the errors and the typed values, by field id. */
export interface ShownForm {
  readonly errors: FieldErrors;
  readonly values: Record<string, string>;
  /** The months ticked in the refused form, by ISTAT code. */
  readonly ticked?: Readonly<Record<string, readonly number[]>>;
}

/**
 * «Validazione annuale»: a closed year's municipalities of one province (or of the region), with
 * the provisional rate, the months filed, the Region's word and, per row, «Valida» and «Rinvia con
 * osservazioni». Forms posting to it re-render it with their errors (422) for their own row.
 */
export function yearValidationPage(deps: ObservatoryDeps) {
  const { db } = deps.database;
  return async function render(
    request: FastifyRequest,
    reply: FastifyReply,
    chosen: { year: number; province: string | undefined },
    shown: ShownForm = { errors: {}, values: {} },
  ) {
    const now = deps.clock();
    const { provinces } = yearAndProvince(request, now, firstProvince);
    const { year, province } = chosen;
    const flows = new Map(
      (await flowsOfYear(db, year)).map((flow) => [`${flow.istatCode}:${flow.month}`, flow]),
    );
    const validations = await yearValidations(db, year);
    const rows = pugliaMunicipalities
      .filter((m) => !province || m.province === province)
      .map((m) => yearRow(m, year, flows, validations.get(m.istatCode) ?? null))
      // Each form carries its command id: posted twice, it is one decision.
      .map((row) => ({ ...row, commandIds: { validate: randomUUID(), sendBack: randomUUID() } }));
    return reply.view('observatory/yearValidation', {
      title: `Validazione annuale ${year}`,
      year,
      years: closedYears(now),
      province,
      provinceChoice: province ?? 'tutte',
      provinces,
      rows,
      counts: {
        validated: rows.filter((r) => r.validation?.status === 'validato').length,
        sentBack: rows.filter((r) => r.validation?.status === 'rinviato').length,
        ready: rows.filter((r) => r.canValidate).length,
        incomplete: rows.filter((r) => r.filed < 12).length,
      },
      errors: shown.errors,
      values: shown.values,
      ticked: shown.ticked ?? {},
      notice: noticeOf(request, outcomes),
    });
  };
}

/** The page's own filters: a closed year (the last one by default) and a province. */
export function chosenYear(request: FastifyRequest, now: Date, asked: number | undefined) {
  const years = closedYears(now);
  const { province } = yearAndProvince(request, now, firstProvince);
  return { year: asked !== undefined && years.includes(asked) ? asked : years[0]!, province };
}
