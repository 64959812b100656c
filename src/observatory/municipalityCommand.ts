import {
  municipalityStream,
  officerDecider,
  type OfficerCommand,
} from '../../domain/observatory/municipalityOfficer.js';
import { handleCommand, type CommandContext } from '../platform/eventStore/commandHandler.js';
import type { EventStore } from '../platform/eventStore/eventStore.js';

/**
 * A command on the municipality's stream, which keeps the rules of who files for it: its one
 * responsible user (a person may be the user of several municipalities), second users by
 * authorisation, the collector's delegates. The admin's page, the municipality's «Deleghe», the
 * command line and the demo all record through here.
 */
export const municipalityCommand = (
  store: EventStore,
  command: OfficerCommand,
  context: CommandContext,
) =>
  handleCommand(store, officerDecider, municipalityStream.id(command.istatCode), command, context);
