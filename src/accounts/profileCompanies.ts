import type { FastifyRequest } from 'fastify';
import type { CompanyDetails } from '../../domain/accounts/accountEvents.js';
import { detailsOf } from '../../domain/accounts/changeCompanyDetails.js';
import { holds } from '../../domain/accounts/members.js';
import { mayRead } from '../../domain/contracts/contract.js';
import type { Plant } from '../../domain/contracts/contractEvents.js';
import { mayRequestPlantAddressChange } from '../../domain/contracts/contractPermissions.js';
import { contractsOf, stateOf } from '../../projections/contracts/contracts.js';
import type { AreaDeps } from '../deps.js';
import { actingOf, organisationOf } from './auth.js';

/** A plant as «Modifica profilo» shows it: editable, or waiting for an operator, or neither. */
export interface ProfileContract {
  readonly contractNumber: string;
  readonly status: string;
  readonly plant: Plant;
  /** The new address waiting for an operator. */
  readonly pending: Plant | null;
  readonly editable: boolean;
}

/** A company of the organisation, with the identity in force and the one waiting, if any. */
export interface ProfileCompany {
  readonly customerCode: string;
  readonly name: string;
  /** Null for a company known only from its contracts (declared from «Aggiungi contratto»). */
  readonly details: CompanyDetails | null;
  readonly pending: CompanyDetails | null;
  readonly editable: boolean;
  readonly contracts: ProfileContract[];
}

/**
 * The organisation's companies (its registration, with the identities operators validated since)
 * and the contracts it owns or manages, by customer code. What the person may change follows their
 * role and the decider's own guards.
 */
export async function profileCompanies(
  deps: Pick<AreaDeps, 'database'>,
  request: FastifyRequest,
): Promise<ProfileCompany[]> {
  const { db } = deps.database;
  const { organisationId, role } = actingOf(request);
  const organisation = await organisationOf(db, request);
  const companies = new Map<string, ProfileCompany>(
    organisation.companies.map((company) => {
      const pending = organisation.companyChanges.find(
        (change) => change.customerCode === company.customerCode,
      );
      return [
        company.customerCode,
        {
          customerCode: company.customerCode,
          name: company.name,
          details: detailsOf(company),
          pending: pending?.details ?? null,
          editable: !pending && holds(role, 'manage'),
          contracts: [],
        },
      ];
    }),
  );
  for (const row of await contractsOf(db, organisationId)) {
    const state = stateOf(row);
    if (!mayRead(state, organisationId) || row.status === 'renumbered') continue;
    const company = companies.get(row.customerCode) ?? {
      customerCode: row.customerCode,
      name: row.companyName,
      details: null,
      pending: null,
      editable: false,
      contracts: [],
    };
    company.contracts.push({
      contractNumber: row.contractNumber,
      status: row.status,
      plant: row.plant,
      pending: row.plantChange?.plant ?? null,
      editable: holds(role, 'prepare') && mayRequestPlantAddressChange(state, organisationId),
    });
    companies.set(row.customerCode, company);
  }
  return [...companies.values()];
}
