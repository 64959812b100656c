import type { FlowRow } from '../../domain/observatory/flowEvents.js';
import type { Municipality } from '../../domain/observatory/reference/municipalities.js';
import { round, type Random } from './auditLogRandom.js';

/** A fraction a municipality files: its share of the month's tonnes and where it usually goes. */
type Fraction = readonly [
  eerCode: string,
  share: number,
  operation: string,
  method: string,
  plants: readonly string[],
];

const fractions: readonly Fraction[] = [
  ['200301', 0.38, 'D8', 'porta-a-porta', ['Impianto TMB Cerignola', 'Impianto TMB Conversano']],
  ['200108', 0.22, 'R3', 'porta-a-porta', ['Compostaggio Modugno', 'Biosud Manduria']],
  ['200101', 0.08, 'R3', 'porta-a-porta', ['Piattaforma carta Bari', 'Maceri Sud Lecce']],
  ['150101', 0.04, 'R3', 'porta-a-porta', ['Piattaforma carta Bari']],
  ['150106', 0.07, 'R3', 'porta-a-porta', ['Centro selezione Modugno', 'CSS Brindisi']],
  ['150107', 0.06, 'R5', 'stradale', ['Piattaforma vetro Ginosa']],
  ['200201', 0.04, 'R3', 'centro-di-raccolta', ['Compostaggio Modugno']],
  ['200307', 0.025, 'R13', 'su-chiamata', ['Centro di raccolta comunale']],
  ['200303', 0.03, 'R5', 'altro', ['Recupero inerti Altamura']],
  ['200138', 0.012, 'R3', 'centro-di-raccolta', ['Legno Sud Barletta']],
  ['200140', 0.006, 'R4', 'centro-di-raccolta', ['Metalli Puglia Bitonto']],
  ['200110', 0.005, 'R3', 'stradale', ['Tessili Solidali Andria']],
  ['200136', 0.004, 'R13', 'centro-di-raccolta', ['RAEE Puglia Triggiano']],
  ['200135', 0.002, 'R13', 'centro-di-raccolta', ['RAEE Puglia Triggiano']],
  ['200123', 0.002, 'R13', 'centro-di-raccolta', ['RAEE Puglia Triggiano']],
  ['200125', 0.0006, 'R13', 'centro-di-raccolta', ['Oli Esausti Sud']],
  ['200133', 0.0004, 'R13', 'stradale', ['Pile e Accumulatori Taranto']],
  ['200132', 0.0003, 'D15', 'stradale', ['Farmaci Scaduti Foggia']],
];

const transporters = [
  'AMIU Puglia S.p.A.',
  'Teorema S.p.A.',
  'Ecotecnica S.r.l.',
  'Tradeco S.r.l.',
  'Gial Plast S.r.l.',
  'Lombardi Ecologia S.r.l.',
];

const capitals = new Set(['Bari', 'Taranto', 'Foggia', 'Lecce', 'Brindisi', 'Andria', 'Barletta']);

/** Tonnes a month, from a few dozen for a village to some 14,000 for Bari. */
export function tonnesScale(random: Random, municipality: Municipality): number {
  const exponent = capitals.has(municipality.name)
    ? random.around(3.7, 0.25, 3.3, 4.15)
    : random.around(2.5, 0.45, 1.3, 3.6);
  return 10 ** exponent;
}

/** The month's rows: each fraction once, big towns splitting some between plants and carriers. */
export function flowRows(random: Random, scale: number, month: string): FlowRow[] {
  const seasonal = month.endsWith('-07') || month.endsWith('-08') ? 1.18 : 1;
  const carrier = random.pick(transporters);
  const rows: FlowRow[] = [];
  for (const [eerCode, share, operation, method, plants] of fractions) {
    const tonnes = scale * share * seasonal * random.around(1, 0.1, 0.6, 1.5);
    if (tonnes < 0.05 && random.chance(0.5)) continue;
    const split = scale > 2_000 && plants.length > 1 ? plants.length : 1;
    for (let i = 0; i < split; i++) {
      rows.push({
        eerCode,
        tonnes: round(tonnes / split, 3),
        collectionMethod: method,
        transporter: split > 1 ? random.pick(transporters) : carrier,
        destinationPlant: plants[i]!,
        operation,
      });
    }
  }
  return rows;
}
