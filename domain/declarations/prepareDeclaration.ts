import type { ByMember } from '../accounts/members.js';
import { mayFile, type ContractState } from '../contracts/contract.js';
import type { ContractEvent } from '../contracts/contractEvents.js';
import type { DeclarationContent } from './declarationEvents.js';
import { declarationError } from './declarationErrors.js';
import { declarationOf } from './declarationState.js';

/** Only the current manager of a validated contract files, once a year. */
export function mustBeAbleToFile(state: ContractState, accountId: string, year: number): void {
  if (!mayFile(state, accountId)) {
    throw declarationError(
      'NotManager',
      'forbidden',
      'Non gestisci più le dichiarazioni di questo contratto, oppure il contratto non è ancora stato convalidato dagli operatori.',
    );
  }
  const declaration = declarationOf(state.declarations, year);
  if (declaration.submitted && !declaration.correction) {
    throw declarationError(
      'AlreadyDeclared',
      'conflict',
      `La dichiarazione ${year} di questo contratto è già stata inviata.`,
    );
  }
  const earlier = state.filedBeforeRenumbering.find((filed) => filed.year === year);
  if (earlier) {
    const protocol = earlier.protocolNumber ? ` (protocollo ${earlier.protocolNumber})` : '';
    throw declarationError(
      'AlreadyDeclared',
      'conflict',
      `La dichiarazione ${year} è già stata inviata con il numero di contratto precedente ${state.renumberedFrom}${protocol}.`,
    );
  }
}

export interface PrepareDeclaration extends ByMember {
  readonly type: 'PrepareDeclaration';
  readonly accountId: string;
  /** Whether the year's campaign is open, as the route found it. */
  readonly campaignOpen: boolean;
  readonly content: DeclarationContent;
}

/** A validated upload becomes the draft: the files and figures the declarant may then send. */
export function prepareDeclaration(
  command: PrepareDeclaration,
  state: ContractState,
): ContractEvent[] {
  const { year } = command.content;
  if (!command.campaignOpen) {
    throw declarationError(
      'CampaignNotOpen',
      'conflict',
      `La campagna delle dichiarazioni ${year} non è aperta.`,
    );
  }
  mustBeAbleToFile(state, command.accountId, year);
  return [
    { type: 'DeclarationPrepared', data: { ...command.content, preparedBy: command.accountId } },
  ];
}
