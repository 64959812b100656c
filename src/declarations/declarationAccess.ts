import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { mayReadDeclaration, type ContractState } from '../../domain/contracts/contract.js';
import { contractDecider, contractStream } from '../../domain/contracts/contractDecider.js';
import {
  contractLimitsDecider,
  contractLimitsStream,
  type LimitOverride,
} from '../../domain/campaigns/contractLimits.js';
import type { ContractEvent } from '../../domain/contracts/contractEvents.js';
import type { Signatory } from '../../domain/declarations/declarationEvents.js';
import { mustBeAbleToFile } from '../../domain/declarations/prepareDeclaration.js';
import { fold } from '../../domain/shared/decider.js';
import { DomainError } from '../../domain/shared/domainError.js';
import { campaignOf, type CampaignRow } from '../../projections/campaigns/campaigns.js';
import type { DeclarationsDeps } from '../deps.js';
import { readState } from '../platform/eventStore/commandHandler.js';
import type { RecordedEvent } from '../platform/eventStore/eventStore.js';
import { asDomainEvent } from '../platform/eventStore/foldStream.js';
import { mustHold } from '../../domain/accounts/members.js';
import { actingOf } from '../accounts/auth.js';

const declarationParams = z.object({
  anno: z.coerce.number().int().min(2000).max(2100),
  contratto: z.string().regex(/^\d{10}$/),
});

export interface DeclarationTarget {
  readonly year: number;
  readonly contractNumber: string;
  readonly streamId: string;
  readonly state: ContractState;
  readonly version: number;
  /** The contract's stream as read for `state`: the versions and files are found in it. */
  readonly events: readonly RecordedEvent[];
  readonly campaign: CampaignRow;
  /** The utility's own limits for this contract (discharge-limits-<number>), none by default. */
  readonly contractLimits: readonly LimitOverride[];
}

/** A page of the declaration named by the route's own parameters, never by the raw URL. */
export function declarationUrl(request: FastifyRequest, step = ''): string {
  const params = declarationParams.safeParse(request.params);
  if (!params.success) throw notFound();
  return `/dichiarazioni/${params.data.anno}/${params.data.contratto}${step}`;
}

const notFound = () =>
  new DomainError('DeclarationUnknown', 'not-found', 'Dichiarazione non trovata.');

/** The year's campaign and the contract named in the URL, whatever the caller may do with them. */
async function target(deps: DeclarationsDeps, request: FastifyRequest): Promise<DeclarationTarget> {
  const params = declarationParams.safeParse(request.params);
  if (!params.success) throw notFound();
  const { anno: year, contratto: contractNumber } = params.data;
  const campaign = await campaignOf(deps.database.db, year);
  if (!campaign) throw notFound();
  const streamId = contractStream.id(contractNumber);
  // Reads the stream: who may file is a rule decided on it, and no read model keeps declarations
  // per contract nor a contract's own limits.
  const { version, events } = await deps.eventStore.readStream(streamId);
  const state = fold(contractDecider, events.map(asDomainEvent<ContractEvent>));
  if (state.status === 'none') throw notFound();
  const limits = await readState(
    deps.eventStore,
    contractLimitsDecider,
    contractLimitsStream.id(contractNumber),
  );
  return {
    year,
    contractNumber,
    streamId,
    state,
    version,
    events,
    campaign,
    contractLimits: limits.state.limits,
  };
}

/** The company, its manager, whoever filed the year's declaration, or managed the contract before. */
const knowsContract = (state: ContractState, year: number, accountId: string): boolean =>
  mayReadDeclaration(state, year, accountId) || state.formerManagerIds.includes(accountId);

/**
 * Only the contract's current manager files. Whoever already knows the contract gets the rule's
 * own message (no longer the manager, not validated yet, already filed); anyone else the same 404
 * as for a contract that does not exist, so contract numbers cannot be probed.
 */
export async function fileableDeclaration(
  deps: DeclarationsDeps,
  request: FastifyRequest,
): Promise<DeclarationTarget> {
  const found = await target(deps, request);
  if (request.account?.role !== 'declarant') throw notFound();
  const { organisationId, role } = actingOf(request);
  if (!knowsContract(found.state, found.year, organisationId)) throw notFound();
  mustBeAbleToFile(found.state, organisationId, found.year);
  // A reader (lettore) is told so at the first step, not after choosing the files.
  mustHold(role, 'prepare');
  return found;
}

/** Staff read every declaration; a declarant what the events allow (owner, manager, or filer). */
export async function readableDeclaration(
  deps: DeclarationsDeps,
  request: FastifyRequest,
): Promise<DeclarationTarget> {
  const found = await target(deps, request);
  if (
    request.account?.role === 'declarant' &&
    !mayReadDeclaration(found.state, found.year, actingOf(request).organisationId)
  ) {
    throw notFound();
  }
  return found;
}

/** Who signs a declaration, as the copy of record prints it: the person, for their organisation. */
export function signatoryOf(request: FastifyRequest): Signatory {
  const account = request.account!;
  const { organisationId, personId } = actingOf(request);
  return {
    accountId: organisationId,
    personId,
    name: account.fullName,
    username: account.username,
    email: account.email,
    kind: account.kind === 'studio' ? 'studio' : 'ditta',
  };
}
