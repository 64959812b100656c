import type { Kysely } from 'kysely';
import type { CampaignSettings } from '../../domain/declarations/campaignSettings.js';
import {
  declarationsOfYear,
  type DeclarationRow,
} from '../../projections/declarations/declarations.js';
import type { Schema } from '../db/schema.js';
import { csvDocument } from '../http/csv.js';

export type CampaignStatusFilter =
  'tutte' | 'inviate' | 'in-ritardo' | 'mancanti' | 'con-segnalazioni';

export interface CampaignFilters {
  readonly stato: CampaignStatusFilter;
  readonly cerca: string;
}

/** One expected declaration: every validated contract owes one a year. */
export interface CampaignLine {
  readonly contractNumber: string;
  readonly customerCode: string;
  readonly companyName: string;
  readonly declaration: DeclarationRow | null;
}

const statuses: readonly CampaignStatusFilter[] = [
  'tutte',
  'inviate',
  'in-ritardo',
  'mancanti',
  'con-segnalazioni',
];

export function campaignFilters(query: unknown): CampaignFilters {
  const { stato, cerca } = (query ?? {}) as { stato?: unknown; cerca?: unknown };
  return {
    stato: statuses.find((status) => status === stato) ?? 'tutte',
    cerca: typeof cerca === 'string' ? cerca.trim().slice(0, 100) : '',
  };
}

const keep: Record<CampaignStatusFilter, (line: CampaignLine) => boolean> = {
  tutte: () => true,
  inviate: (line) => line.declaration?.status === 'submitted',
  'in-ritardo': (line) => line.declaration?.status === 'submitted' && line.declaration.late,
  mancanti: (line) => line.declaration?.status !== 'submitted',
  'con-segnalazioni': (line) =>
    (line.declaration?.warnings.length ?? 0) > 0 && line.declaration?.status === 'submitted',
};

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
    ];
  });
  return csvDocument(header, rows);
}
