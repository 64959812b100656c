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
/** A year's declaration filed under a contract's previous number, carried to the new one. */
export interface FiledYear {
  readonly year: number;
  /** Null if the number was not given yet when the contract was renumbered. */
  readonly protocolNumber: string | null;
}

/** A plant's address as it is and as asked, by whom: asked, then validated the same. */
export interface PlantAddressChange {
  plant: Plant;
  previousPlant: Plant;
  requestedBy: string;
}

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
  /** The company's own account, linked by an operator's decision (an invitation). */
  | { type: 'ContractOwnerLinked'; data: { ownerAccountId: string } }
  /** A Ditta declared a contract of its customer code that a consultant manages: waits for an operator. */
  | { type: 'ContractOwnershipRequested'; data: { ownerAccountId: string } }
  | { type: 'ContractOwnershipValidated'; data: { ownerAccountId: string; note: string | null } }
  | { type: 'ContractOwnershipRejected'; data: { ownerAccountId: string; reason: string } }
  | { type: 'ContractClaimed'; data: { previousManagerId: string; managerId: string } }
  | { type: 'ContractReleased'; data: { previousManagerId: string; managerId: string | null } }
  | { type: 'ContractDelegationOffered'; data: { toAccountId: string } }
  | {
      type: 'ContractDelegationAccepted';
      data: { previousManagerId: string | null; managerId: string };
    }
  /** The consultant said no to the offer; the company keeps managing. */
  | { type: 'ContractDelegationDeclined'; data: { toAccountId: string } }
  /** The company took its offer back before the consultant answered. */
  | { type: 'ContractDelegationWithdrawn'; data: { toAccountId: string } }
  /** The declarant asks that the number be corrected (seed: "modifica di un numero di contratto"). */
  | {
      type: 'ContractNumberChangeRequested';
      data: { newContractNumber: string; requestedBy: string };
    }
  /** The operator confirmed the new number: this stream is closed, the new one carries on. */
  | { type: 'ContractNumberChanged'; data: { newContractNumber: string; requestedBy: string } }
  | {
      type: 'ContractNumberChangeRejected';
      data: { newContractNumber: string; requestedBy: string; reason: string };
    }
  /** «Modifica profilo»: a new plant address, waiting for an operator; the old one is in force. */
  /** The company's new identity, validated on its account (renameContractCompany.ts). */
  | { type: 'ContractCompanyRenamed'; data: { companyName: string; previousName: string } }
  | { type: 'PlantAddressChangeRequested'; data: PlantAddressChange }
  | { type: 'PlantAddressChanged'; data: PlantAddressChange }
  | {
      type: 'PlantAddressChangeRejected';
      data: { plant: Plant; requestedBy: string; reason: string };
    }
  /** First event of the stream of a changed number: the contract as it was under the old one. */
  | {
      type: 'ContractRenumbered';
      data: {
        contractNumber: string;
        previousContractNumber: string;
        customerCode: string;
        companyName: string;
        plant: Plant;
        ownerAccountId: string | null;
        managerId: string | null;
        requestedBy: string;
        /** The years filed under the previous number (absent in events recorded before). */
        filedYears?: readonly FiledYear[];
      };
    };
