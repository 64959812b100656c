import {
  municipalityStream,
  officerDecider,
  type AssignOfficer,
} from '../../domain/observatory/municipalityOfficer.js';
import { handleCommand, type CommandContext } from '../platform/eventStore/commandHandler.js';
import type { EventStore, GlobalPosition } from '../platform/eventStore/eventStore.js';

/**
 * AssignOfficer on the municipality's stream, which keeps its one rule (one responsible user per
 * municipality); a person may be the user of several municipalities, each association its event.
 */
export async function assignMunicipalityOfficer(
  store: EventStore,
  command: Omit<AssignOfficer, 'type'>,
  context: CommandContext,
): Promise<GlobalPosition | null> {
  const assign: AssignOfficer = { type: 'AssignOfficer', ...command };
  const result = await handleCommand(
    store,
    officerDecider,
    municipalityStream.id(command.istatCode),
    assign,
    context,
  );
  return result.position;
}
