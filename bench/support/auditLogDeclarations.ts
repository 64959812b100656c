import type { DeclarationContent } from '../../domain/declarations/declarationEvents.js';
import type {
  Deduction,
  DeductionCategory,
  MeterReading,
  WaterSource,
  WaterSourceKind,
} from '../../domain/declarations/declarationFigures.js';
import { templateVersion } from '../../domain/campaigns/defaultCampaignSettings.js';
import { Random, round } from './auditLogRandom.js';
import { analysesOf, filesOf, yearOnYearWarning } from './auditLogDeclarationParts.js';

/** What a contract declares each year: its sources and meters, their yearly volumes. */
export interface ContractFigures {
  readonly contractNumber: string;
  readonly customerCode: string;
  readonly companyName: string;
  readonly plantAddress: string;
  readonly email: string;
  readonly firstYear: number;
  /** Seeds the figures of each year, so a year reads the same whenever it is generated. */
  readonly seed: number;
}

const sourceKinds: readonly (readonly [WaterSourceKind, number])[] = [
  ['acquedotto', 70],
  ['pozzo', 24],
  ['derivazione', 4],
  ['altro', 2],
];
const categories: readonly DeductionCategory[] = [
  'incorporata-nel-prodotto',
  'evaporata',
  'raffreddamento-circuito-chiuso',
  'smaltita-come-rifiuto-liquido',
  'scaricata-altrove',
];

/** A meter that runs on from year to year, wrapping at 99,999 m³. */
function reading(
  random: Random,
  shape: Random,
  serial: string,
  annual: number,
  years: number,
): MeterReading {
  const startReading = round((annual * years + shape.int(0, 9_000)) % 100_000, 0);
  const volume = round(annual * random.around(1, 0.08, 0.7, 1.3), 2);
  const end = startReading + volume;
  return {
    meterSerial: serial,
    startReading,
    endReading: round(end % 100_000, 2),
    rolledOver: end >= 100_000,
    volume,
  };
}

/** The figures of one contract and year, from the contract's own seed. */
export function declarationContent(
  contract: ContractFigures,
  year: number,
  preparedFiles: number,
): DeclarationContent {
  const shape = new Random(contract.seed);
  const random = new Random(contract.seed ^ (year * 7_919));
  const years = year - contract.firstYear;
  const scale = 10 ** shape.around(3.6, 0.45, 2.5, 5);
  const sources: WaterSource[] = Array.from({ length: shape.weighted(counts.sources) }, (_, i) => {
    const kind = i === 0 ? 'acquedotto' : shape.weighted(sourceKinds);
    const identifier =
      kind === 'acquedotto'
        ? contract.customerCode
        : `AUT-${shape.digits(3)}/${shape.int(2005, 2020)}`;
    const meter = reading(
      random,
      shape,
      `${kind.slice(0, 2).toUpperCase()}-${shape.digits(4)}`,
      scale / (i + 1),
      years,
    );
    return { kind, identifier, ...meter };
  });
  const withdrawn = sources.reduce((sum, source) => sum + source.volume, 0);
  const deductions: Deduction[] = Array.from(
    { length: shape.weighted(counts.deductions) },
    (_, i) => {
      const category = categories[(shape.int(0, 4) + i) % categories.length]!;
      return {
        category,
        volume: round(withdrawn * random.around(0.06, 0.02, 0.01, 0.15), 2),
        evidence:
          category === 'smaltita-come-rifiuto-liquido'
            ? `Formulari FIR ${year}`
            : `Relazione tecnica ${year}`,
        wasteCode: category === 'smaltita-come-rifiuto-liquido' ? '16 10 02' : null,
      };
    },
  );
  const discharged = withdrawn - deductions.reduce((sum, d) => sum + d.volume, 0);
  const meterCount = shape.weighted(counts.meters);
  const dischargeMeters = Array.from({ length: meterCount }, (_, i) =>
    reading(random, shape, `SC-${shape.digits(3)}${i}`, discharged / meterCount, years),
  );
  const analyses = shape.chance(0.75) ? analysesOf(random, year, shape.int(6, 20)) : null;
  return {
    year,
    templateVersion: templateVersion(year),
    notificationEmail: contract.email,
    files: filesOf(random, year, analyses !== null, preparedFiles),
    figures: {
      year,
      contractNumber: contract.contractNumber,
      customerCode: contract.customerCode,
      companyName: contract.companyName,
      plantAddress: contract.plantAddress,
      waterSources: sources,
      dischargeMeters,
      deductions,
      dischargedVolume: round(
        dischargeMeters.reduce((sum, m) => sum + m.volume, 0),
        2,
      ),
      productionDays: random.int(180, 300),
      notes: random.chance(0.3)
        ? 'Produzione regolare, fermo impianto ad agosto per manutenzione.'
        : '',
    },
    analyses,
    warnings: random.chance(0.15) ? [yearOnYearWarning] : [],
  };
}

const counts = {
  sources: [
    [1, 55],
    [2, 25],
    [3, 12],
    [4, 5],
    [5, 3],
  ] as const,
  meters: [
    [1, 70],
    [2, 22],
    [3, 8],
  ] as const,
  deductions: [
    [0, 45],
    [1, 30],
    [2, 15],
    [3, 7],
    [4, 3],
  ] as const,
};
