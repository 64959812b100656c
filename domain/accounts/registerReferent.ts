import type { AccountEvent, CompanyDeclaration, DeclarantKind } from './accountEvents.js';
import type { AccountState } from './account.js';
import { accountError } from './errors.js';
import { issueOtp } from './otpChallenge.js';

export const registryMismatchMessage = 'La coppia codice cliente e numero contratto non è ammessa.';

export interface RegisterReferent {
  readonly type: 'RegisterReferent';
  readonly accountId: string;
  readonly kind: DeclarantKind;
  readonly fullName: string;
  readonly phone: string;
  readonly email: string;
  readonly username: string;
  readonly passwordHash: string;
  readonly companies: readonly CompanyDeclaration[];
  /** Contract numbers whose (customer code, contract number) pair the utility registry lacks. */
  readonly notInRegistry: readonly string[];
  readonly challengeId: string;
  readonly now: Date;
}

/** A Ditta registers itself; a Studio/Consulente/Associazione registers the companies it manages. */
export function registerReferent(command: RegisterReferent, state: AccountState): AccountEvent[] {
  if (state.status !== 'none') {
    throw accountError(
      'AccountAlreadyExists',
      'conflict',
      'Questa registrazione è già stata inviata.',
    );
  }
  const { companies } = command;
  if (companies.length === 0) {
    throw accountError('CompanyRequired', 'validation', 'Indicare almeno una ditta.');
  }
  if (command.kind === 'ditta' && companies.length > 1) {
    throw accountError(
      'DittaHasOneCompany',
      'validation',
      'Chi si registra come Ditta gestisce una sola ditta: per più ditte registrarsi come Studio tecnico/Consulente/Associazione.',
    );
  }
  if (companies.some((company) => company.contracts.length === 0)) {
    throw accountError(
      'ContractRequired',
      'validation',
      'Indicare almeno un contratto di scarico per ogni ditta.',
    );
  }
  const numbers = companies.flatMap((company) => company.contracts.map((c) => c.contractNumber));
  if (new Set(numbers).size !== numbers.length) {
    throw accountError(
      'DuplicateContract',
      'validation',
      'Lo stesso contratto di scarico è indicato più volte.',
    );
  }
  if (command.notInRegistry.length > 0) {
    throw accountError('ContractNotInRegistry', 'validation', registryMismatchMessage);
  }
  return [
    {
      type: 'ReferentRegistered',
      data: {
        accountId: command.accountId,
        kind: command.kind,
        fullName: command.fullName,
        phone: command.phone,
        email: command.email,
        username: command.username,
        passwordHash: command.passwordHash,
        companies: [...companies],
      },
    },
    issueOtp(state, {
      challengeId: command.challengeId,
      purpose: 'registration',
      email: command.email,
      now: command.now,
    }),
  ];
}
