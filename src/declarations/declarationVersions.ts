import type { FastifyRequest } from 'fastify';
import { mayReadVersion } from '../../domain/contracts/contract.js';
import { contractStream } from '../../domain/contracts/contractDecider.js';
import {
  versionsOfYear,
  type DeclarationVersion,
} from '../../domain/declarations/declarationVersions.js';
import { actingOf } from '../accounts/auth.js';
import type { DeclarationTarget } from './declarationAccess.js';

/** A year's versions as one caller sees them. */
export interface ReadableVersions {
  /** The versions the caller may read, oldest first. */
  readonly versions: readonly DeclarationVersion[];
  /** The latest of them: the one the result page shows. */
  readonly shown: DeclarationVersion | undefined;
  /** Whether a version the caller may not read (a later manager's correction) is in force. */
  readonly superseded: boolean;
}

/**
 * Staff and the contract's company and manager read every version; whoever managed the contract
 * before reads the versions it filed, and no later one.
 */
export function readableVersions(
  request: FastifyRequest,
  target: DeclarationTarget,
): ReadableVersions {
  const all = versionsOfYear(target.events.filter(contractStream.holds), target.year);
  const versions =
    request.account?.role === 'declarant'
      ? all.filter((version) =>
          mayReadVersion(target.state, actingOf(request).organisationId, version),
        )
      : all;
  const shown = versions.at(-1);
  return { versions, shown, superseded: shown !== all.at(-1) };
}
