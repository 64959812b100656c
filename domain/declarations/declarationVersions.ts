import type { InclusionReceipt } from '../audit/treeHeads.js';
import type { Correction } from './correctDeclaration.js';
import type { DeclarationFigures } from './declarationFigures.js';
import type { ContractEvent } from '../contracts/contractEvents.js';
import type { CopyOfRecord, DeclarationFile } from './declarationEvents.js';
import type { Review } from './reviewDeclaration.js';

/*
 * A year's declaration as its versions: the first filing, then each correction (rettifica), each
 * with its own protocol number, copy of record and outcomes. The latest is the one in force. One
 * fold serves the read model (projections/declarations) and the pages that read the stream.
 */

/** The declared figures a reader compares between versions. */
export interface VersionFigures {
  readonly dischargedVolume: number;
  readonly withdrawnVolume: number;
  readonly meteredVolume: number;
  readonly deductedVolume: number;
  readonly productionDays: number;
}

/** What happened to a version after it was filed: an outcome, or the utility taking one back. */
export type ReviewStep =
  | ({ readonly kind: 'review' } & Review)
  | {
      readonly kind: 'reopened';
      readonly reason: string;
      readonly reopenedBy: { readonly accountId: string; readonly name: string };
      readonly reopenedAt: string;
    };

export interface DeclarationVersion {
  readonly protocolNumber: string | null;
  readonly receivedAt: string;
  readonly late: boolean;
  /** The organisation that filed it, and the person's name as the copy prints it. */
  readonly submittedBy: string;
  readonly signatoryName: string;
  readonly notificationEmail: string;
  /** What a correction replaced and why; null for the first version. */
  readonly corrects: Correction | null;
  readonly files: readonly DeclarationFile[];
  readonly figures: VersionFigures;
  readonly copyOfRecord: CopyOfRecord | null;
  /** The copy's evidence that the version is in the signed log. */
  readonly receipt: InclusionReceipt | null;
  /** Outcomes and reopenings, oldest first. */
  readonly steps: readonly ReviewStep[];
  /** The place of the version's DeclarationSubmitted in its contract's stream. */
  readonly eventVersion: number;
}

const total = (items: readonly { volume: number }[]) =>
  items.reduce((sum, item) => sum + item.volume, 0);

export const versionFigures = (figures: DeclarationFigures): VersionFigures => ({
  dischargedVolume: figures.dischargedVolume,
  withdrawnVolume: total(figures.waterSources),
  meteredVolume: total(figures.dischargeMeters),
  deductedVolume: total(figures.deductions),
  productionDays: figures.productionDays,
});

/** The compared figures by their Italian label and unit. */
export const comparedFigures: readonly (readonly [keyof VersionFigures, string, string])[] = [
  ['dischargedVolume', 'Volume scaricato', 'm³'],
  ['withdrawnVolume', 'Volume prelevato', 'm³'],
  ['meteredVolume', 'Volume misurato allo scarico', 'm³'],
  ['deductedVolume', 'Volume detratto', 'm³'],
  ['productionDays', 'Giorni di produzione', ''],
];

export interface FigureChange {
  readonly label: string;
  readonly unit: string;
  readonly before: number;
  readonly after: number;
}

/** The figures that differ from the version before; none for the first. */
export function figureChanges(
  versions: readonly DeclarationVersion[],
  index: number,
): FigureChange[] {
  const before = versions[index - 1]?.figures;
  const after = versions[index]?.figures;
  if (!before || !after) return [];
  return comparedFigures.flatMap(([key, label, unit]) =>
    before[key] === after[key] ? [] : [{ label, unit, before: before[key], after: after[key] }],
  );
}

/** The version's current outcome: its latest, unless the utility took it back since. */
export function currentReview(version: DeclarationVersion | undefined): Review | null {
  const last = version?.steps.at(-1);
  if (last?.kind !== 'review') return null;
  const { outcome, note, dueBy, reviewedBy, reviewedAt } = last;
  return { outcome, note, dueBy, reviewedBy, reviewedAt };
}

/** Where an event stands: when it happened, and its place in the contract's stream. */
export interface EventPlace {
  readonly at: string;
  readonly version: number;
}

/** The year's versions after one of its events. */
export function evolveVersions(
  versions: readonly DeclarationVersion[],
  event: ContractEvent,
  place: EventPlace,
): readonly DeclarationVersion[] {
  /** The version a number names; the latest when no number is given (events before numbers). */
  const update = (
    protocolNumber: string | null,
    change: (version: DeclarationVersion) => Partial<DeclarationVersion>,
  ) => {
    const at = protocolNumber
      ? versions.findIndex((each) => each.protocolNumber === protocolNumber)
      : versions.length - 1;
    if (at < 0) return versions;
    return versions.map((each, i) => (i === at ? { ...each, ...change(each) } : each));
  };
  switch (event.type) {
    case 'DeclarationSubmitted': {
      const { data } = event;
      return [
        ...versions,
        {
          protocolNumber: null,
          receivedAt: data.receivedAt,
          late: data.late,
          submittedBy: data.signatory.accountId,
          signatoryName: data.signatory.name,
          notificationEmail: data.notificationEmail,
          corrects: data.corrects ?? null,
          files: data.files,
          figures: versionFigures(data.figures),
          copyOfRecord: null,
          receipt: null,
          steps: [],
          eventVersion: place.version,
        },
      ];
    }
    case 'DeclarationProtocolled':
      // The number goes to the latest version, the one still waiting for it.
      return update(null, (version) => ({
        protocolNumber: event.data.protocolNumber,
        copyOfRecord: event.data.copyOfRecord ?? version.copyOfRecord,
      }));
    case 'CopyOfRecordStored':
      return update(event.data.protocolNumber, () => ({
        copyOfRecord: event.data.copyOfRecord,
        receipt: event.data.receipt ?? null,
      }));
    case 'DeclarationReviewed': {
      const { outcome, note, dueBy, reviewedBy, reviewedAt, protocolNumber } = event.data;
      return update(protocolNumber, (version) => ({
        steps: [...version.steps, { kind: 'review', outcome, note, dueBy, reviewedBy, reviewedAt }],
      }));
    }
    case 'DeclarationReopened': {
      const { reason, reopenedBy, protocolNumber } = event.data;
      return update(protocolNumber, (version) => ({
        steps: [...version.steps, { kind: 'reopened', reason, reopenedBy, reopenedAt: place.at }],
      }));
    }
    default:
      return versions;
  }
}

/** A contract's event with its place, as the log gives it. */
export type PlacedContractEvent = ContractEvent & {
  readonly version: number;
  readonly metadata: { readonly occurredAt: string };
};

/** A year's versions from its contract's events, oldest first. */
export function versionsOfYear(
  events: readonly PlacedContractEvent[],
  year: number,
): readonly DeclarationVersion[] {
  return events
    .filter((event) => 'year' in event.data && event.data.year === year)
    .reduce<readonly DeclarationVersion[]>(
      (versions, event) =>
        evolveVersions(versions, event, { at: event.metadata.occurredAt, version: event.version }),
      [],
    );
}

/** The versions as the pages list them: each with its current outcome and what it changed. */
export const versionRows = (versions: readonly DeclarationVersion[]) =>
  versions.map((version, i) => ({
    ...version,
    review: currentReview(version),
    changes: figureChanges(versions, i),
  }));
