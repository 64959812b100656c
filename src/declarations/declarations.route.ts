import { reviewOutcomeLabels } from '../../domain/declarations/reviewDeclaration.js';
import { holds } from '../../domain/accounts/members.js';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { isLate } from '../../domain/declarations/submitDeclaration.js';
import { allCampaigns } from '../../projections/campaigns/campaigns.js';
import { contractsWithManagers, type ContractView } from '../../projections/contracts/contracts.js';
import {
  submittedDeclarations,
  type DeclarationRow,
} from '../../projections/declarations/declarations.js';
import { actingOf, requireRole } from '../accounts/auth.js';
import type { DeclarationsDeps } from '../deps.js';
import { queryOf } from '../platform/http/command.js';
import { currentReview, versionRows } from '../../domain/declarations/declarationVersions.js';

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
  mayPrepare: boolean,
): ContractChoice {
  const under =
    declaration && declaration.contractNumber !== contract.contractNumber
      ? ` con il numero di contratto precedente ${declaration.contractNumber}`
      : '';
  const reason = declaration
    ? `Dichiarazione ${year} già inviata${under}${declaration.protocolNumber ? ` (protocollo ${declaration.protocolNumber})` : ''}.`
    : contract.managerAccountId !== accountId
      ? `Gestito da ${contract.managerName ?? 'nessuno'}: la dichiarazione la carica chi gestisce il contratto.`
      : contract.status === 'rejected'
        ? `Contratto respinto dagli operatori: ${contract.rejectionReason ?? 'motivo non indicato'}.`
        : contract.status !== 'validated'
          ? 'Contratto non ancora convalidato dagli operatori.'
          : !mayPrepare
            ? 'Il tuo ruolo permette solo di consultare: la dichiarazione la carica un compilatore, un firmatario o un amministratore.'
            : null;
  return { contract, disabledReason: reason };
}

/** A declarant reads the declarations of contracts it manages or owns, and those it filed. */
const yearQuery = z.object({
  anno: z
    .string()
    .regex(/^\d{4}$/)
    .optional()
    .catch(undefined),
});

/**
 * A filed year as the declarant may read it: whole for the contract's company and manager; for
 * whoever managed it before, the last version it filed (none if it filed none).
 */
function asReadBy(
  row: DeclarationRow,
  contract: ContractView | undefined,
  accountId: string,
): FiledRow | undefined {
  if (contract?.managerAccountId === accountId || contract?.ownerAccountId === accountId)
    return { ...row, superseded: false };
  const own = row.versions.filter((version) => version.submittedBy === accountId);
  const last = own.at(-1);
  if (!last) return undefined;
  // Built from its own version alone: nothing of a later manager's version reaches the page.
  return {
    ...row,
    versions: own,
    protocolNumber: last.protocolNumber,
    submittedBy: last.submittedBy,
    submittedAt: last.receivedAt,
    signatoryName: last.signatoryName,
    notificationEmail: last.notificationEmail,
    late: last.late,
    files: last.files,
    copyOfRecordSha256: last.copyOfRecord?.sha256 ?? null,
    dischargedVolume: last.figures.dischargedVolume,
    warnings: [],
    review: currentReview(last),
    superseded: last !== row.versions.at(-1),
  };
}

/** A filed year on the list; `superseded` when a later manager's version is in force. */
type FiledRow = DeclarationRow & { readonly superseded: boolean };

/**
 * "Dichiarazioni degli Scarichi Industriali": every open campaign's year can be chosen (a late
 * filing of last year stays reachable once the new campaign opens); step 1 for that year, what was
 * sent that year, and what was sent in the others.
 */
export function declarationsRoutes(app: FastifyInstance, deps: DeclarationsDeps): void {
  const { db } = deps.database;
  // '' is the area's prefix itself, /dichiarazioni (see index.ts).
  app.get('', { preHandler: requireRole('declarant') }, async (request, reply) => {
    const me = { accountId: actingOf(request).organisationId };
    const campaigns = await allCampaigns(db);
    const { anno } = queryOf(yearQuery, request);
    const campaign = campaigns.find((c) => String(c.settings.year) === anno) ?? campaigns[0];
    if (!campaign) return reply.view('declarations/index', { title: 'Dichiarazioni annuali' });
    const { year, deadline } = campaign.settings;
    const contracts = await contractsWithManagers(db, me.accountId);
    const byNumber = new Map(contracts.map((contract) => [contract.contractNumber, contract]));
    const filed = (await submittedDeclarations(db, [...byNumber.keys()], me.accountId)).flatMap(
      (row) => asReadBy(row, byNumber.get(row.contractNumber), me.accountId) ?? [],
    );
    const declared = new Map(
      filed.filter((row) => row.year === year).map((row) => [row.contractNumber, row]),
    );
    // A changed number is filed under the new one (listed with the number it replaced).
    const choices = contracts
      .filter(
        (contract) =>
          contract.status !== 'renumbered' &&
          (contract.managerAccountId === me.accountId || contract.ownerAccountId === me.accountId),
      )
      .map((contract) =>
        choice(
          contract,
          // A year filed before the number changed stays filed under the new one.
          declared.get(contract.contractNumber) ??
            (contract.renumberedFrom ? declared.get(contract.renumberedFrom) : undefined),
          me.accountId,
          year,
          holds(actingOf(request).role, 'prepare'),
        ),
      );
    return reply.view('declarations/index', {
      title: `Dichiarazioni ${year}`,
      reviewLabels: reviewOutcomeLabels,
      campaign: campaign.settings,
      years: campaigns.map((c) => ({
        year: c.settings.year,
        late: isLate(deps.clock(), c.settings.deadline),
      })),
      late: isLate(deps.clock(), deadline),
      choices,
      versionRows,
      filed: filed.filter((row) => row.year === year),
      otherYears: filed.filter((row) => row.year !== year),
    });
  });
}
