import type { Kysely } from 'kysely';
import {
  municipalityStream,
  officerDecider,
  type AssignOfficer,
} from '../../domain/observatory/municipalityOfficer.js';
import {
  claimStanding,
  officerPersonDecider,
  officerPersonStream,
  type ClaimOfficerPerson,
} from '../../domain/observatory/officerPerson.js';
import { fold } from '../../domain/shared/decider.js';
import { officerElsewhere } from '../../projections/observatory/officers.js';
import type { Schema } from '../platform/db/schema.js';
import { handleCommand, type CommandContext } from '../platform/eventStore/commandHandler.js';
import type {
  EventStore,
  GlobalPosition,
  RecordedEvent,
} from '../platform/eventStore/eventStore.js';

const asOfficerEvents = (events: readonly RecordedEvent[]) =>
  events.filter(municipalityStream.holds);

/** The person's claim as it stands now, for the decider to judge (it may not be the latest). */
async function checkClaim(
  deps: { store: EventStore; db: Kysely<Schema> },
  command: Omit<AssignOfficer, 'type'>,
  now: Date,
) {
  const { events } = await deps.store.readStream(officerPersonStream.id(command.fiscalCode));
  const state = fold(officerPersonDecider, events.filter(officerPersonStream.holds));
  if (!state.claim) {
    const legacy = await officerElsewhere(deps.db, command.fiscalCode, command.istatCode);
    return { checked: null, legacyMunicipality: legacy?.istatCode ?? null };
  }
  const claim = state.claim;
  const since = await deps.store.readStream(municipalityStream.id(claim.istatCode), {
    fromVersion: claim.municipalityVersion + 1,
  });
  const standing = claimStanding(claim, command.fiscalCode, asOfficerEvents(since.events), now);
  return { checked: { claim, standing }, legacyMunicipality: null };
}

/**
 * AssignOfficer across the two streams that keep its rules: the person's claim first (one person,
 * one municipality, appended at the version read), then the municipality's own stream (one user
 * per municipality). A claim whose assignment is refused is released at once; one left behind by
 * a crash counts as abandoned after ten minutes (officerPerson.ts).
 */
export async function assignMunicipalityOfficer(
  deps: { store: EventStore; db: Kysely<Schema> },
  command: Omit<AssignOfficer, 'type'>,
  context: CommandContext,
): Promise<GlobalPosition | null> {
  const municipalityId = municipalityStream.id(command.istatCode);
  const assign: AssignOfficer = { type: 'AssignOfficer', ...command };
  const step = (name: string): CommandContext => ({
    ...context,
    commandId: `${context.commandId}:${name}`,
  });
  // The rules of the municipality's stream first, so a wrong address claims nothing.
  const { version, events } = await deps.store.readStream(municipalityId);
  officerDecider.decide(assign, fold(officerDecider, asOfficerEvents(events)));

  const claim: ClaimOfficerPerson = {
    type: 'ClaimOfficerPerson',
    fiscalCode: command.fiscalCode,
    istatCode: command.istatCode,
    municipalityVersion: version,
    adminId: command.adminId,
    now: context.now,
    ...(await checkClaim(deps, command, context.now)),
  };
  const personStream = officerPersonStream.id(command.fiscalCode);
  const claimed = await handleCommand(
    deps.store,
    officerPersonDecider,
    personStream,
    claim,
    step('claim'),
  );
  try {
    const assigned = await handleCommand(
      deps.store,
      officerDecider,
      municipalityId,
      assign,
      step('assign'),
    );
    return assigned.position;
  } catch (error) {
    const own = claimed.state.claim;
    if (claimed.events.length > 0 && own) {
      await handleCommand(
        deps.store,
        officerPersonDecider,
        personStream,
        {
          type: 'ReleaseOfficerPerson',
          fiscalCode: command.fiscalCode,
          claim: own,
          adminId: command.adminId,
          reason: 'Associazione non completata',
        },
        step('release'),
      );
    }
    throw error;
  }
}
