import { describe, expect, it } from 'vitest';
import type { DeclarationTarget } from '../../src/declarations/declarationAccess.js';
import { previousVolume } from '../../src/declarations/validateDraft.js';
import type { RecordedEvent } from '../../src/platform/eventStore/eventStore.js';

/** A contract's stream as the target reads it: only what previousVolume looks at. */
const recorded = (version: number, type: string, data: Record<string, unknown>): RecordedEvent =>
  ({
    streamId: 'contract-3001234567',
    version,
    type,
    data,
    metadata: { occurredAt: '2026-01-20T10:00:00.000Z' },
  }) as unknown as RecordedEvent;

const submitted = (version: number, year: number, volume: number, corrects?: object) =>
  recorded(version, 'DeclarationSubmitted', {
    year,
    receivedAt: '2026-01-20T10:00:00.000Z',
    late: false,
    notificationEmail: 'a@b.example',
    signatory: { accountId: 'ditta-1', name: 'Ditta' },
    files: [],
    figures: {
      dischargedVolume: volume,
      waterSources: [],
      dischargeMeters: [],
      deductions: [],
      productionDays: 200,
    },
    ...(corrects ? { corrects } : {}),
  });

const target = (year: number, events: RecordedEvent[]) =>
  ({ year, events }) as unknown as DeclarationTarget;

describe('last year’s volume, for the year-on-year warning', () => {
  it('is the volume of last year’s version in force, from the contract’s stream', () => {
    const events = [
      submitted(1, 2024, 1000),
      submitted(2, 2025, 4000),
      recorded(3, 'DeclarationProtocolled', { year: 2025, protocolNumber: '2025/000001' }),
      submitted(4, 2025, 4200, { replaces: '2025/000001', reason: 'Contatore.' }),
    ];
    expect(previousVolume(target(2026, events))).toBe(4200);
    expect(previousVolume(target(2025, events))).toBe(1000);
  });

  it('is none when last year was not filed', () =>
    expect(previousVolume(target(2024, [submitted(1, 2024, 1000)]))).toBeNull());
});
