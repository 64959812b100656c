import { describe, expect, it } from 'vitest';
import type { WasteFlowRow } from '../../projections/observatory/wasteFlows.js';
import { affectsFunding, monthState, yearSummary } from '../../src/observatory/monthStatus.js';

const filed = (month: string, daysLate: number): WasteFlowRow => ({
  istatCode: '072006',
  month,
  status: 'submitted',
  versions: 1,
  rows: [],
  submittedRows: [],
  firstSubmittedAt: '2026-10-01T08:00:00.000Z',
  lastSubmittedAt: '2026-10-01T08:00:00.000Z',
  daysLate,
  affectsFunding: daysLate > 30,
  separateKg: 0,
  unsortedKg: 0,
  neutralKg: 0,
  unlockReason: null,
  unlockRequestedAt: null,
  submittedBy: null,
  submittedVersions: [],
  regionReturn: null,
});
const at = (iso: string) => new Date(iso);

describe('where a month stands', () => {
  it('is due, not missing, until its 15th has passed', () => {
    expect(monthState('2026-10', undefined, at('2026-11-15T20:00:00Z'))).toBe('due');
    expect(monthState('2026-10', undefined, at('2026-11-16T08:00:00Z'))).toBe('missing');
  });

  it('flags a month never filed once it is more than 30 days overdue', () => {
    // Due on 15 September: the 30th day after is 15 October, the 31st is 16 October (Rome).
    expect(affectsFunding('2026-08', undefined, at('2026-10-15T20:00:00Z'))).toBe(false);
    expect(affectsFunding('2026-08', undefined, at('2026-10-16T08:00:00Z'))).toBe(true);
  });

  it('keeps the flag of the first filing: a filed month is judged by its lateness then', () => {
    expect(affectsFunding('2026-08', filed('2026-08', 31), at('2026-12-01T08:00:00Z'))).toBe(true);
    expect(affectsFunding('2026-08', filed('2026-08', 2), at('2026-12-01T08:00:00Z'))).toBe(false);
  });

  it('carries the flag in the year summary, for filed and missing months alike', () => {
    const months = yearSummary(2026, [filed('2026-07', 40)], at('2026-11-20T10:00:00Z'));
    const flagged = months.filter((m) => m.funding).map((m) => [m.month, m.state]);
    expect(flagged).toEqual([
      ['2026-01', 'missing'],
      ['2026-02', 'missing'],
      ['2026-03', 'missing'],
      ['2026-04', 'missing'],
      ['2026-05', 'missing'],
      ['2026-06', 'missing'],
      ['2026-07', 'late'],
      ['2026-08', 'missing'],
      ['2026-09', 'missing'],
    ]);
  });
});
