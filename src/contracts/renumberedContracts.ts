import { contractDecider, contractStream } from '../../domain/contracts/contractDecider.js';
import { fold } from '../../domain/shared/decider.js';
import { handleCommand } from '../platform/eventStore/commandHandler.js';
import type { EventStore, RecordedEvent } from '../platform/eventStore/eventStore.js';

/**
 * An operator validated a changed number (ContractNumberChanged closes the old stream): the new
 * number's stream starts from the old contract as it stood then. The command id comes from the
 * event, so a replay, or a second process, changes nothing.
 */
export async function openRenumberedContract(
  store: EventStore,
  changed: RecordedEvent,
): Promise<void> {
  const { newContractNumber, requestedBy } = changed.data as {
    newContractNumber: string;
    requestedBy: string;
  };
  const { events } = await store.readStream(changed.streamId, { toVersion: changed.version });
  const previous = fold(contractDecider, events.filter(contractStream.holds));
  await handleCommand(
    store,
    contractDecider,
    contractStream.id(newContractNumber),
    { type: 'OpenRenumberedContract', newContractNumber, previous, requestedBy },
    {
      commandId: `${changed.metadata.eventId}:renumber`,
      correlationId: changed.metadata.correlationId,
      actor: changed.metadata.actor,
      clientIp: changed.metadata.clientIp,
      now: new Date(changed.metadata.occurredAt),
    },
  );
}
