import type { Migration } from 'kysely';
import * as eventStore from './0001_event_store.js';
import * as streamIndex from './0002_stream_index.js';
import * as mail from './0003_mail.js';
import * as accounts from './0004_accounts.js';
import * as contracts from './0005_contracts.js';
import * as declarations from './0006_declarations.js';
import * as digitalIdentities from './0007_digital_identities.js';
import * as observatory from './0008_observatory.js';
import * as eventSearch from './0009_event_search.js';
import * as storedJsonAndBatches from './0010_stored_json_and_batches.js';
import * as wasteFlowKilograms from './0011_waste_flow_kilograms.js';
import * as contractRequests from './0012_contract_requests.js';
import * as officersFiscalCode from './0013_officers_fiscal_code.js';
import * as auditSearchAndCopy from './0014_audit_search_and_copy.js';
import * as rateLimitLastHit from './0015_rate_limit_last_hit.js';
import * as refusedSignIns from './0016_refused_sign_ins.js';
import * as organisationMembers from './0017_organisation_members.js';
import * as merkleTree from './0018_merkle_tree.js';
import * as treeHeads from './0019_tree_heads.js';
import * as transparencyLookups from './0020_transparency_lookups.js';
import * as merkleTiles from './0021_merkle_tiles.js';
import * as tileInnerLevels from './0022_tile_inner_levels.js';
import * as declarationReviews from './0023_declaration_reviews.js';
import * as declarationVersions from './0024_declaration_versions.js';
import * as profileChanges from './0025_profile_changes.js';
import * as reminders from './0026_reminders.js';
import * as mailUnsubscribe from './0027_mail_unsubscribe.js';
import * as personalDataKeys from './0028_personal_data_keys.js';
import * as municipalityMandates from './0030_municipality_mandates.js';
import * as publishedFlowRows from './0029_published_flow_rows.js';
import * as observatoryApiTokens from './0031_observatory_api_tokens.js';
import * as observatoryYearValidations from './0032_observatory_year_validations.js';
import * as checkpointFailures from './0033_checkpoint_failures.js';
import * as localIdentityRecords from './0034_local_identity_records.js';
import * as backgroundJobs from './0035_background_jobs.js';
import * as eventTags from './0036_event_tags.js';
import * as backgroundJobTakeover from './0037_background_job_takeover.js';
import * as monthPageRecord from './0038_month_page_record.js';

/** Every migration, in order. Append new ones; never edit or reorder shipped ones. */
export const migrations: Record<string, Migration> = {
  '0001_event_store': eventStore,
  '0002_stream_index': streamIndex,
  '0003_mail': mail,
  '0004_accounts': accounts,
  '0005_contracts': contracts,
  '0006_declarations': declarations,
  '0007_digital_identities': digitalIdentities,
  '0008_observatory': observatory,
  '0009_event_search': eventSearch,
  '0010_stored_json_and_batches': storedJsonAndBatches,
  '0011_waste_flow_kilograms': wasteFlowKilograms,
  '0012_contract_requests': contractRequests,
  '0013_officers_fiscal_code': officersFiscalCode,
  '0014_audit_search_and_copy': auditSearchAndCopy,
  '0015_rate_limit_last_hit': rateLimitLastHit,
  '0016_refused_sign_ins': refusedSignIns,
  '0017_organisation_members': organisationMembers,
  '0018_merkle_tree': merkleTree,
  '0019_tree_heads': treeHeads,
  '0020_transparency_lookups': transparencyLookups,
  '0021_merkle_tiles': merkleTiles,
  '0022_tile_inner_levels': tileInnerLevels,
  '0023_declaration_reviews': declarationReviews,
  '0024_declaration_versions': declarationVersions,
  '0025_profile_changes': profileChanges,
  '0026_reminders': reminders,
  '0027_mail_unsubscribe': mailUnsubscribe,
  '0028_personal_data_keys': personalDataKeys,
  '0029_published_flow_rows': publishedFlowRows,
  '0030_municipality_mandates': municipalityMandates,
  '0031_observatory_api_tokens': observatoryApiTokens,
  '0032_observatory_year_validations': observatoryYearValidations,
  '0033_checkpoint_failures': checkpointFailures,
  '0034_local_identity_records': localIdentityRecords,
  '0035_background_jobs': backgroundJobs,
  '0036_event_tags': eventTags,
  '0037_background_job_takeover': backgroundJobTakeover,
  '0038_month_page_record': monthPageRecord,
};
