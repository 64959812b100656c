import {
  formatProtocolNumber,
  protocolRegisterStream,
  type ProtocolNumberAssigned,
} from '../../domain/declarations/protocolNumber.js';
import { deterministicUuid, type CommandContext } from '../platform/eventStore/commandHandler.js';
import {
  WrongExpectedVersionError,
  type EventStore,
  type GlobalPosition,
} from '../platform/eventStore/eventStore.js';

/**
 * Through one store the register is taken in turn (no retries among our own requests); between
 * stores, i.e. between processes, the exact expected version decides.
 */
const queues = new WeakMap<EventStore, Map<string, Promise<unknown>>>();

/**
 * The register's length after this store's last append to it, so the next in turn appends
 * without reading it first; another process having appended meanwhile shows as a conflict,
 * and the length is read again.
 */
const lengths = new WeakMap<EventStore, Map<string, number>>();

/** The map this store keeps in `maps`, made on first use. */
function ofStore<V>(maps: WeakMap<EventStore, Map<string, V>>, store: EventStore): Map<string, V> {
  const map = maps.get(store) ?? new Map<string, V>();
  maps.set(store, map);
  return map;
}

function inTurn<T>(store: EventStore, key: string, work: () => Promise<T>): Promise<T> {
  const byStream = ofStore(queues, store);
  const next = (byStream.get(key) ?? Promise.resolve()).then(work, work);
  byStream.set(
    key,
    next.catch(() => undefined),
  );
  return next;
}

/**
 * The year's protocol register: number N is the register stream's N-th event, appended at exactly
 * version N − 1, so two submissions never share a number and none is skipped. The event id comes
 * from the submission, so asking again for the same submission returns the number it already has:
 * it can only be in the register after the submission (`submittedAt`, where a store that cannot
 * look event ids up searches back to).
 */
export async function assignProtocolNumber(
  store: EventStore,
  {
    submittedAt,
    ...submission
  }: {
    year: number;
    contractNumber: string;
    submissionEventId: string;
    submittedAt: GlobalPosition;
  },
  context: CommandContext,
  maxAttempts = 50,
): Promise<string> {
  const streamId = protocolRegisterStream.id(submission.year);
  const eventId = deterministicUuid(`protocol:${submission.submissionEventId}`);
  const known = ofStore(lengths, store);
  return inTurn(store, streamId, async () => {
    for (let attempt = 1; ; attempt++) {
      // toVersion 0: no events, only the register's current length.
      const version =
        known.get(streamId) ?? (await store.readStream(streamId, { toVersion: 0 })).version;
      const number = version + 1;
      const event: ProtocolNumberAssigned = {
        type: 'ProtocolNumberAssigned',
        data: {
          ...submission,
          number,
          protocolNumber: formatProtocolNumber(submission.year, number),
        },
      };
      try {
        const appended = await store.appendToStream(
          streamId,
          [
            {
              type: event.type,
              data: { ...event.data },
              metadata: {
                eventId,
                correlationId: context.correlationId,
                causationId: submission.submissionEventId,
                actor: context.actor,
                clientIp: context.clientIp,
                occurredAt: context.now.toISOString(),
              },
            },
          ],
          { expectedVersion: version, retrySince: submittedAt },
        );
        // A repeated request finds its event already there, at the version it was given.
        if (appended.nextExpectedVersion === number) known.set(streamId, number);
        return formatProtocolNumber(submission.year, appended.nextExpectedVersion);
      } catch (error) {
        known.delete(streamId);
        if (!(error instanceof WrongExpectedVersionError) || attempt >= maxAttempts) throw error;
      }
    }
  });
}
