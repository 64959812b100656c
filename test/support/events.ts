import { randomUUID } from 'node:crypto';
import type { JsonObject, NewEvent } from '../../src/eventStore/eventStore.js';

/** An event as a command handler would append it, with complete metadata. */
export function newEvent(
  type: string,
  data: JsonObject = {},
  eventId: string = randomUUID(),
): NewEvent {
  return {
    type,
    data,
    metadata: {
      eventId,
      correlationId: randomUUID(),
      causationId: null,
      actor: { id: 'account-test', role: 'declarant' },
      clientIp: '203.0.113.7',
      occurredAt: '2026-11-23T10:00:00.000Z',
    },
  };
}

export const uniqueStream = (category = 'test'): string => `${category}-${randomUUID()}`;
