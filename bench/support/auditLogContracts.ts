import type { CompanyDeclaration } from '../../domain/accounts/accountEvents.js';
import { contractStream } from '../../domain/contracts/contractDecider.js';
import type { Plant } from '../../domain/contracts/contractEvents.js';
import { validatedWithRegistration } from '../../domain/contracts/declareContract.js';
import { actorOf, type Account, type Declarant } from './auditLogAccounts.js';
import type { ContractFigures } from './auditLogDeclarations.js';
import { companyName, partitaIva, phone, plantAddress, plantIn } from './auditLogPeople.js';
import type { Random } from './auditLogRandom.js';
import { days, hours, minutes, type Command, type Timeline } from './auditLogTimeline.js';

export interface Company {
  readonly name: string;
  readonly taxId: string;
  readonly customerCode: string;
  readonly email: string;
  readonly contracts: Contract[];
  owner: Declarant | null;
}

export interface Contract extends ContractFigures {
  readonly streamId: string;
  readonly plant: Plant;
  readonly company: Company;
  manager: Declarant | null;
  /** Validated and still discharging: it files a declaration each campaign. */
  active: boolean;
}

/** Contracts: declared with a registration or later, validated, handed over. */
export class Contracts {
  readonly all: Contract[] = [];
  private serial = 0;

  constructor(
    private readonly timeline: Timeline,
    private readonly random: Random,
  ) {}

  /** A company of the utility's registry, with its discharge contracts (not yet on the portal). */
  newCompany(firstYear: number): Company {
    const { random } = this;
    const n = ++this.serial;
    const name = companyName(random);
    const customerCode = `10${String(n * 7 + random.int(0, 6)).padStart(8, '0')}`;
    const company: Company = {
      name,
      taxId: partitaIva(random),
      customerCode,
      email: `amministrazione@${customerCode}.it`,
      contracts: [],
      owner: null,
    };
    const count = random.weighted([
      [1, 70],
      [2, 18],
      [3, 7],
      [4, 3],
      [6, 2],
    ] as const);
    for (let i = 0; i < count; i++) company.contracts.push(this.contractOf(company, firstYear, i));
    return company;
  }

  private contractOf(company: Company, firstYear: number, index: number): Contract {
    const plant = plantIn(this.random);
    const contractNumber = `40${String(this.serial * 10 + index).padStart(8, '0')}`;
    return {
      contractNumber,
      streamId: contractStream.id(contractNumber),
      customerCode: company.customerCode,
      companyName: company.name,
      plantAddress: plantAddress(plant),
      email: company.email,
      firstYear,
      seed: Math.floor(this.random.next() * 2 ** 31),
      plant,
      company,
      manager: null,
      active: false,
    };
  }

  /** The registration form's "Anagrafica Ditta" and "Contratti" for these companies. */
  declarationOf(company: Company): CompanyDeclaration {
    return {
      name: company.name,
      taxId: company.taxId,
      phone: phone(this.random),
      email: company.email,
      pec: this.random.chance(0.8) ? `${company.customerCode}@pec.it` : null,
      customerCode: company.customerCode,
      contracts: company.contracts.map((contract) => ({
        contractNumber: contract.contractNumber,
        ...contract.plant,
      })),
    };
  }

  /**
   * registrationContracts: after the approval, each contract declared by the referent and
   * validated by the approving operator, command ids derived from the approval event.
   */
  approved(
    companies: readonly Company[],
    approval: { declarant: Declarant; approvalId: string; approvedAt: number; by: Account },
    correlationId: string,
  ): void {
    const { declarant, approvalId, approvedAt, by } = approval;
    let at = approvedAt + 300;
    for (const contract of companies.flatMap((company) => company.contracts)) {
      const step = (name: string): Command => ({
        commandId: `${approvalId}:${name}:${contract.contractNumber}`,
        correlationId,
        actor: actorOf(by),
        clientIp: by.ip,
      });
      this.timeline.record(contract.streamId, at, step('declare'), [
        { type: 'ContractDeclared', data: this.declared(contract, declarant) },
      ]);
      this.timeline.record(contract.streamId, at + 40, step('validate'), [
        { type: 'ContractValidated', data: { note: validatedWithRegistration } },
      ]);
      at += 90;
      this.adopt(contract, declarant);
    }
    for (const company of companies) if (declarant.kind === 'ditta') company.owner = declarant;
  }

  /** A contract added from the reserved area, checked by an operator a few days later. */
  declareLater(contract: Contract, declarant: Declarant, at: number, operator: Account): void {
    const { timeline, random } = this;
    timeline.record(contract.streamId, at, timeline.command(actorOf(declarant), declarant.ip), [
      { type: 'ContractDeclared', data: this.declared(contract, declarant) },
    ]);
    const decidedAt = at + random.int(1, 7) * days + random.int(0, 6) * hours;
    const decision = timeline.command(actorOf(operator), operator.ip);
    if (random.chance(0.05)) {
      const reason = 'Il contratto non risulta intestato alla ditta indicata.';
      timeline.record(contract.streamId, decidedAt, decision, [
        { type: 'ContractRejected', data: { reason } },
      ]);
      return;
    }
    timeline.record(contract.streamId, decidedAt, decision, [
      { type: 'ContractValidated', data: { note: null } },
    ]);
    this.adopt(contract, declarant);
  }

  private declared(contract: Contract, declarant: Declarant) {
    return {
      contractNumber: contract.contractNumber,
      customerCode: contract.customerCode,
      companyName: contract.companyName,
      plant: { ...contract.plant },
      declaredBy: { accountId: declarant.accountId, kind: declarant.kind },
    };
  }

  private adopt(contract: Contract, declarant: Declarant): void {
    contract.manager = declarant;
    contract.active = true;
    this.all.push(contract);
  }

  /** invitedCompanyContracts: the invited company becomes the owner of its contracts. */
  invited(company: Company, declarant: Declarant, invitationId: string, at: number, by: Account) {
    company.owner = declarant;
    for (const contract of company.contracts.filter((c) => c.manager)) {
      const command: Command = {
        commandId: `${invitationId}:own:${contract.contractNumber}`,
        correlationId: this.random.uuid(),
        actor: actorOf(by),
        clientIp: by.ip,
      };
      this.timeline.record(contract.streamId, at + 500, command, [
        { type: 'ContractOwnerLinked', data: { ownerAccountId: declarant.accountId } },
      ]);
    }
  }

  /** Management changes hands: a consultant takes over, or the company takes it back. */
  handOver(contract: Contract, to: Declarant, at: number): void {
    const { timeline, random } = this;
    const from = contract.manager;
    if (!from || from === to) return;
    const owner = contract.company.owner;
    if (to === owner) {
      timeline.record(contract.streamId, at, timeline.command(actorOf(to), to.ip), [
        {
          type: 'ContractClaimed',
          data: { previousManagerId: from.accountId, managerId: to.accountId },
        },
      ]);
    } else {
      timeline.record(contract.streamId, at, timeline.command(actorOf(from), from.ip), [
        { type: 'ContractDelegationOffered', data: { toAccountId: to.accountId } },
      ]);
      const accepted = at + random.int(1, 10) * days + random.int(0, 300) * minutes;
      timeline.record(contract.streamId, accepted, timeline.command(actorOf(to), to.ip), [
        {
          type: 'ContractDelegationAccepted',
          data: { previousManagerId: from.accountId, managerId: to.accountId },
        },
      ]);
    }
    contract.manager = to;
  }
}
