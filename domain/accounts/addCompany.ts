import type { AccountEvent, CompanyDetails } from './accountEvents.js';
import type { AccountState } from './account.js';
import { accountError, mustConfirmPassword } from './errors.js';
import { mustHold, type ByMember } from './members.js';

/**
 * «+ Aggiungi ditta» (seed, Modifica Profilo): a consultant takes on another company after its
 * registration, with the company's identity, as the registration asks it. Its first contract is
 * declared with it and waits for the operators, as every added contract does.
 */
export interface AddCompany extends ByMember {
  readonly type: 'AddCompany';
  readonly customerCode: string;
  readonly details: CompanyDetails;
  /** The person adding it. */
  readonly addedBy: string;
  /** Every change of the profile needs the account's password (seed); checked outside. */
  readonly currentPasswordOk: boolean;
}

export function addCompany(command: AddCompany, state: AccountState): AccountEvent[] {
  mustConfirmPassword(command.currentPasswordOk);
  mustHold(command.role, 'prepare');
  if (state.status !== 'active') {
    throw accountError('AccountNotActive', 'conflict', 'Questo account non è attivo.');
  }
  if (state.kind !== 'studio') {
    throw accountError(
      'NotStudio',
      'forbidden',
      'Solo uno studio tecnico, un consulente o un’associazione gestisce più ditte: una ditta aggiunge i propri contratti.',
    );
  }
  if (state.companies.some((company) => company.customerCode === command.customerCode)) {
    throw accountError(
      'CompanyKnown',
      'validation',
      'Questa ditta è già tra quelle gestite: aggiungi il contratto con «+ Aggiungi contratto».',
      'customerCode',
    );
  }
  const { customerCode, details, addedBy } = command;
  return [{ type: 'CompanyAdded', data: { customerCode, details, addedBy } }];
}
