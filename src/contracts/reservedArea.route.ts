import type { FastifyInstance } from 'fastify';
import { memberRoleLabels } from '../../domain/accounts/members.js';
import { contractsWithManagers, type ContractView } from '../../projections/contracts/contracts.js';
import { actingOf, requireRole } from '../accounts/auth.js';
import type { AreaDeps } from '../deps.js';

/** The account's contracts grouped by company, as "Ditte gestite" shows them. */
function byCompany(
  contracts: readonly ContractView[],
): { name: string; customerCode: string; contracts: ContractView[] }[] {
  const companies = new Map<
    string,
    { name: string; customerCode: string; contracts: ContractView[] }
  >();
  for (const contract of contracts) {
    const company = companies.get(contract.customerCode) ?? {
      name: contract.companyName,
      customerCode: contract.customerCode,
      contracts: [],
    };
    company.contracts.push(contract);
    companies.set(contract.customerCode, company);
  }
  return [...companies.values()];
}

/** "Home page area riservata": MODIFICA PROFILO, LOGOUT, DICHIARAZIONI ANNUALI. */
export function reservedAreaRoutes(app: FastifyInstance, deps: AreaDeps): void {
  app.get('/area-riservata', { preHandler: requireRole('declarant') }, async (request, reply) => {
    const me = request.account!;
    const { organisationId, role } = actingOf(request);
    const companies = byCompany(await contractsWithManagers(deps.database.db, organisationId));
    return reply.view('contracts/reservedArea', {
      title: 'Area riservata',
      me,
      roleLabel: memberRoleLabels[role],
      companies,
    });
  });
}
