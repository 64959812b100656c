import type { Recorded } from '../../src/platform/eventStore/eventStore.js';
import { contractStream } from '../../domain/contracts/contractDecider.js';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { ContractEvent } from '../../domain/contracts/contractEvents.js';
import type { DeclarationFile } from '../../domain/declarations/declarationEvents.js';
import type { Review } from '../../domain/declarations/reviewDeclaration.js';
import {
  currentReview,
  evolveVersions,
  type DeclarationVersion,
  type EventPlace,
} from '../../domain/declarations/declarationVersions.js';
import type { WorkbookIssue } from '../../domain/declarations/declarationFigures.js';
import type { DeclarationsTable, Schema } from '../../src/platform/db/schema.js';
import { keyPairsIn, upsertRows } from '../../src/platform/subscriptions/readModelRows.js';
import { rowProjection } from '../../src/platform/subscriptions/rowProjection.js';

/** One contract's declaration of one year, as the declarants' and the operators' pages list it. */
export interface DeclarationRow {
  readonly contractNumber: string;
  readonly year: number;
  readonly customerCode: string;
  readonly companyName: string;
  readonly status: 'draft' | 'submitted';
  readonly preparedBy: string | null;
  readonly preparedAt: string | null;
  readonly submittedBy: string | null;
  readonly signatoryName: string | null;
  readonly submittedAt: string | null;
  readonly late: boolean;
  readonly protocolNumber: string | null;
  readonly copyOfRecordSha256: string | null;
  readonly notificationEmail: string;
  readonly dischargedVolume: number;
  readonly files: readonly DeclarationFile[];
  readonly warnings: readonly WorkbookIssue[];
  readonly warningsAcknowledged: boolean;
  /** The utility's current outcome of the version in force, null until one is recorded. */
  readonly review: Review | null;
  /** Every filed version, oldest first: the latest is in force. */
  readonly versions: readonly DeclarationVersion[];
  /** The organisations that filed a version: each reads the versions it filed. */
  readonly filedBy: readonly string[];
}

export function evolveDeclarationRow(
  row: DeclarationRow | undefined,
  contractNumber: string,
  event: ContractEvent,
  place: EventPlace,
): DeclarationRow | undefined {
  const filed = withVersions(row, contractNumber, event, place);
  return filed && { ...filed, review: currentReview(filed.versions.at(-1)) };
}

/** The row with its versions after the event; the version in force gives the row's figures. */
function withVersions(
  row: DeclarationRow | undefined,
  contractNumber: string,
  event: ContractEvent,
  place: EventPlace,
): DeclarationRow | undefined {
  const versions = evolveVersions(row?.versions ?? [], event, place);
  const filed = evolveFigures(row, contractNumber, event, place.at);
  if (!filed) return filed;
  const filers = versions.map((version) => version.submittedBy);
  return { ...filed, versions, filedBy: [...new Set(filers)] };
}

function evolveFigures(
  row: DeclarationRow | undefined,
  contractNumber: string,
  event: ContractEvent,
  at: string,
): DeclarationRow | undefined {
  switch (event.type) {
    case 'DeclarationPrepared':
    case 'DeclarationSubmitted': {
      // A correction's draft leaves the filed version in force until its INVIA.
      if (event.type === 'DeclarationPrepared' && row?.status === 'submitted') return row;
      const { data } = event;
      const submitted = event.type === 'DeclarationSubmitted' ? event.data : null;
      const preparedBy = event.type === 'DeclarationPrepared' ? event.data.preparedBy : null;
      return {
        contractNumber,
        year: data.year,
        customerCode: data.figures.customerCode,
        companyName: data.figures.companyName,
        status: submitted ? 'submitted' : 'draft',
        preparedBy: preparedBy ?? row?.preparedBy ?? null,
        preparedAt: submitted ? (row?.preparedAt ?? null) : at,
        submittedBy: submitted?.signatory.accountId ?? null,
        signatoryName: submitted?.signatory.name ?? null,
        submittedAt: submitted?.receivedAt ?? null,
        late: submitted?.late ?? false,
        protocolNumber: null,
        copyOfRecordSha256: null,
        notificationEmail: data.notificationEmail,
        dischargedVolume: data.figures.dischargedVolume,
        files: data.files,
        warnings: data.warnings,
        warningsAcknowledged: submitted?.warningsAcknowledged ?? false,
        review: null,
        versions: row?.versions ?? [],
        filedBy: row?.filedBy ?? [],
      };
    }
    case 'DeclarationProtocolled':
    case 'CopyOfRecordStored':
      return (
        row && {
          ...row,
          protocolNumber: event.data.protocolNumber,
          copyOfRecordSha256: event.data.copyOfRecord?.sha256 ?? row.copyOfRecordSha256,
        }
      );
    default:
      return row;
  }
}

const keyOf = (contractNumber: string, year: number) => `${contractNumber}:${year}`;

/** The events of a contract's stream that change its declaration rows. */
const rowEvents = new Set([
  'DeclarationPrepared',
  'DeclarationSubmitted',
  'DeclarationProtocolled',
  'CopyOfRecordStored',
  'DeclarationReviewed',
  'DeclarationReopened',
]);

export const declarationsProjection = rowProjection<DeclarationRow, Recorded<ContractEvent>>({
  name: 'declarations',
  follows: contractStream.holds,
  keyOf(event) {
    const year = 'year' in event.data ? event.data.year : undefined;
    return rowEvents.has(event.type) && typeof year === 'number'
      ? keyOf(contractStream.parse(event.streamId)!, year)
      : null;
  },
  evolve: (row, event) =>
    evolveDeclarationRow(row, contractStream.parse(event.streamId)!, event, {
      at: event.metadata.occurredAt,
      version: event.version,
    }),
  async load(trx, keys) {
    const pairs = keys.map(
      (key) =>
        [key.slice(0, key.lastIndexOf(':')), Number(key.slice(key.lastIndexOf(':') + 1))] as const,
    );
    const rows = await trx
      .selectFrom('declarations')
      .selectAll()
      .where(keyPairsIn(['contract_number', 'year'], ['text', 'int'], pairs))
      .execute();
    return new Map(rows.map((row) => [keyOf(row.contract_number, row.year), fromTableRow(row)]));
  },
  save: (trx, rows) =>
    upsertRows(trx, 'declarations', ['contract_number', 'year'], rows.map(toTableRow)),
  table: 'declarations',
});

const toTableRow = (row: DeclarationRow) => ({
  contract_number: row.contractNumber,
  year: row.year,
  customer_code: row.customerCode,
  company_name: row.companyName,
  status: row.status,
  prepared_by: row.preparedBy,
  prepared_at: row.preparedAt,
  submitted_by: row.submittedBy,
  signatory_name: row.signatoryName,
  submitted_at: row.submittedAt,
  late: row.late,
  protocol_number: row.protocolNumber,
  copy_of_record_sha256: row.copyOfRecordSha256,
  notification_email: row.notificationEmail,
  discharged_volume: row.dischargedVolume,
  files: JSON.stringify(row.files),
  warnings: JSON.stringify(row.warnings),
  warnings_acknowledged: row.warningsAcknowledged,
  review: row.review && JSON.stringify(row.review),
  versions: JSON.stringify(row.versions),
  filed_by: [...row.filedBy],
});

const fromTableRow = (row: Selectable<DeclarationsTable>): DeclarationRow => ({
  contractNumber: row.contract_number,
  year: row.year,
  customerCode: row.customer_code,
  companyName: row.company_name,
  status: row.status,
  preparedBy: row.prepared_by,
  preparedAt: row.prepared_at?.toISOString() ?? null,
  submittedBy: row.submitted_by,
  signatoryName: row.signatory_name,
  submittedAt: row.submitted_at?.toISOString() ?? null,
  late: row.late,
  protocolNumber: row.protocol_number,
  copyOfRecordSha256: row.copy_of_record_sha256,
  notificationEmail: row.notification_email,
  dischargedVolume: row.discharged_volume,
  files: row.files,
  warnings: row.warnings,
  warningsAcknowledged: row.warnings_acknowledged,
  review: row.review,
  versions: row.versions,
  filedBy: row.filed_by,
});

export async function declarationRow(
  db: Kysely<Schema>,
  contractNumber: string,
  year: number,
): Promise<DeclarationRow | undefined> {
  const row = await db
    .selectFrom('declarations')
    .selectAll()
    .where('contract_number', '=', contractNumber)
    .where('year', '=', year)
    .executeTakeFirst();
  return row && fromTableRow(row);
}

/** A year's declarations of some contracts (or of all, for the operators). */
export async function declarationsOfYear(
  db: Kysely<Schema>,
  year: number,
  contractNumbers?: readonly string[],
): Promise<DeclarationRow[]> {
  if (contractNumbers && contractNumbers.length === 0) return [];
  let query = db.selectFrom('declarations').selectAll().where('year', '=', year);
  if (contractNumbers) query = query.where('contract_number', 'in', contractNumbers);
  const rows = await query.orderBy('company_name').orderBy('contract_number').execute();
  return rows.map(fromTableRow);
}

/** Every year's submitted declarations of these contracts, and those `filedBy` filed a version of. */
export async function submittedDeclarations(
  db: Kysely<Schema>,
  contractNumbers: readonly string[],
  filedBy: string,
): Promise<DeclarationRow[]> {
  const rows = await db
    .selectFrom('declarations')
    .selectAll()
    .where('status', '=', 'submitted')
    .where((eb) =>
      eb.or([
        sql<boolean>`filed_by @> array[${filedBy}]::text[]`,
        ...(contractNumbers.length > 0 ? [eb('contract_number', 'in', contractNumbers)] : []),
      ]),
    )
    .orderBy('year', 'desc')
    .orderBy('company_name')
    .orderBy('contract_number')
    .execute();
  return rows.map(fromTableRow);
}

/** A protocol number's declaration: its contract, year and company (any version's number). */
export async function declarationsByProtocol(
  db: Kysely<Schema>,
  protocolNumbers: readonly string[],
): Promise<Map<string, { contractNumber: string; year: number; companyName: string }>> {
  if (protocolNumbers.length === 0) return new Map();
  const rows = await db
    .selectFrom('declarations')
    .select(['contract_number', 'year', 'company_name', 'protocol_number'])
    .select(
      sql<string[]>`array(select v ->> 'protocolNumber' from jsonb_array_elements(versions) v)`.as(
        'numbers',
      ),
    )
    .where((eb) =>
      eb.or([
        eb('protocol_number', 'in', protocolNumbers),
        sql<boolean>`exists (select 1 from jsonb_array_elements(versions) v
          where v ->> 'protocolNumber' = any(${[...protocolNumbers]}::text[]))`,
      ]),
    )
    .execute();
  const found = new Map<string, { contractNumber: string; year: number; companyName: string }>();
  for (const row of rows) {
    const declaration = {
      contractNumber: row.contract_number,
      year: row.year,
      companyName: row.company_name,
    };
    for (const number of [row.protocol_number, ...row.numbers])
      if (number) found.set(number, declaration);
  }
  return found;
}
