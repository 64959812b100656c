import type { DeclarantKind } from '../accounts/accountEvents.js';
import type { DeclarationEvent } from '../declarations/declarationEvents.js';

export interface Plant {
  readonly street: string;
  readonly civic: string;
  readonly cap: string;
  readonly province: string;
  readonly municipality: string;
}

/** An account acting on a contract: a Ditta (the company itself) or a Studio/Consulente. */
export interface Party {
  readonly accountId: string;
  readonly kind: DeclarantKind;
}

export type ContractEvent =
  | DeclarationEvent
  | {
      type: 'ContractDeclared';
      data: {
        contractNumber: string;
        customerCode: string;
        companyName: string;
        plant: Plant;
        declaredBy: Party;
      };
    }
  | { type: 'ContractValidated'; data: { note: string | null } }
  | { type: 'ContractRejected'; data: { reason: string } }
  /** The company's own account, known after a consultant declared the contract. */
  | { type: 'ContractOwnerLinked'; data: { ownerAccountId: string } }
  | { type: 'ContractClaimed'; data: { previousManagerId: string; managerId: string } }
  | { type: 'ContractReleased'; data: { previousManagerId: string; managerId: string | null } }
  | { type: 'ContractDelegationOffered'; data: { toAccountId: string } }
  | {
      type: 'ContractDelegationAccepted';
      data: { previousManagerId: string | null; managerId: string };
    };
