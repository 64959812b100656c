import type { CampaignSettings } from '../../../domain/campaigns/campaignSettings.js';
import type { WorkbookIssue } from '../../../domain/declarations/declarationFigures.js';
import type { DeclarationFile } from '../../../domain/declarations/declarationEvents.js';
import type { Review } from '../../../domain/declarations/reviewDeclaration.js';
import type { DeclarationVersion } from '../../../domain/declarations/declarationVersions.js';
import type { FlowRow } from '../../../domain/observatory/flowEvents.js';
import type { ListedFlowVersion, RegionReturn } from '../../../domain/observatory/monthlyFlow.js';
import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type { CompanyDeclaration, CompanyDetails } from '../../../domain/accounts/accountEvents.js';
import type { Plant } from '../../../domain/contracts/contractEvents.js';
import type { ReminderAbout, ReminderRecipient } from '../../../domain/reminders/reminderEvents.js';
import type { EventMetadata, JsonObject } from '../eventStore/eventStore.js';

/** Tables as the application reads them. Migrations in migrations/ are the source of truth. */
export interface Schema {
  events: EventsTable;
  streams: StreamsTable;
  projection_checkpoints: ProjectionCheckpointsTable;
  local_identity_records: LocalIdentityRecordsTable;
  background_jobs: BackgroundJobsTable;
  stream_index: StreamIndexTable;
  accounts: AccountsTable;
  member_invitations: MemberInvitationsTable;
  merkle_tiles: MerkleTilesTable;
  tree_heads: TreeHeadsTable;
  mail_recipients: MailRecipientsTable;
  contracts: ContractsTable;
  contract_mail_managers: ContractMailManagersTable;
  invitation_customer_contracts: InvitationCustomerContractsTable;
  invitation_companies: InvitationCompaniesTable;
  sessions: SessionsTable;
  rate_limits: RateLimitsTable;
  refused_sign_ins: RefusedSignInsTable;
  utility_registry: UtilityRegistryTable;
  mail_outbox: MailOutboxTable;
  mailbox: MailboxTable;
  documents: DocumentsTable;
  campaigns: CampaignsTable;
  reminders: RemindersTable;
  reminder_choices: ReminderChoicesTable;
  declarations: DeclarationsTable;
  digital_identities: DigitalIdentitiesTable;
  observatory_officers: ObservatoryOfficersTable;
  observatory_mandates: ObservatoryMandatesTable;
  observatory_admins: ObservatoryAdminsTable;
  waste_flows: WasteFlowsTable;
  observatory_api_tokens: ObservatoryApiTokensTable;
  observatory_api_token_uses: ObservatoryApiTokenUsesTable;
  observatory_year_validations: ObservatoryYearValidationsTable;
  observatory_mail_officers: ObservatoryMailOfficersTable;
  personal_data_keys: PersonalDataKeysTable;
}

export interface EventsTable {
  position: Generated<string>;
  tx_id: Generated<string>;
  stream_id: string;
  version: number;
  event_id: string;
  type: string;
  data: JSONColumnType<JsonObject>;
  metadata: JSONColumnType<EventMetadata>;
  hash: Buffer;
  /** The portal's HMAC of the stream and digest (eventTags.ts); null before migration 0036. */
  tag: Buffer | null;
}

/** Each stream's head: a second record of its length, so a removed last event shows as a gap. */
export interface StreamsTable {
  stream_id: string;
  version: number;
  last_hash: Buffer;
}

export interface ProjectionCheckpointsTable {
  name: string;
  commit_position: ColumnType<string, string | bigint, string | bigint>;
  prepare_position: ColumnType<string, string | bigint, string | bigint>;
  updated_at: ColumnType<Date, Date | string, Date | string>;
  /** Why it stopped, while it stays stopped (ProjectionFailure as JSON). */
  failure: JSONColumnType<StoredFailure | null, string | null | undefined, string | null>;
}

/** The local SPID/CIE stand-in's models (oidc-provider's adapter), src/dev/identityRecords.ts. */
export interface LocalIdentityRecordsTable {
  model: string;
  id: string;
  payload: JSONColumnType<JsonObject, string, string>;
  grant_id: string | null;
  uid: string | null;
  expires_at: Date | null;
}

/** The auditor section's long jobs, shared by the portal's processes (src/audit/jobLedger.ts). */
export interface BackgroundJobsTable {
  id: string;
  kind: string;
  subject: string;
  started_by: string;
  started_at: Date;
  state: 'running' | 'done' | 'failed';
  processed: ColumnType<string, number | undefined, number>;
  total: ColumnType<string | null, number | null, number | null>;
  elapsed_ms: ColumnType<string, number | undefined, number>;
  finished_at: Date | null;
  error: string | null;
  heartbeat_at: ColumnType<Date, Date, Date>;
  /** The process running it (BackgroundJobs' own id); null in rows from before takeovers. */
  owner: string | null;
  /** What another process needs to run it again; null when it cannot be. */
  resume: ColumnType<unknown, string | null, string | null>;
}

export interface StoredFailure {
  readonly message: string;
  readonly streamId: string;
  readonly version: number;
  readonly eventType: string;
  readonly at: string;
}

export interface StreamIndexTable {
  stream_id: string;
  category: string;
  version: number;
  first_event_at: ColumnType<Date, string, string>;
  last_event_at: ColumnType<Date, string, string>;
  last_event_type: string;
}

export interface AccountsTable {
  account_id: string;
  username: string;
  role: string;
  kind: string | null;
  status: string;
  full_name: string;
  phone: string | null;
  email: string;
  password_hash: string;
  companies: JSONColumnType<CompanyDeclaration[]>;
  registered_at: ColumnType<Date, string, string>;
  verified_at: ColumnType<Date | null, string | null, string | null>;
  decided_at: ColumnType<Date | null, string | null, string | null>;
  decided_by: string | null;
  rejection_reason: string | null;
  must_change_password: ColumnType<boolean, boolean | undefined, boolean>;
  organisation_id: string | null;
  member_role: string | null;
  /** Company identities waiting for an operator (migration 0025). */
  company_changes: JSONColumnType<CompanyChangeRow[], string | undefined, string>;
  /** When it was closed and when its person was erased (migration 0028). */
  closed_at: ColumnType<Date | null, string | null | undefined, string | null>;
  erased_at: ColumnType<Date | null, string | null | undefined, string | null>;
}

export interface CompanyChangeRow {
  readonly customerCode: string;
  readonly previous: CompanyDetails;
  readonly details: CompanyDetails;
  readonly requestedBy: string;
  readonly requestedAt: string;
}

export interface MerkleTilesTable {
  level: number;
  /** bigint in the database; a tree of more than 2^53 leaves is not expected. */
  tile_index: ColumnType<string, number, number>;
  hashes: Buffer;
  /** The seven levels above `hashes` inside the tile (merkleTiles.ts, innerLevels). */
  inner_hashes: Buffer;
  /** Level 0 only: the leaves' places in the log, and the first one (xid8, bigint). */
  positions: Buffer | null;
  first_tx: string | null;
  first_position: ColumnType<string | null, string | null, string | null>;
}

export interface TreeHeadsTable {
  version: number;
  event_id: string;
  origin: string;
  size: ColumnType<string, number, number>;
  root: Buffer;
  signed_at: ColumnType<Date, string, string>;
  signature: string;
  /** The head's own event's place in the log (bigint in the database). */
  commit_position: string;
  prepare_position: string;
}

export interface MemberInvitationsTable {
  invite_id: string;
  organisation_id: string;
  organisation_name: string;
  email: string;
  full_name: string;
  role: string;
  invited_by: string;
  invited_at: ColumnType<Date, string, string>;
  expires_at: ColumnType<Date, string, string>;
  /** pending, accepted or withdrawn. */
  status: string;
}

export interface SessionsTable {
  token_hash: string;
  account_id: string;
  created_at: ColumnType<Date, Date, Date>;
  expires_at: ColumnType<Date, Date, Date>;
  revoked_at: ColumnType<Date | null, Date | null, Date | null>;
  client_ip: string | null;
  user_agent: string | null;
  /** The municipality a digital identity acts for, when it may act for several (migration 0030). */
  acting_istat: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface RateLimitsTable {
  key: string;
  window_started_at: ColumnType<Date, Date, Date>;
  hits: number;
  last_hit_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  previous_hit_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface RefusedSignInsTable {
  event_id: string;
  at: ColumnType<Date, string, never>;
  username: string;
  account_id: string | null;
  client_ip: string | null;
  outcome: 'wrong-password' | 'unknown-username' | 'throttled-account' | 'throttled-address';
  retry_after_seconds: number | null;
  attempts: ColumnType<number, number | undefined, number>;
  unlocked_at: ColumnType<Date | null, string | null | undefined, string>;
}

export interface UtilityRegistryTable {
  customer_code: string;
  contract_number: string;
  company_name: string;
  plant_address: string;
  imported_at: ColumnType<Date, Date, Date>;
}

export type MailStatus = 'pending' | 'sent' | 'failed';

export interface StoredAttachment {
  filename: string;
  contentType: string;
  contentBase64: string;
}

export interface MailOutboxTable {
  id: Generated<string>;
  key: string;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string;
  attachments: JSONColumnType<StoredAttachment[], string | undefined, string>;
  status: Generated<MailStatus>;
  attempts: Generated<number>;
  next_attempt_at: Date;
  last_error: string | null;
  created_at: Date;
  sent_at: Date | null;
  message_id: string | null;
  /** The link that stops this kind of mail (migration 0027), null for most. */
  unsubscribe_url: ColumnType<string | null, string | null | undefined, string | null>;
}

/** A data subject's key, wrapped; null once erased (migration 0028). */
export interface PersonalDataKeysTable {
  key_id: string;
  subject_id: string;
  wrapped_key: Buffer | null;
  created_at: Generated<Date>;
  erased_at: Date | null;
}

export interface MailboxTable {
  id: Generated<string>;
  outbox_id: string | null;
  to_address: string;
  subject: string;
  raw: string;
  received_at: Generated<Date>;
}

export interface MailRecipientsTable {
  account_id: string;
  full_name: string;
  email: string;
}

export interface ContractsTable {
  contract_number: string;
  customer_code: string;
  company_name: string;
  plant: JSONColumnType<Plant>;
  status: string;
  owner_account_id: string | null;
  manager_account_id: string | null;
  former_manager_ids: JSONColumnType<string[]>;
  offered_to: string | null;
  declared_at: ColumnType<Date, string, string>;
  declared_by: string;
  decided_at: ColumnType<Date | null, string | null, string | null>;
  decided_by: string | null;
  rejection_reason: string | null;
  owner_request: JSONColumnType<ContractOwnerRequest | null, string | null, string | null>;
  number_change: JSONColumnType<ContractNumberChange | null, string | null, string | null>;
  renumbered_to: string | null;
  renumbered_from: string | null;
  /** A plant address waiting for an operator (migration 0025). */
  plant_change: JSONColumnType<PlantChange | null, string | null | undefined, string | null>;
}

export interface PlantChange {
  readonly plant: Plant;
  readonly requestedBy: string;
  readonly requestedAt: string;
}

export interface ContractOwnerRequest {
  readonly accountId: string;
  readonly requestedAt: string;
}

export interface ContractNumberChange {
  readonly newContractNumber: string;
  readonly requestedBy: string;
  readonly requestedAt: string;
}

export interface InvitationCustomerContractsTable {
  customer_code: string;
  contract_number: string;
}

export interface InvitationCompaniesTable {
  customer_code: string;
  account_id: string;
}

export interface ContractMailManagersTable {
  contract_number: string;
  manager_id: string | null;
}

export interface DocumentsTable {
  sha256: string;
  content: Buffer;
  size: number;
  content_type: string;
  stored_at: ColumnType<Date, string, never>;
}

export interface CampaignsTable {
  year: number;
  deadline: ColumnType<string, string, string>;
  template_version: string;
  settings: JSONColumnType<CampaignSettings>;
  opened_at: ColumnType<Date, string, string>;
  opened_by: string;
}

export interface RemindersTable {
  key: string;
  area: 'declarations' | 'observatory';
  kind: string;
  optional: boolean;
  year: number | null;
  contract_number: string | null;
  istat_code: string | null;
  month: string | null;
  recipients: JSONColumnType<ReminderRecipient[]>;
  about: JSONColumnType<ReminderAbout>;
  sent_at: ColumnType<Date, string, string>;
  event_id: string;
}

export interface ReminderChoicesTable {
  subject: string;
  stopped: boolean;
  via: string;
  changed_at: ColumnType<Date, string, string>;
}

export interface DeclarationsTable {
  contract_number: string;
  year: number;
  customer_code: string;
  company_name: string;
  status: 'draft' | 'submitted';
  prepared_by: string | null;
  prepared_at: ColumnType<Date | null, string | null, string | null>;
  submitted_by: string | null;
  signatory_name: string | null;
  submitted_at: ColumnType<Date | null, string | null, string | null>;
  late: boolean;
  protocol_number: string | null;
  copy_of_record_sha256: string | null;
  notification_email: string;
  discharged_volume: number;
  files: JSONColumnType<DeclarationFile[]>;
  warnings: JSONColumnType<WorkbookIssue[]>;
  warnings_acknowledged: boolean;
  /** The utility's latest outcome (domain/declarations/reviewDeclaration.ts), null before one. */
  review: ColumnType<Review | null, string | null, string | null>;
  /** Every filed version (domain/declarations/declarationVersions.ts), oldest first. */
  versions: ColumnType<DeclarationVersion[], string | undefined, string>;
  /** The organisations that filed a version. */
  filed_by: ColumnType<string[], string[] | undefined, string[]>;
}

/** A nullable column an insert may leave out. */
type Optional<T> = ColumnType<T | null, T | null | undefined, T | null>;

/** Second users and delegates of a municipality, ended ones kept (migration 0030). */
export interface ObservatoryMandatesTable {
  mandate_id: string;
  istat_code: string;
  fiscal_code: string;
  kind: 'autorizzato' | 'delegato';
  email: string;
  granted_at: ColumnType<Date, string, string>;
  granted_by: string;
  reason: ColumnType<string, string | undefined, string>;
  document_reference: Optional<string>;
  expires_on: Optional<string>;
  company: Optional<string>;
  from_month: Optional<string>;
  to_month: Optional<string>;
  ended_at: ColumnType<Date | null, string | null | undefined, string | null>;
  ended_by: Optional<string>;
  end_reason: Optional<string>;
}

export interface ObservatoryOfficersTable {
  istat_code: string;
  fiscal_code: string;
  email: string;
  assigned_at: ColumnType<Date, string, string>;
}

export interface ObservatoryAdminsTable {
  fiscal_code: string;
  granted_at: ColumnType<Date, string, string>;
}

export interface WasteFlowsTable {
  istat_code: string;
  month: string;
  status: string;
  versions: number;
  rows: JSONColumnType<FlowRow[]>;
  /** The last submitted version's rows (migration 0029); `rows` may be a draft after an unlock. */
  submitted_rows: JSONColumnType<FlowRow[], string | undefined, string>;
  first_submitted_at: ColumnType<Date | null, string | null, string | null>;
  last_submitted_at: ColumnType<Date | null, string | null, string | null>;
  days_late: number | null;
  affects_funding: boolean;
  separate_kg: ColumnType<string, number, number>;
  unsorted_kg: ColumnType<string, number, number>;
  neutral_kg: ColumnType<string, number, number>;
  unlock_reason: string | null;
  unlock_requested_at: ColumnType<Date | null, string | null, string | null>;
  /** Who submitted the last version, 'cf:<fiscal code>' (migration 0030). */
  submitted_by: ColumnType<string | null, string | null | undefined, string | null>;
  /** Each version submitted, without its rows (migration 0038). */
  submitted_versions: JSONColumnType<ListedFlowVersion[], string | undefined, string>;
  /** The Region's last send-back of the month (migration 0038). */
  region_return: JSONColumnType<RegionReturn | null, string | null | undefined, string | null>;
}

/** The Region's validation of a municipality's year (migration 0032). */
export interface ObservatoryYearValidationsTable {
  istat_code: string;
  year: number;
  /** 'validato' or 'rinviato'. */
  status: string;
  certified_rate: number | null;
  separate_kg: ColumnType<string | null, number | null, number | null>;
  unsorted_kg: ColumnType<string | null, number | null, number | null>;
  neutral_kg: ColumnType<string | null, number | null, number | null>;
  certified_months: JSONColumnType<{ month: string; version: number }[]>;
  validated_at: ColumnType<Date | null, string | null, string | null>;
  validated_by: string | null;
  remarks: string | null;
  returned_months: JSONColumnType<string[]>;
  sent_back_at: ColumnType<Date | null, string | null, string | null>;
  sent_back_by: string | null;
  withdrawn_rate: number | null;
}

export interface ObservatoryMailOfficersTable {
  istat_code: string;
  email: string;
}

export interface DigitalIdentitiesTable {
  fiscal_code: string;
  given_name: string;
  family_name: string;
  email: string | null;
  issuer: string;
  first_login_at: ColumnType<Date, string, string>;
  last_login_at: ColumnType<Date, string, string>;
}

/** The municipalities' API tokens, by the SHA-256 of their secret (migration 0031). */
export interface ObservatoryApiTokensTable {
  key_id: string;
  istat_code: string;
  name: string;
  secret_hash: string;
  issued_by: string;
  issued_at: ColumnType<Date, string, string>;
  issued_from: string | null;
  revoked_at: ColumnType<Date | null, string | null | undefined, string | null>;
  revoked_by: ColumnType<string | null, string | null | undefined, string | null>;
}

/** When each API token was last used, and from where: written by the API, not by the log. */
export interface ObservatoryApiTokenUsesTable {
  key_id: string;
  last_used_at: ColumnType<Date, Date, Date>;
  last_used_from: string | null;
}
