import type { ContractEvent, Party } from '../../../domain/contracts/contractEvents.js';

type ContractDeclared = Extract<ContractEvent, { type: 'ContractDeclared' }>;

/** The parties, the plant and the past events the contract unit tests give the decider. */
export const studio: Party = { accountId: 'studio-1', kind: 'studio' };
export const ditta: Party = { accountId: 'ditta-1', kind: 'ditta' };
export const plant = {
  street: 'Via Vai',
  civic: '1',
  cap: '40100',
  province: 'BO',
  municipality: 'Bologna',
};
export const declared = (by: Party): ContractDeclared => ({
  type: 'ContractDeclared',
  data: {
    contractNumber: '3001234567',
    customerCode: '1001234567',
    companyName: 'Test SRL',
    plant,
    declaredBy: by,
  },
});
export const validated: ContractEvent = { type: 'ContractValidated', data: { note: null } };
export const ownerLinked: ContractEvent = {
  type: 'ContractOwnerLinked',
  data: { ownerAccountId: 'ditta-1' },
};
export const claimed: ContractEvent = {
  type: 'ContractClaimed',
  data: { previousManagerId: 'studio-1', managerId: 'ditta-1' },
};
export const offered: ContractEvent = {
  type: 'ContractDelegationOffered',
  data: { toAccountId: 'studio-1' },
};
export const withdrawn: ContractEvent = {
  type: 'ContractDelegationWithdrawn',
  data: { toAccountId: 'studio-1' },
};
export const byStudioOwnedByDitta: readonly ContractEvent[] = [
  declared(studio),
  validated,
  ownerLinked,
];
export const ownedAndManaged: readonly ContractEvent[] = [declared(ditta), validated];
