import type { FastifyInstance } from 'fastify';
import { allCampaigns } from '../../projections/campaigns/campaigns.js';
import { contractsWithManagers, type ContractView } from '../../projections/contracts/contracts.js';
import {
  declarationsOfYear,
  type DeclarationRow,
} from '../../projections/declarations/declarations.js';
import { requireRole } from '../accounts/auth.js';
import type { AppDeps } from '../app.js';

export interface ContractChoice {
  readonly contract: ContractView;
  /** Why it cannot be chosen (shown greyed out with this reason), or null when it can. */
  readonly disabledReason: string | null;
}

/** The seed's rule: declared this year or not validated yet → disabled, grey, with the reason. */
function choice(
  contract: ContractView,
  declaration: DeclarationRow | undefined,
  accountId: string,
  year: number,
): ContractChoice {
  const reason =
    declaration?.status === 'submitted'
      ? `Dichiarazione ${year} già inviata${declaration.protocolNumber ? ` (protocollo ${declaration.protocolNumber})` : ''}.`
      : contract.managerAccountId !== accountId
        ? `Gestito da ${contract.managerName ?? 'nessuno'}: la dichiarazione la carica chi gestisce il contratto.`
        : contract.status !== 'validated'
          ? 'Contratto non ancora convalidato dagli operatori.'
          : null;
  return { contract, disabledReason: reason };
}

/** A declarant reads the declarations of contracts it manages or owns, and those it filed. */
const readable = (row: DeclarationRow, contract: ContractView, accountId: string) =>
  row.status === 'submitted' &&
  (contract.managerAccountId === accountId ||
    contract.ownerAccountId === accountId ||
    row.submittedBy === accountId);

/** "Dichiarazioni degli Scarichi Industriali": step 1, the contract, and what was already sent. */
export function declarationsRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db } = deps.database;
  app.get('/dichiarazioni', { preHandler: requireRole('declarant') }, async (request, reply) => {
    const me = request.account!;
    const [campaign] = await allCampaigns(db);
    if (!campaign) return reply.view('declarations/index', { title: 'Dichiarazioni annuali' });
    const { year } = campaign.settings;
    const contracts = await contractsWithManagers(db, me.accountId);
    const byNumber = new Map(contracts.map((contract) => [contract.contractNumber, contract]));
    const declarations = await declarationsOfYear(db, year, [...byNumber.keys()]);
    const declared = new Map(declarations.map((row) => [row.contractNumber, row]));
    const choices = contracts
      .filter(
        (contract) =>
          contract.managerAccountId === me.accountId || contract.ownerAccountId === me.accountId,
      )
      .map((contract) =>
        choice(contract, declared.get(contract.contractNumber), me.accountId, year),
      );
    const filed = declarations.filter((row) =>
      readable(row, byNumber.get(row.contractNumber)!, me.accountId),
    );
    return reply.view('declarations/index', {
      title: `Dichiarazioni ${year}`,
      campaign: campaign.settings,
      choices,
      filed,
    });
  });
}
