import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { CampaignSettings } from '../../domain/campaigns/campaignSettings.js';
import { reviewOutcomeLabels } from '../../domain/declarations/reviewDeclaration.js';
import {
  declarationsOfYear,
  type DeclarationRow,
} from '../../projections/declarations/declarations.js';
import type { Schema } from '../platform/db/schema.js';
import { csvDocument } from '../platform/http/csv.js';
import { line as textLine } from '../platform/http/text.js';

/** One expected declaration: every validated contract owes one a year. */
export interface CampaignLine {
  readonly contractNumber: string;
  readonly customerCode: string;
  readonly companyName: string;
  readonly declaration: DeclarationRow | null;
}

const statuses = [
  'tutte',
  'inviate',
  'in-ritardo',
  'mancanti',
  'con-segnalazioni',
  'da-esaminare',
  'accettate',
  'integrazione-richiesta',
  'respinte',
] as const;
type CampaignStatusFilter = (typeof statuses)[number];

/** The campaign page's filters, from its query: anything unknown shows every line. */
export const campaignFiltersQuery = z.object({
  stato: z.enum(statuses).catch('tutte'),
  // A long search is cut rather than refused: the page only filters what it shows.
  cerca: z
    .string()
    .transform((text) => text.trim().slice(0, 100))
    .pipe(textLine(100))
    .catch(''),
});
export type CampaignFilters = z.output<typeof campaignFiltersQuery>;

const keep: Record<CampaignStatusFilter, (line: CampaignLine) => boolean> = {
  tutte: () => true,
  inviate: (line) => line.declaration?.status === 'submitted',
  'in-ritardo': (line) => line.declaration?.status === 'submitted' && line.declaration.late,
  mancanti: (line) => line.declaration?.status !== 'submitted',
  'con-segnalazioni': (line) =>
    (line.declaration?.warnings.length ?? 0) > 0 && line.declaration?.status === 'submitted',
  'da-esaminare': (line) => line.declaration?.status === 'submitted' && !line.declaration.review,
  accettate: (line) => outcomeOf(line) === 'accettata',
  'integrazione-richiesta': (line) => outcomeOf(line) === 'integrazione-richiesta',
  respinte: (line) => outcomeOf(line) === 'respinta',
};

const outcomeOf = (line: CampaignLine) =>
  line.declaration?.status === 'submitted' ? line.declaration.review?.outcome : undefined;

/** Declared / expected, late and missing, filtered as the operator asked. */
export async function campaignDeclarations(
  db: Kysely<Schema>,
  settings: CampaignSettings,
  filters: CampaignFilters,
) {
  const contracts = await db
    .selectFrom('contracts')
    .select(['contract_number', 'customer_code', 'company_name'])
    .where('status', '=', 'validated')
    .orderBy('company_name')
    .orderBy('contract_number')
    .execute();
  const declarations = new Map(
    (await declarationsOfYear(db, settings.year)).map((row) => [row.contractNumber, row]),
  );
  const lines: CampaignLine[] = contracts.map((contract) => ({
    contractNumber: contract.contract_number,
    customerCode: contract.customer_code,
    companyName: contract.company_name,
    declaration: declarations.get(contract.contract_number) ?? null,
  }));
  const submitted = lines.filter(keep.inviate);
  const needle = filters.cerca.toLowerCase();
  const shown = lines.filter(
    (line) =>
      keep[filters.stato](line) &&
      (!needle ||
        [
          line.contractNumber,
          line.customerCode,
          line.companyName,
          line.declaration?.protocolNumber ?? '',
        ].some((text) => text.toLowerCase().includes(needle))),
  );
  return {
    shown,
    counts: {
      expected: lines.length,
      submitted: submitted.length,
      late: lines.filter(keep['in-ritardo']).length,
      missing: lines.length - submitted.length,
      toReview: lines.filter(keep['da-esaminare']).length,
    },
  };
}

/** The campaign's lines as the operators' export. */
export function toCsv(lines: readonly CampaignLine[]): string {
  const header = [
    'contratto',
    'codice_cliente',
    'ditta',
    'stato',
    'protocollo',
    'ricevuta_il',
    'oltre_termine',
    'volume_scaricato_m3',
    'segnalazioni',
    'inviata_da',
    'esito',
    'nota_esito',
    'integrare_entro',
    'esito_registrato_il',
  ];
  const rows = lines.map((line) => {
    const d = line.declaration?.status === 'submitted' ? line.declaration : null;
    return [
      line.contractNumber,
      line.customerCode,
      line.companyName,
      d ? 'inviata' : 'mancante',
      d?.protocolNumber ?? null,
      d?.submittedAt ?? null,
      d ? (d.late ? 'sì' : 'no') : null,
      d ? d.dischargedVolume : null,
      d ? d.warnings.length : null,
      d?.signatoryName ?? null,
      d ? (d.review ? reviewOutcomeLabels[d.review.outcome] : 'da esaminare') : null,
      d?.review?.note || null,
      d?.review?.dueBy ?? null,
      d?.review?.reviewedAt ?? null,
    ];
  });
  return csvDocument(header, rows);
}
