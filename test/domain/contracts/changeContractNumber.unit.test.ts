import { describe, expect, it } from 'vitest';
import { mayFile } from '../../../domain/contracts/contract.js';
import { contractDecider } from '../../../domain/contracts/contractDecider.js';
import type { ContractEvent } from '../../../domain/contracts/contractEvents.js';
import type { RequestContractNumberChange } from '../../../domain/contracts/changeContractNumber.js';
import { fold } from '../../../domain/shared/decider.js';
import { deciderSpec } from '../../support/deciderSpec.js';
import {
  declared as declaredBy,
  ownerLinked as owned,
  plant,
  studio,
  validated,
} from './contractHistories.js';

const spec = deciderSpec(contractDecider);
const declared = declaredBy(studio);
const contract = [declared, validated, owned];
const request = (overrides: Partial<RequestContractNumberChange> = {}) => ({
  type: 'RequestContractNumberChange' as const,
  role: 'amministratore' as const,
  accountId: 'studio-1',
  newContractNumber: '3007654321',
  inRegistry: true,
  newNumberFree: true,
  ...overrides,
});
const requested: ContractEvent = {
  type: 'ContractNumberChangeRequested',
  data: { newContractNumber: '3007654321', requestedBy: 'studio-1' },
};
const changed: ContractEvent = {
  type: 'ContractNumberChanged',
  data: { newContractNumber: '3007654321', requestedBy: 'studio-1' },
};

describe('RequestContractNumberChange', () => {
  it('records the new number asked by the manager or the company, for an operator to validate', () => {
    spec.given(contract).when(request()).then([requested]);
    spec
      .given(contract)
      .when(request({ accountId: 'ditta-1' }))
      .then([
        {
          type: 'ContractNumberChangeRequested',
          data: { newContractNumber: '3007654321', requestedBy: 'ditta-1' },
        },
      ]);
  });

  it('refuses a pair missing from the registry, with the seed message next to the field', () => {
    spec
      .given(contract)
      .when(request({ inRegistry: false }))
      .thenThrows('ContractNotInRegistry', 'newContractNumber');
  });

  it('refuses a number another contract has, or the same number', () => {
    spec
      .given(contract)
      .when(request({ newNumberFree: false }))
      .thenThrows('ContractNumberTaken', 'newContractNumber');
    spec
      .given(contract)
      .when(request({ newContractNumber: '3001234567' }))
      .thenThrows('SameContractNumber', 'newContractNumber');
  });

  it('is refused to anyone but the company and the manager', () => {
    spec
      .given(contract)
      .when(request({ accountId: 'studio-2' }))
      .thenThrows('NotManager');
  });

  it('needs a validated contract and no other change pending', () => {
    spec.given([declared]).when(request()).thenThrows('ContractNotValidated');
    spec
      .given([...contract, requested])
      .when(request())
      .thenThrows('NumberChangePending');
  });
});

describe('ValidateContractNumberChange and RejectContractNumberChange', () => {
  it('closes the old stream: nothing more is filed or handed over under the old number', () => {
    spec
      .given([...contract, requested])
      .when({ type: 'ValidateContractNumberChange', newNumberFree: true })
      .then([changed]);
    const state = fold(contractDecider, [...contract, requested, changed]);
    expect(state.status).toBe('renumbered');
    expect(state.renumberedTo).toBe('3007654321');
    expect(mayFile(state, 'studio-1')).toBe(false);
    spec
      .given([...contract, requested, changed])
      .when({ type: 'ClaimContract', role: 'amministratore' as const, accountId: 'ditta-1' })
      .thenThrows('ContractRenumbered');
  });

  it('refuses the validation when the number was taken meanwhile', () => {
    spec
      .given([...contract, requested])
      .when({ type: 'ValidateContractNumberChange', newNumberFree: false })
      .thenThrows('ContractNumberTaken');
  });

  it('rejects with a reason; the contract keeps its number', () => {
    spec
      .given([...contract, requested])
      .when({ type: 'RejectContractNumberChange', reason: 'Il numero è di un altro stabilimento' })
      .then([
        {
          type: 'ContractNumberChangeRejected',
          data: {
            newContractNumber: '3007654321',
            requestedBy: 'studio-1',
            reason: 'Il numero è di un altro stabilimento',
          },
        },
      ]);
    spec
      .given([...contract, requested])
      .when({ type: 'RejectContractNumberChange', reason: 'no' })
      .thenThrows('ReasonRequired', 'reason');
  });

  it('has nothing to decide without a request', () => {
    spec
      .given(contract)
      .when({ type: 'ValidateContractNumberChange', newNumberFree: true })
      .thenThrows('NoNumberChange');
  });
});

describe('OpenRenumberedContract', () => {
  const previous = fold(contractDecider, [...contract, requested, changed]);
  const open = {
    type: 'OpenRenumberedContract' as const,
    newContractNumber: '3007654321',
    previous,
    requestedBy: 'studio-1',
  };
  const renumbered: ContractEvent = {
    type: 'ContractRenumbered',
    data: {
      contractNumber: '3007654321',
      previousContractNumber: '3001234567',
      customerCode: '1001234567',
      companyName: 'Test SRL',
      plant,
      ownerAccountId: 'ditta-1',
      managerId: 'studio-1',
      requestedBy: 'studio-1',
      filedYears: [],
    },
  };

  it('starts the new stream validated, with the same company, plant, owner and manager', () => {
    spec.given([]).when(open).then([renumbered]);
    const state = fold(contractDecider, [renumbered]);
    expect(mayFile(state, 'studio-1')).toBe(true);
    expect(state.renumberedFrom).toBe('3001234567');
  });

  it('carries the years filed under the old number: they cannot be filed again', () => {
    const filed = fold(contractDecider, [
      ...contract,
      {
        type: 'DeclarationSubmitted',
        data: { year: 2025, notificationEmail: 'n@x.it', signatory: { accountId: 'studio-1' } },
      } as unknown as ContractEvent,
      {
        type: 'DeclarationProtocolled',
        data: { year: 2025, protocolNumber: '2025/000009', notificationEmail: 'n@x.it' },
      },
      requested,
      changed,
    ]);
    const [event] = contractDecider.decide({ ...open, previous: filed }, fold(contractDecider, []));
    expect(event).toMatchObject({
      data: { filedYears: [{ year: 2025, protocolNumber: '2025/000009' }] },
    });
    expect(() =>
      contractDecider.decide(
        {
          type: 'PrepareDeclaration',
          role: 'amministratore',
          accountId: 'studio-1',
          campaignOpen: true,
          content: { year: 2025 } as never,
        },
        fold(contractDecider, [event!]),
      ),
    ).toThrow(
      'La dichiarazione 2025 è già stata inviata con il numero di contratto precedente 3001234567 (protocollo 2025/000009).',
    );
  });

  it('is idempotent, and refuses a number another contract has', () => {
    spec.given([renumbered]).when(open).then([]);
    spec
      .given([{ ...declared, data: { ...declared.data, contractNumber: '3007654321' } }])
      .when(open)
      .thenThrows('ContractNumberTaken');
  });
});
