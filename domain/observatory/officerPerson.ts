import { streamCodec } from '../shared/streamCodec.js';
import type { Decider } from '../shared/decider.js';
import type { OfficerEvent } from './municipalityOfficer.js';
import { observatoryError } from './observatoryErrors.js';
import { municipalityByIstat } from './reference/municipalities.js';

/**
 * One person, one municipality: `observatory-person-<fiscal code>` holds the municipality a
 * fiscal code is being or has been associated with. An assignment claims it here first, appended
 * at the version read, so two assignments of one person to two municipalities at once cannot both
 * pass: the second finds the first claim. The municipality's stream stays the record of who its
 * user is; a claim lasts as long as that association.
 */
export type OfficerPersonEvent =
  | {
      type: 'OfficerPersonClaimed';
      data: {
        fiscalCode: string;
        istatCode: string;
        /** The municipality stream's version when the claim was made. */
        municipalityVersion: number;
        claimedBy: string;
        claimedAt: string;
      };
    }
  | {
      type: 'OfficerPersonReleased';
      data: { fiscalCode: string; istatCode: string; releasedBy: string; reason: string };
    };

export interface PersonClaim {
  readonly istatCode: string;
  readonly municipalityVersion: number;
  readonly claimedAt: string;
}

export interface OfficerPersonState {
  readonly claim: PersonClaim | null;
}

/**
 * Where a claim stands, read from its municipality's events after the claim: `assigned` (the
 * person is its user), `ended` (the association was ended since), `pending` (the assignment is
 * on its way, or was abandoned by a crash when older than claimTimeoutMs).
 */
export type ClaimStanding = 'assigned' | 'ended' | 'pending' | 'abandoned';

/** An assignment takes milliseconds; a claim without its association after this was abandoned. */
export const claimTimeoutMs = 10 * 60 * 1000;

export function claimStanding(
  claim: PersonClaim,
  fiscalCode: string,
  municipalityEventsSince: readonly OfficerEvent[],
  now: Date,
): ClaimStanding {
  let standing: ClaimStanding = 'pending';
  for (const event of municipalityEventsSince) {
    if (event.data.fiscalCode !== fiscalCode) continue;
    if (event.type === 'OfficerAssigned') standing = 'assigned';
    else if (event.type === 'OfficerAssignmentEnded') standing = 'ended';
  }
  if (standing === 'pending' && now.getTime() - Date.parse(claim.claimedAt) > claimTimeoutMs) {
    return 'abandoned';
  }
  return standing;
}

export interface ClaimOfficerPerson {
  readonly type: 'ClaimOfficerPerson';
  readonly fiscalCode: string;
  readonly istatCode: string;
  readonly municipalityVersion: number;
  readonly adminId: string;
  readonly now: Date;
  /** The standing of the claim found when the command was prepared (null when there was none). */
  readonly checked: { readonly claim: PersonClaim; readonly standing: ClaimStanding } | null;
  /**
   * The municipality the person serves according to the read model, which also knows the
   * associations recorded before these streams existed; asked when the stream holds no claim.
   */
  readonly legacyMunicipality: string | null;
}

/** Undoes a claim whose assignment failed (e.g. the municipality stream refused it). */
export interface ReleaseOfficerPerson {
  readonly type: 'ReleaseOfficerPerson';
  readonly fiscalCode: string;
  readonly claim: PersonClaim;
  readonly adminId: string;
  readonly reason: string;
}

export type OfficerPersonCommand = ClaimOfficerPerson | ReleaseOfficerPerson;

export const officerPersonStream = streamCodec<[fiscalCode: string], OfficerPersonEvent>(
  'observatory-person-',
  (fiscalCode) => fiscalCode,
);

const sameClaim = (a: PersonClaim, b: PersonClaim) =>
  a.istatCode === b.istatCode && a.municipalityVersion === b.municipalityVersion;

const elsewhere = (istatCode: string) =>
  observatoryError(
    'AlreadyOfficer',
    'conflict',
    `Questo codice fiscale è già associato al comune di ${municipalityByIstat(istatCode)?.name ?? istatCode}: una persona opera per un solo comune.`,
    'codiceFiscale',
  );

export function claimOfficerPerson(
  command: ClaimOfficerPerson,
  state: OfficerPersonState,
): OfficerPersonEvent[] {
  const { fiscalCode, istatCode, adminId } = command;
  const claimed: OfficerPersonEvent = {
    type: 'OfficerPersonClaimed',
    data: {
      fiscalCode,
      istatCode,
      municipalityVersion: command.municipalityVersion,
      claimedBy: adminId,
      claimedAt: command.now.toISOString(),
    },
  };
  const current = state.claim;
  if (!current) {
    if (command.legacyMunicipality && command.legacyMunicipality !== istatCode) {
      throw elsewhere(command.legacyMunicipality);
    }
    return [claimed];
  }
  // Only the claim that was checked may be judged over: a newer one is an assignment in flight.
  const checked =
    command.checked && sameClaim(command.checked.claim, current) ? command.checked : null;
  const live = !checked || checked.standing === 'assigned' || checked.standing === 'pending';
  if (live && current.istatCode !== istatCode) throw elsewhere(current.istatCode);
  if (live) return []; // the same municipality: its own stream decides
  if (current.istatCode === istatCode) return [claimed];
  return [
    {
      type: 'OfficerPersonReleased',
      data: {
        fiscalCode,
        istatCode: current.istatCode,
        releasedBy: adminId,
        reason:
          checked.standing === 'ended'
            ? 'Associazione precedente già chiusa'
            : 'Associazione precedente mai completata',
      },
    },
    claimed,
  ];
}

export function releaseOfficerPerson(
  command: ReleaseOfficerPerson,
  state: OfficerPersonState,
): OfficerPersonEvent[] {
  if (!state.claim || !sameClaim(state.claim, command.claim)) return [];
  return [
    {
      type: 'OfficerPersonReleased',
      data: {
        fiscalCode: command.fiscalCode,
        istatCode: command.claim.istatCode,
        releasedBy: command.adminId,
        reason: command.reason,
      },
    },
  ];
}

export const officerPersonDecider: Decider<
  OfficerPersonState,
  OfficerPersonCommand,
  OfficerPersonEvent
> = {
  initialState: () => ({ claim: null }),
  evolve: (state, event) =>
    event.type === 'OfficerPersonClaimed'
      ? {
          claim: {
            istatCode: event.data.istatCode,
            municipalityVersion: event.data.municipalityVersion,
            claimedAt: event.data.claimedAt,
          },
        }
      : state.claim?.istatCode === event.data.istatCode
        ? { claim: null }
        : state,
  decide: (command, state) =>
    command.type === 'ClaimOfficerPerson'
      ? claimOfficerPerson(command, state)
      : releaseOfficerPerson(command, state),
};
