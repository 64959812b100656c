import { describe, expect, it } from 'vitest';
import type { RequestPlantAddressChange } from '../../../domain/contracts/changePlantAddress.js';
import { contractDecider } from '../../../domain/contracts/contractDecider.js';
import type { ContractEvent } from '../../../domain/contracts/contractEvents.js';
import { mayRequestPlantAddressChange } from '../../../domain/contracts/contractPermissions.js';
import { fold } from '../../../domain/shared/decider.js';
import { deciderSpec } from '../../support/deciderSpec.js';
import { declared, ownerLinked, plant, studio, validated } from './contractHistories.js';

const spec = deciderSpec(contractDecider);
const contract = [declared(studio), validated, ownerLinked];
const newPlant = { ...plant, street: 'Via Nuova', civic: '5' };
const request = (
  overrides: Partial<RequestPlantAddressChange> = {},
): RequestPlantAddressChange => ({
  type: 'RequestPlantAddressChange',
  role: 'compilatore',
  accountId: 'studio-1',
  plant: newPlant,
  currentPasswordOk: true,
  ...overrides,
});
const requested: ContractEvent = {
  type: 'PlantAddressChangeRequested',
  data: { plant: newPlant, previousPlant: plant, requestedBy: 'studio-1' },
};

describe('RequestPlantAddressChange', () => {
  it('records the new address beside the one in force, for the manager or the company', () => {
    spec.given(contract).when(request()).then([requested]);
    spec
      .given(contract)
      .when(request({ accountId: 'ditta-1' }))
      .then([{ ...requested, data: { ...requested.data, requestedBy: 'ditta-1' } }]);
  });

  it('keeps the address in force until an operator validates the new one', () => {
    expect(fold(contractDecider, [...contract, requested]).plant).toEqual(plant);
    const changed: ContractEvent = { ...requested, type: 'PlantAddressChanged' };
    const after = fold(contractDecider, [...contract, requested, changed]);
    expect(after.plant).toEqual(newPlant);
    expect(after.plantChange).toBeNull();
  });

  it('needs the current password: a wrong one records nothing', () => {
    spec
      .given(contract)
      .when(request({ currentPasswordOk: false }))
      .thenThrows('WrongPassword', 'currentPassword');
  });

  it('is not anyone else’s to ask: the contract is unknown to them', () => {
    spec
      .given(contract)
      .when(request({ accountId: 'other-1' }))
      .thenThrows('ContractUnknown');
    expect(mayRequestPlantAddressChange(fold(contractDecider, contract), 'other-1')).toBe(false);
  });

  it('needs a role that prepares contracts', () => {
    spec
      .given(contract)
      .when(request({ role: 'lettore' }))
      .thenThrows('RoleForbids');
  });

  it('waits for validation of the contract, one change at a time, and a different address', () => {
    spec
      .given([declared(studio)])
      .when(request())
      .thenThrows('ContractNotValidated', 'street');
    spec
      .given([...contract, requested])
      .when(request())
      .thenThrows('PlantAddressChangePending', 'street');
    spec.given(contract).when(request({ plant })).thenThrows('SamePlantAddress', 'street');
  });

  it('and the number does not change meanwhile', () => {
    const numberAsked: ContractEvent = {
      type: 'ContractNumberChangeRequested',
      data: { newContractNumber: '3007654321', requestedBy: 'studio-1' },
    };
    spec
      .given([...contract, numberAsked])
      .when(request())
      .thenThrows('NumberChangePending');
    spec
      .given([...contract, requested])
      .when({
        type: 'RequestContractNumberChange',
        role: 'amministratore',
        accountId: 'studio-1',
        newContractNumber: '3007654321',
        inRegistry: true,
        newNumberFree: true,
      })
      .thenThrows('PlantAddressChangePending');
  });
});

describe('ValidatePlantAddressChange and RejectPlantAddressChange', () => {
  it('validating records the old and the new address', () => {
    spec
      .given([...contract, requested])
      .when({ type: 'ValidatePlantAddressChange' })
      .then([{ ...requested, type: 'PlantAddressChanged' }]);
  });

  it('rejecting needs a reason, and leaves the address in force', () => {
    const reject = (reason: string) => ({ type: 'RejectPlantAddressChange' as const, reason });
    spec
      .given([...contract, requested])
      .when(reject(''))
      .thenThrows('ReasonRequired', 'reason');
    spec
      .given([...contract, requested])
      .when(reject('Indirizzo inesistente'))
      .then([
        {
          type: 'PlantAddressChangeRejected',
          data: { plant: newPlant, requestedBy: 'studio-1', reason: 'Indirizzo inesistente' },
        },
      ]);
  });

  it('decides only a change that is waiting', () => {
    spec
      .given(contract)
      .when({ type: 'ValidatePlantAddressChange' })
      .thenThrows('NoPlantAddressChange');
  });
});
