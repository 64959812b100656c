import { mustConfirmPassword } from '../accounts/errors.js';
import type { ByMember } from '../accounts/members.js';
import type { ContractState } from './contract.js';
import { contractError, mustExist, reasonOf } from './contractErrors.js';
import type { ContractEvent, Plant } from './contractEvents.js';
import { guardPlantAddressChange } from './contractPermissions.js';

export interface RequestPlantAddressChange extends ByMember {
  readonly type: 'RequestPlantAddressChange';
  readonly accountId: string;
  readonly plant: Plant;
  /** Every change of the profile needs the account's password (seed); checked outside. */
  readonly currentPasswordOk: boolean;
}

export const samePlant = (a: Plant, b: Plant): boolean =>
  a.street === b.street &&
  a.civic === b.civic &&
  a.cap === b.cap &&
  a.province === b.province &&
  a.municipality === b.municipality;

/** A plant's address on one line, as pages, mails and the history write it. */
export const plantAddress = (plant: Plant): string =>
  `${plant.street} ${plant.civic}, ${plant.cap} ${plant.municipality} (${plant.province})`;

/**
 * «Modifica profilo»: the plant's address was validated by an operator, so a new one waits for an
 * operator too; until then the declarations keep the address in force.
 */
export function requestPlantAddressChange(
  command: RequestPlantAddressChange,
  state: ContractState,
): ContractEvent[] {
  mustConfirmPassword(command.currentPasswordOk);
  guardPlantAddressChange(state, command.accountId);
  if (samePlant(command.plant, state.plant!)) {
    throw contractError(
      'SamePlantAddress',
      'validation',
      'L’indirizzo è uguale a quello attuale.',
      'street',
    );
  }
  return [
    {
      type: 'PlantAddressChangeRequested',
      data: { plant: command.plant, previousPlant: state.plant!, requestedBy: command.accountId },
    },
  ];
}

export interface ValidatePlantAddressChange {
  readonly type: 'ValidatePlantAddressChange';
}

export interface RejectPlantAddressChange {
  readonly type: 'RejectPlantAddressChange';
  readonly reason: string;
}

const pendingChange = (state: ContractState) => {
  mustExist(state);
  if (!state.plantChange || !state.plant) {
    throw contractError(
      'NoPlantAddressChange',
      'conflict',
      'Non c’è un cambio di indirizzo in attesa per questo contratto.',
    );
  }
  return { ...state.plantChange, previousPlant: state.plant };
};

/** The operator confirms the new address: from now on it is the plant's. */
export function validatePlantAddressChange(
  _command: ValidatePlantAddressChange,
  state: ContractState,
): ContractEvent[] {
  return [{ type: 'PlantAddressChanged', data: pendingChange(state) }];
}

/** The operator refuses it, saying why: the address in force stays. */
export function rejectPlantAddressChange(
  command: RejectPlantAddressChange,
  state: ContractState,
): ContractEvent[] {
  const { plant, requestedBy } = pendingChange(state);
  return [
    {
      type: 'PlantAddressChangeRejected',
      data: { plant, requestedBy, reason: reasonOf(command.reason) },
    },
  ];
}
