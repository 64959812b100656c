import type { JsonObject, RecordedEvent } from '../../../src/platform/eventStore/eventStore.js';
import { newEvent } from '../../support/events.js';

/** An event as the projections receive it from the store. */
export function recorded(
  streamId: string,
  type: string,
  data: object,
  occurredAt = '2026-01-20T09:30:00.000Z',
): RecordedEvent {
  const event = newEvent(type, data as JsonObject);
  return {
    ...event,
    streamId,
    version: 1,
    hash: '',
    position: { commit: 1n, prepare: 1n },
    metadata: { ...event.metadata, occurredAt, recordedAt: occurredAt },
  };
}
