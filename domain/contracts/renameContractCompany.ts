import type { ContractState } from './contract.js';
import { mustExist } from './contractErrors.js';
import type { ContractEvent } from './contractEvents.js';

/**
 * An operator validated a company's new identity (CompanyDetailsChanged): its contracts take the
 * new Ragione sociale, so templates, pages and mails name the company as it now is. Given by a
 * process manager for each contract of that customer code; the same name again changes nothing.
 */
export interface RenameContractCompany {
  readonly type: 'RenameContractCompany';
  readonly customerCode: string;
  readonly companyName: string;
}

export function renameContractCompany(
  command: RenameContractCompany,
  state: ContractState,
): ContractEvent[] {
  mustExist(state);
  if (state.customerCode !== command.customerCode || state.companyName === command.companyName)
    return [];
  return [
    {
      type: 'ContractCompanyRenamed',
      data: { companyName: command.companyName, previousName: state.companyName ?? '' },
    },
  ];
}
