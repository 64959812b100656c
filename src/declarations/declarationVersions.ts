import { contractStream } from '../../domain/contracts/contractDecider.js';
import type { ContractEvent } from '../../domain/contracts/contractEvents.js';
import type { DeclarationFigures } from '../../domain/declarations/declarationFigures.js';
import type { CopyOfRecord } from '../../domain/declarations/declarationEvents.js';
import type { Recorded, RecordedEvent } from '../platform/eventStore/eventStore.js';
import { formatNumber } from './pdf/italianFormat.js';

/** One filed version of a year's declaration: the first, then each correction. */
export interface DeclarationVersion {
  readonly protocolNumber: string | null;
  readonly receivedAt: string;
  readonly late: boolean;
  /** What a correction replaced and why; null for the first version. */
  readonly corrects: { readonly replaces: string; readonly reason: string } | null;
  readonly copyOfRecord: CopyOfRecord | null;
  /** The declared figures that differ from the version before, in Italian. */
  readonly changes: readonly string[];
}

const total = (items: readonly { volume: number }[]) =>
  items.reduce((sum, item) => sum + item.volume, 0);

/** The figures a reader compares between versions, by their label. */
const compared: readonly (readonly [string, (figures: DeclarationFigures) => number, string])[] = [
  ['Volume scaricato', (f) => f.dischargedVolume, ' m³'],
  ['Volume prelevato', (f) => total(f.waterSources), ' m³'],
  ['Volume misurato allo scarico', (f) => total(f.dischargeMeters), ' m³'],
  ['Volume detratto', (f) => total(f.deductions), ' m³'],
  ['Giorni di produzione', (f) => f.productionDays, ''],
];

function changes(before: DeclarationFigures, after: DeclarationFigures): string[] {
  return compared.flatMap(([label, value, unit]) =>
    value(before) === value(after)
      ? []
      : [
          `${label}: da ${formatNumber(value(before))}${unit} a ${formatNumber(value(after))}${unit}`,
        ],
  );
}

/** The year's versions from the contract's stream, oldest first, each with its number and copy. */
export function declarationVersions(
  events: readonly RecordedEvent[],
  year: number,
): DeclarationVersion[] {
  const versions: (DeclarationVersion & { figures: DeclarationFigures })[] = [];
  for (const event of events.filter(contractStream.holds) as Recorded<ContractEvent>[]) {
    if (!('year' in event.data) || event.data.year !== year) continue;
    const last = versions.at(-1);
    if (event.type === 'DeclarationSubmitted') {
      const { receivedAt, late, corrects, figures } = event.data;
      versions.push({
        protocolNumber: null,
        receivedAt,
        late,
        corrects: corrects ?? null,
        copyOfRecord: null,
        figures,
        changes: last ? changes(last.figures, figures) : [],
      });
    } else if (last && event.type === 'DeclarationProtocolled') {
      const { protocolNumber, copyOfRecord } = event.data;
      versions[versions.length - 1] = {
        ...last,
        protocolNumber,
        copyOfRecord: copyOfRecord ?? last.copyOfRecord,
      };
    } else if (event.type === 'CopyOfRecordStored') {
      // Each copy to the version it was rendered for, by its protocol number.
      const at = versions.findIndex((each) => each.protocolNumber === event.data.protocolNumber);
      if (at >= 0) versions[at] = { ...versions[at]!, copyOfRecord: event.data.copyOfRecord };
    }
  }
  return versions.map(({ figures: _figures, ...version }) => version);
}
