import { randomUUID } from 'node:crypto';
import { deterministicUuid } from '../../src/platform/eventStore/commandHandler.js';
import type { NewEvent } from '../../src/platform/eventStore/eventStore.js';

/**
 * A ContractRegistered event shaped like the portal's: ~300 bytes of data and full metadata.
 * The event id is derived from stream and version, so every (stream, version) gets its own.
 */
export function contractRegistered(streamId: string, version: number): NewEvent {
  return {
    type: 'ContractRegistered',
    data: {
      contractId: streamId,
      operator: { taxCode: '01234567890', name: 'Ecoservizi Adriatica S.r.l.' },
      plant: {
        address: "Via dell'Industria 42",
        municipality: 'Ravenna',
        province: 'RA',
        postalCode: '48122',
      },
      wasteCodes: ['20 03 01', '20 01 08', '15 01 06'],
      validFrom: '2026-01-01',
      validTo: '2028-12-31',
      sequence: version,
    },
    metadata: {
      eventId: deterministicUuid(`bench:${streamId}:${version}`),
      correlationId: randomUUID(),
      causationId: randomUUID(),
      actor: { id: 'user-4711', role: 'operator' },
      clientIp: '203.0.113.17',
      occurredAt: new Date().toISOString(),
    },
  };
}

/** Bytes of the JSON data object, printed so the reader can check the event size. */
export const sampleDataBytes = (): number =>
  Buffer.byteLength(JSON.stringify(contractRegistered('contract-sample-0-0', 1).data));
