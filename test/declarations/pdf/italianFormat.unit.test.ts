import { describe, expect, it } from 'vitest';
import { formatDate } from '../../../domain/shared/italianDate.js';
import {
  formatBytes,
  formatEuro,
  formatRomeDateTime,
  formatVolume,
} from '../../../src/declarations/pdf/italianFormat.js';

describe('Italian formats', () => {
  it('groups thousands with a dot and decimals with a comma, four digits included', () => {
    expect(formatVolume(1234.5)).toBe('1.234,5 m³');
    expect(formatVolume(15574.75)).toBe('15.574,75 m³');
    expect(formatBytes(6551203)).toBe('6.551.203 byte');
    expect(formatEuro(3600.7596)).toBe('3.600,76 €');
  });

  it('prints instants in Rome time, winter and summer', () => {
    expect(formatRomeDateTime('2026-01-15T09:23:45.000Z')).toBe('15/01/2026 10:23:45');
    expect(formatRomeDateTime('2026-07-15T09:23:45.000Z')).toBe('15/07/2026 11:23:45');
    expect(formatRomeDateTime('2026-01-31T23:30:00.000Z')).toBe('01/02/2026 00:30:00');
  });

  it('prints ISO dates as dd/mm/yyyy', () => {
    expect(formatDate('2026-01-31')).toBe('31/01/2026');
    expect(() => formatDate('31/01/2026')).toThrow();
  });
});
