import { describe, expect, it } from 'vitest';
import { mayReadDeclaration, mayReadVersion } from '../../../domain/contracts/contract.js';
import { contractDecider } from '../../../domain/contracts/contractDecider.js';
import type { ContractEvent } from '../../../domain/contracts/contractEvents.js';
import type {
  DeclarationContent,
  Signatory,
} from '../../../domain/declarations/declarationEvents.js';
import {
  currentReview,
  versionRows,
  versionsOfYear,
  type PlacedContractEvent,
} from '../../../domain/declarations/declarationVersions.js';
import type { DeclarationFigures } from '../../../domain/declarations/declarationFigures.js';
import { fold } from '../../../domain/shared/decider.js';

const figures = (dischargedVolume: number): DeclarationFigures => ({
  year: 2025,
  contractNumber: '3001234567',
  customerCode: '1001234567',
  companyName: 'Test SRL',
  plantAddress: 'Via Vai 1, 40100 Bologna (BO)',
  waterSources: [
    {
      kind: 'acquedotto',
      identifier: '1001234567',
      meterSerial: 'M1',
      startReading: 0,
      endReading: dischargedVolume + 1000,
      rolledOver: false,
      volume: dischargedVolume + 1000,
    },
  ],
  dischargeMeters: [],
  deductions: [],
  dischargedVolume,
  productionDays: 230,
  notes: '',
});

const signatory = (accountId: string, name: string): Signatory => ({
  accountId,
  name,
  username: accountId,
  email: `${accountId}@test.example`,
  kind: accountId.startsWith('studio') ? 'studio' : 'ditta',
});

const file = (sha: string) => ({
  slot: 'dichiarazione' as const,
  filename: `${sha}.xlsx`,
  contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  size: 100,
  sha256: sha.repeat(64),
  description: null,
});

const content = (volume: number, sha: string): DeclarationContent => ({
  year: 2025,
  templateVersion: '2025.1',
  notificationEmail: 'ufficio@test.example',
  files: [file(sha)],
  figures: figures(volume),
  analyses: null,
  warnings: [],
});

const submitted = (
  by: Signatory,
  volume: number,
  sha: string,
  corrects?: { replaces: string; reason: string },
): ContractEvent => ({
  type: 'DeclarationSubmitted',
  data: {
    ...content(volume, sha),
    signatory: by,
    receivedAt: '2026-01-20T10:00:00.000Z',
    deadline: '2026-03-31',
    late: false,
    warningsAcknowledged: false,
    ...(corrects ? { corrects } : {}),
  },
});

const protocolled = (protocolNumber: string): ContractEvent => ({
  type: 'DeclarationProtocolled',
  data: { year: 2025, protocolNumber, notificationEmail: 'ufficio@test.example' },
});

const stored = (protocolNumber: string, sha: string): ContractEvent => ({
  type: 'CopyOfRecordStored',
  data: {
    year: 2025,
    protocolNumber,
    copyOfRecord: { sha256: sha.repeat(64), size: 10 },
    notificationEmail: 'ufficio@test.example',
  },
});

const reviewed = (
  protocolNumber: string,
  outcome: 'accettata' | 'integrazione-richiesta',
): ContractEvent => ({
  type: 'DeclarationReviewed',
  data: {
    year: 2025,
    protocolNumber,
    outcome,
    note: outcome === 'accettata' ? '' : 'Manca il rapporto di prova.',
    dueBy: outcome === 'accettata' ? null : '2026-02-28',
    reviewedBy: { accountId: 'operatore-1', name: 'Olga Operatrice' },
    reviewedAt: '2026-01-25T09:00:00.000Z',
    notified: ['ufficio@test.example'],
  },
});

const reopened = (protocolNumber: string): ContractEvent => ({
  type: 'DeclarationReopened',
  data: {
    year: 2025,
    protocolNumber,
    reason: 'Errore nel volume segnalato dalla ditta',
    reopenedBy: { accountId: 'operatore-1', name: 'Olga Operatrice' },
  },
});

const studio = signatory('studio-1', 'Studio Rossi');
const ditta = signatory('ditta-1', 'Ditta Bianchi');

/** Events as the log places them: version n, one minute apart. */
const placed = (events: readonly ContractEvent[]): PlacedContractEvent[] =>
  events.map((event, i) => ({
    ...event,
    version: i + 1,
    metadata: { occurredAt: `2026-01-2${Math.min(i, 9)}T08:00:00.000Z` },
  }));

const correction = { replaces: '2025/000001', reason: 'Volume letto dal contatore sbagliato.' };
const twoVersions = [
  submitted(studio, 4000, 'a'),
  protocolled('2025/000001'),
  stored('2025/000001', 'c'),
  reviewed('2025/000001', 'integrazione-richiesta'),
  submitted(ditta, 4200, 'b', correction),
  protocolled('2025/000002'),
  stored('2025/000002', 'd'),
];

describe('a declaration’s versions', () => {
  it('keeps each version with its number, copy, files, filer and the event that filed it', () => {
    const versions = versionsOfYear(placed(twoVersions), 2025);
    expect(versions).toHaveLength(2);
    expect(versions[0]).toMatchObject({
      protocolNumber: '2025/000001',
      submittedBy: 'studio-1',
      signatoryName: 'Studio Rossi',
      corrects: null,
      copyOfRecord: { sha256: 'c'.repeat(64) },
      files: [{ sha256: 'a'.repeat(64) }],
      eventVersion: 1,
    });
    expect(versions[1]).toMatchObject({
      protocolNumber: '2025/000002',
      submittedBy: 'ditta-1',
      corrects: correction,
      copyOfRecord: { sha256: 'd'.repeat(64) },
      files: [{ sha256: 'b'.repeat(64) }],
      eventVersion: 5,
    });
    expect(versionsOfYear(placed(twoVersions), 2024)).toEqual([]);
  });

  it('gives each version its own outcomes: the first keeps its integration request', () => {
    const [first, second] = versionsOfYear(placed(twoVersions), 2025);
    expect(currentReview(first)).toMatchObject({
      outcome: 'integrazione-richiesta',
      dueBy: '2026-02-28',
    });
    expect(currentReview(second)).toBeNull();
  });

  it('an outcome taken back leaves no current outcome, and both stay as steps', () => {
    const events = placed([
      submitted(ditta, 4000, 'a'),
      protocolled('2025/000001'),
      reviewed('2025/000001', 'accettata'),
      reopened('2025/000001'),
    ]);
    const [version] = versionsOfYear(events, 2025);
    expect(currentReview(version)).toBeNull();
    expect(version!.steps.map((step) => step.kind)).toEqual(['review', 'reopened']);
    expect(version!.steps[1]).toMatchObject({
      reason: 'Errore nel volume segnalato dalla ditta',
      reopenedAt: events[3]!.metadata.occurredAt,
    });
  });

  it('lists the declared figures a correction changed, with before and after', () => {
    const rows = versionRows(versionsOfYear(placed(twoVersions), 2025));
    expect(rows[0]!.changes).toEqual([]);
    expect(rows[1]!.changes).toEqual([
      { label: 'Volume scaricato', unit: 'm³', before: 4000, after: 4200 },
      { label: 'Volume prelevato', unit: 'm³', before: 5000, after: 5200 },
    ]);
    expect(rows[0]!.review?.outcome).toBe('integrazione-richiesta');
  });
});

describe('who reads which version', () => {
  const claimed: ContractEvent = {
    type: 'ContractClaimed',
    data: { previousManagerId: 'studio-1', managerId: 'ditta-1' },
  };
  it('a former manager keeps the year after another files a correction, but only its versions', () => {
    // Only the declaration's events and the hand-over: who reads is decided on them alone.
    const events = [
      twoVersions[0]!,
      twoVersions[1]!,
      twoVersions[2]!,
      claimed,
      ...twoVersions.slice(4),
    ];
    const state = fold(contractDecider, events);
    expect(mayReadDeclaration(state, 2025, 'studio-1')).toBe(true);
    expect(mayReadDeclaration(state, 2025, 'stranger')).toBe(false);
    const [first, second] = versionsOfYear(placed(events), 2025);
    expect(mayReadVersion(state, 'studio-1', first!)).toBe(true);
    expect(mayReadVersion(state, 'studio-1', second!)).toBe(false);
    expect(mayReadVersion(state, 'ditta-1', first!)).toBe(true);
  });
});
