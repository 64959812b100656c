import type { Kysely } from 'kysely';
import { effectiveLimits } from '../../domain/campaigns/contractLimits.js';
import { contractHeading } from '../../projections/contracts/contractQueries.js';
import type { Schema } from '../platform/db/schema.js';
import type { DeclarationTarget } from './declarationAccess.js';
import type { ExpectedWorkbook, TemplateContext, WorkbookKind } from './workbooks/index.js';

/** What the portal writes into a template of the target's contract and year. */
export async function templateContextOf(
  db: Kysely<Schema>,
  target: DeclarationTarget,
): Promise<TemplateContext> {
  const contract = await contractHeading(db, target.contractNumber);
  const { plant } = contract;
  return {
    year: target.year,
    templateVersion: target.campaign.settings.templateVersion,
    contractNumber: target.contractNumber,
    customerCode: contract.customer_code,
    companyName: contract.company_name,
    plantAddress: `${plant.street} ${plant.civic}, ${plant.cap} ${plant.municipality} (${plant.province})`,
    // The contract's own limits, where the utility set them, in the analyses template's list.
    limits: effectiveLimits(target.campaign.settings.limits, target.contractLimits),
  };
}

/** What a workbook of the target must be: the template of this kind, version, year and contract. */
export const expectedWorkbook = (
  target: DeclarationTarget,
  kind: WorkbookKind,
): ExpectedWorkbook => ({
  kind,
  year: target.year,
  templateVersion: target.campaign.settings.templateVersion,
  contractNumber: target.contractNumber,
  customerCode: target.state.customerCode ?? '',
});
