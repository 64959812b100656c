import type { CampaignSettings } from '../campaigns/campaignSettings.js';
import type {
  DeclarationFigures,
  Deduction,
  MeterReading,
  WorkbookIssue,
} from './declarationFigures.js';
import {
  issueMaker,
  nowhere,
  num,
  pct,
  ROW_TOLERANCE,
  type FigureList,
  type FigureRef,
  type IssueOf,
  type LocateFigure,
} from './figureIssues.js';

/**
 * The rules across the figures of a declaration, once each cell has been read. Pure: the workbook
 * reader passes `locate` to turn a figure into its sheet and cell; without it issues name no cell.
 *
 * Decisions: a row's volume must equal end − start within 0.5 m³; when the meter rolled over the
 * declared volume is accepted as long as it is not below the end reading (it is (max − start) +
 * end, and max ≥ start). The balance allows max(volumeTolerance × (withdrawn − deductions), 0.5 m³).
 */

type Ref = (field: string) => FigureRef;
const refIn =
  (list: FigureList, index: number): Ref =>
  (field) => ({ list, index, field });

function negativeReadings(meter: MeterReading, name: string, ref: Ref, issue: IssueOf) {
  return (['startReading', 'endReading', 'volume'] as const)
    .filter((field) => meter[field] < 0)
    .map((field) =>
      issue.error(
        'NegativeValue',
        ref(field),
        `Un valore ${name} è negativo (${num(meter[field])}).`,
        'Letture e volumi sono zero o positivi: correggi il segno.',
      ),
    );
}

function readingsIssue(meter: MeterReading, name: string, ref: Ref, issue: IssueOf) {
  const difference = meter.endReading - meter.startReading;
  if (meter.rolledOver) {
    if (meter.volume >= meter.endReading) return null;
    return issue.error(
      'RollOverVolumeTooSmall',
      ref('volume'),
      `Con il giro ${name} il volume (${num(meter.volume)} m³) non può essere inferiore alla lettura di fine anno (${num(meter.endReading)} m³).`,
      'Scrivi il volume effettivo: valore massimo del contatore meno lettura iniziale, più lettura finale.',
    );
  }
  if (difference < 0) {
    return issue.error(
      'ReadingsDecreasing',
      ref('endReading'),
      `La lettura di fine anno ${name} (${num(meter.endReading)}) è inferiore a quella di inizio anno (${num(meter.startReading)}).`,
      'Controlla le letture; se il contatore ha superato il valore massimo ed è ripartito da zero, indica «Sì» in «Giro contatore».',
    );
  }
  if (Math.abs(meter.volume - difference) <= ROW_TOLERANCE) return null;
  return issue.error(
    'VolumeMismatch',
    ref('volume'),
    `Il volume ${name} (${num(meter.volume)} m³) non corrisponde alla differenza delle letture (${num(difference)} m³).`,
    `Scrivi ${num(difference)} m³ oppure correggi le letture (tolleranza ${num(ROW_TOLERANCE)} m³).`,
  );
}

function checkMeter(meter: MeterReading, ref: Ref, issue: IssueOf): WorkbookIssue[] {
  const name = meter.meterSerial ? `del contatore ${meter.meterSerial}` : 'del contatore';
  const negative = negativeReadings(meter, name, ref, issue);
  if (negative.length > 0) return negative;
  const readings = readingsIssue(meter, name, ref, issue);
  return readings ? [readings] : [];
}

function wasteCodeIssue(d: Deduction, ref: Ref, issue: IssueOf): WorkbookIssue | null {
  const code = d.wasteCode?.trim() ?? '';
  if (d.category === 'smaltita-come-rifiuto-liquido' && code === '') {
    return issue.error(
      'WasteCodeMissing',
      ref('wasteCode'),
      "Per l'acqua smaltita come rifiuto liquido manca il codice EER.",
      'Indica il codice EER del rifiuto (es. 16 10 02), come nel formulario.',
    );
  }
  if (code === '' || /^\d{2} ?\d{2} ?\d{2}\*?$/.test(code)) return null;
  return issue.error(
    'WasteCodeInvalid',
    ref('wasteCode'),
    `«${code}» non è un codice EER.`,
    'Il codice EER ha sei cifre, eventualmente seguite da un asterisco (es. 16 10 02 oppure 16 10 01*).',
  );
}

function checkDeduction(d: Deduction, ref: Ref, issue: IssueOf): WorkbookIssue[] {
  const found: (WorkbookIssue | null)[] = [
    d.volume < 0
      ? issue.error(
          'NegativeValue',
          ref('volume'),
          `Il volume detratto è negativo (${num(d.volume)} m³).`,
          'I volumi sono zero o positivi: correggi il segno.',
        )
      : null,
    d.evidence.trim() === ''
      ? issue.error(
          'EvidenceMissing',
          ref('evidence'),
          'La detrazione non indica la documentazione che la prova.',
          'Indica il documento o la misura che giustifica il volume detratto.',
        )
      : null,
    wasteCodeIssue(d, ref, issue),
  ];
  return found.filter((item) => item !== null);
}

const sum = (items: readonly { volume: number }[]) =>
  items.reduce((total, item) => total + item.volume, 0);

function balanceIssue(figures: DeclarationFigures, settings: CampaignSettings, issue: IssueOf) {
  const withdrawn = sum(figures.waterSources);
  const deducted = sum(figures.deductions);
  const ref: FigureRef = { list: 'summary', index: null, field: 'dischargedVolume' };
  if (figures.dischargedVolume < 0) {
    return issue.error(
      'NegativeValue',
      ref,
      `Il volume scaricato è negativo (${num(figures.dischargedVolume)} m³).`,
      'Il volume scaricato è zero o positivo: correggi il segno.',
    );
  }
  if (deducted > withdrawn) {
    return issue.error(
      'DeductionsExceedWithdrawn',
      { list: 'deductions', index: null, field: 'volume' },
      `Le detrazioni (${num(deducted)} m³) superano il volume prelevato (${num(withdrawn)} m³).`,
      'Controlla i volumi detratti e quelli delle fonti di approvvigionamento.',
    );
  }
  const expected = withdrawn - deducted;
  const allowed = Math.max(settings.volumeTolerance * expected, ROW_TOLERANCE);
  if (Math.abs(figures.dischargedVolume - expected) <= allowed) return null;
  return issue.error(
    'VolumeBalanceMismatch',
    ref,
    `Il volume scaricato (${num(figures.dischargedVolume)} m³) non corrisponde al prelevato meno le detrazioni: ${num(withdrawn)} − ${num(deducted)} = ${num(expected)} m³, con una tolleranza del ${pct(settings.volumeTolerance)} (${num(allowed)} m³).`,
    'Correggi il volume scaricato, i volumi delle fonti o le detrazioni in modo che i conti tornino.',
  );
}

function productionDaysIssue(days: number, issue: IssueOf): WorkbookIssue | null {
  if (Number.isInteger(days) && days >= 1 && days <= 366) return null;
  return issue.error(
    'ProductionDaysOutOfRange',
    { list: 'summary', index: null, field: 'productionDays' },
    `I giorni di produzione (${num(days)}) devono essere un numero intero da 1 a 366.`,
    "Indica quanti giorni l'impianto ha prodotto nell'anno.",
  );
}

function yearOnYearIssue(
  volume: number,
  previous: number | null,
  settings: CampaignSettings,
  issue: IssueOf,
): WorkbookIssue | null {
  if (previous === null || previous <= 0) return null;
  const change = Math.abs(volume - previous) / previous;
  if (change <= settings.yearOnYearTolerance) return null;
  return issue.warning(
    'YearOnYearChange',
    { list: 'summary', index: null, field: 'dischargedVolume' },
    `Il volume scaricato (${num(volume)} m³) differisce del ${pct(change)} da quello dell'anno precedente (${num(previous)} m³), oltre il ±${pct(settings.yearOnYearTolerance)} atteso.`,
    'Se il dato è corretto spiegane il motivo nelle note; altrimenti correggilo.',
  );
}

function noSourceIssue(figures: DeclarationFigures, issue: IssueOf): WorkbookIssue[] {
  if (figures.waterSources.length > 0) return [];
  return [
    issue.error(
      'NoWaterSource',
      { list: 'waterSources', index: null, field: 'kind' },
      'Non è indicata nessuna fonte di approvvigionamento.',
      'Indica almeno una fonte (acquedotto, pozzo o derivazione) con le sue letture.',
    ),
  ];
}

/** Errors and warnings of a declaration's figures against the campaign's settings. */
export function checkDeclaration(
  figures: DeclarationFigures,
  settings: CampaignSettings,
  previousDischargedVolume: number | null,
  locate: LocateFigure = nowhere,
): WorkbookIssue[] {
  const issue = issueMaker('dichiarazione', locate);
  const meters = (list: 'waterSources' | 'dischargeMeters') =>
    figures[list].flatMap((meter, index) => checkMeter(meter, refIn(list, index), issue));
  const rows = [
    ...noSourceIssue(figures, issue),
    ...meters('waterSources'),
    ...meters('dischargeMeters'),
    ...figures.deductions.flatMap((d, index) =>
      checkDeduction(d, refIn('deductions', index), issue),
    ),
  ];
  // The balance means something only once every row is right.
  const totals = [
    rows.length === 0 ? balanceIssue(figures, settings, issue) : null,
    productionDaysIssue(figures.productionDays, issue),
    yearOnYearIssue(figures.dischargedVolume, previousDischargedVolume, settings, issue),
  ];
  return [...rows, ...totals.filter((item) => item !== null)];
}
