import type { CampaignSettings } from './campaignSettings.js';
import type { DeclarationFigures, MeterReading, WorkbookIssue } from './declarationFigures.js';
import {
  issueMaker,
  nowhere,
  num,
  pct,
  ROW_TOLERANCE,
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

function checkMeter(meter: MeterReading, ref: (field: string) => FigureRef, issue: IssueOf) {
  const found: WorkbookIssue[] = [];
  const name = meter.meterSerial ? `del contatore ${meter.meterSerial}` : 'del contatore';
  for (const field of ['startReading', 'endReading', 'volume'] as const) {
    if (meter[field] < 0) {
      found.push(
        issue(
          'error',
          'NegativeValue',
          ref(field),
          `Un valore ${name} è negativo (${num(meter[field])}).`,
          'Letture e volumi sono zero o positivi: correggi il segno.',
        ),
      );
    }
  }
  if (found.length > 0) return found;
  const difference = meter.endReading - meter.startReading;
  if (meter.rolledOver) {
    if (meter.volume < meter.endReading) {
      found.push(
        issue(
          'error',
          'RollOverVolumeTooSmall',
          ref('volume'),
          `Con il giro ${name} il volume (${num(meter.volume)} m³) non può essere inferiore alla lettura di fine anno (${num(meter.endReading)} m³).`,
          'Scrivi il volume effettivo: valore massimo del contatore meno lettura iniziale, più lettura finale.',
        ),
      );
    }
  } else if (difference < 0) {
    found.push(
      issue(
        'error',
        'ReadingsDecreasing',
        ref('endReading'),
        `La lettura di fine anno ${name} (${num(meter.endReading)}) è inferiore a quella di inizio anno (${num(meter.startReading)}).`,
        'Controlla le letture; se il contatore ha superato il valore massimo ed è ripartito da zero, indica «Sì» in «Giro contatore».',
      ),
    );
  } else if (Math.abs(meter.volume - difference) > ROW_TOLERANCE) {
    found.push(
      issue(
        'error',
        'VolumeMismatch',
        ref('volume'),
        `Il volume ${name} (${num(meter.volume)} m³) non corrisponde alla differenza delle letture (${num(difference)} m³).`,
        `Scrivi ${num(difference)} m³ oppure correggi le letture (tolleranza ${num(ROW_TOLERANCE)} m³).`,
      ),
    );
  }
  return found;
}

function checkDeductions(figures: DeclarationFigures, issue: IssueOf): WorkbookIssue[] {
  return figures.deductions.flatMap((d, index) => {
    const ref = (field: string): FigureRef => ({ list: 'deductions', index, field });
    const found: WorkbookIssue[] = [];
    if (d.volume < 0) {
      found.push(
        issue(
          'error',
          'NegativeValue',
          ref('volume'),
          `Il volume detratto è negativo (${num(d.volume)} m³).`,
          'I volumi sono zero o positivi: correggi il segno.',
        ),
      );
    }
    if (d.evidence.trim() === '') {
      found.push(
        issue(
          'error',
          'EvidenceMissing',
          ref('evidence'),
          'La detrazione non indica la documentazione che la prova.',
          'Indica il documento o la misura che giustifica il volume detratto.',
        ),
      );
    }
    const code = d.wasteCode?.trim() ?? '';
    if (d.category === 'smaltita-come-rifiuto-liquido' && code === '') {
      found.push(
        issue(
          'error',
          'WasteCodeMissing',
          ref('wasteCode'),
          "Per l'acqua smaltita come rifiuto liquido manca il codice EER.",
          'Indica il codice EER del rifiuto (es. 16 10 02), come nel formulario.',
        ),
      );
    } else if (code !== '' && !/^\d{2} ?\d{2} ?\d{2}\*?$/.test(code)) {
      found.push(
        issue(
          'error',
          'WasteCodeInvalid',
          ref('wasteCode'),
          `«${code}» non è un codice EER.`,
          'Il codice EER ha sei cifre, eventualmente seguite da un asterisco (es. 16 10 02 oppure 16 10 01*).',
        ),
      );
    }
    return found;
  });
}

const sum = (items: readonly { volume: number }[]) =>
  items.reduce((total, item) => total + item.volume, 0);

function checkBalance(
  figures: DeclarationFigures,
  settings: CampaignSettings,
  issue: IssueOf,
): WorkbookIssue[] {
  const withdrawn = sum(figures.waterSources);
  const deducted = sum(figures.deductions);
  const ref: FigureRef = { list: 'summary', index: null, field: 'dischargedVolume' };
  if (figures.dischargedVolume < 0) {
    return [
      issue(
        'error',
        'NegativeValue',
        ref,
        `Il volume scaricato è negativo (${num(figures.dischargedVolume)} m³).`,
        'Il volume scaricato è zero o positivo: correggi il segno.',
      ),
    ];
  }
  if (deducted > withdrawn) {
    return [
      issue(
        'error',
        'DeductionsExceedWithdrawn',
        { list: 'deductions', index: null, field: 'volume' },
        `Le detrazioni (${num(deducted)} m³) superano il volume prelevato (${num(withdrawn)} m³).`,
        'Controlla i volumi detratti e quelli delle fonti di approvvigionamento.',
      ),
    ];
  }
  const expected = withdrawn - deducted;
  const allowed = Math.max(settings.volumeTolerance * expected, ROW_TOLERANCE);
  if (Math.abs(figures.dischargedVolume - expected) <= allowed) return [];
  return [
    issue(
      'error',
      'VolumeBalanceMismatch',
      ref,
      `Il volume scaricato (${num(figures.dischargedVolume)} m³) non corrisponde al prelevato meno le detrazioni: ${num(withdrawn)} − ${num(deducted)} = ${num(expected)} m³, con una tolleranza del ${pct(settings.volumeTolerance)} (${num(allowed)} m³).`,
      'Correggi il volume scaricato, i volumi delle fonti o le detrazioni in modo che i conti tornino.',
    ),
  ];
}

function checkYear(
  figures: DeclarationFigures,
  settings: CampaignSettings,
  previous: number | null,
  issue: IssueOf,
): WorkbookIssue[] {
  const ref: FigureRef = { list: 'summary', index: null, field: 'productionDays' };
  const found: WorkbookIssue[] = [];
  const days = figures.productionDays;
  if (!Number.isInteger(days) || days < 1 || days > 366) {
    found.push(
      issue(
        'error',
        'ProductionDaysOutOfRange',
        ref,
        `I giorni di produzione (${num(days)}) devono essere un numero intero da 1 a 366.`,
        "Indica quanti giorni l'impianto ha prodotto nell'anno.",
      ),
    );
  }
  if (previous !== null && previous > 0) {
    const change = (figures.dischargedVolume - previous) / previous;
    if (Math.abs(change) > settings.yearOnYearTolerance) {
      found.push(
        issue(
          'warning',
          'YearOnYearChange',
          { ...ref, field: 'dischargedVolume' },
          `Il volume scaricato (${num(figures.dischargedVolume)} m³) differisce del ${pct(Math.abs(change))} da quello dell'anno precedente (${num(previous)} m³), oltre il ±${pct(settings.yearOnYearTolerance)} atteso.`,
          'Se il dato è corretto spiegane il motivo nelle note; altrimenti correggilo.',
        ),
      );
    }
  }
  return found;
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
    figures[list].flatMap((meter, index) =>
      checkMeter(meter, (field) => ({ list, index, field }), issue),
    );
  const noSource =
    figures.waterSources.length === 0
      ? [
          issue(
            'error',
            'NoWaterSource',
            { list: 'waterSources', index: null, field: 'kind' },
            'Non è indicata nessuna fonte di approvvigionamento.',
            'Indica almeno una fonte (acquedotto, pozzo o derivazione) con le sue letture.',
          ),
        ]
      : [];
  const rowIssues = [
    ...noSource,
    ...meters('waterSources'),
    ...meters('dischargeMeters'),
    ...checkDeductions(figures, issue),
  ];
  const balance = rowIssues.length === 0 ? checkBalance(figures, settings, issue) : [];
  return [
    ...rowIssues,
    ...balance,
    ...checkYear(figures, settings, previousDischargedVolume, issue),
  ];
}
