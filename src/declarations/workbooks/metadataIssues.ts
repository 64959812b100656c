import type { WorkbookIssue } from '../../../domain/declarations/declarationFigures.js';
import { fileIssue } from './issues.js';
import type { TemplateMetadata } from './templateMetadata.js';
import { kindName, type ExpectedWorkbook, type WorkbookKind } from './templateContext.js';

const KINDS: readonly WorkbookKind[] = ['dichiarazione', 'analisi', 'checklist'];

/** "al posto del modello della dichiarazione", "al posto della check-list …" */
const insteadOf: Record<WorkbookKind, string> = {
  dichiarazione: 'al posto del modello della dichiarazione',
  analisi: 'al posto del modello delle analisi chimiche',
  checklist: 'al posto della check-list dei fattori di rischio',
};

const versionParts = (version: string): [number, number] | null => {
  const match = /^(\d{4})\.(\d+)$/.exec(version.trim());
  return match ? [Number(match[1]), Number(match[2])] : null;
};

function isOlder(version: string, than: string): boolean {
  const a = versionParts(version);
  const b = versionParts(than);
  return a !== null && b !== null && (a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]));
}

export function missingMetadata(expected: ExpectedWorkbook): WorkbookIssue {
  return fileIssue(
    expected.kind,
    'TemplateNotRecognised',
    'Il file non è un modello scaricato dal portale: manca il foglio nascosto che lo identifica.',
    `Scarica ${kindName[expected.kind]} per l'anno ${expected.year}, compilalo e caricalo ` +
      'così com’è, senza copiarne i dati in un altro file.',
  );
}

function wrongKind(kind: WorkbookKind, expected: ExpectedWorkbook): WorkbookIssue {
  return fileIssue(
    expected.kind,
    'TemplateWrongKind',
    `Hai caricato ${kindName[kind]} ${insteadOf[expected.kind]}.`,
    `Carica qui ${kindName[expected.kind]}; ${kindName[kind]} si carica nel suo passo.`,
  );
}

function wrongYear(meta: TemplateMetadata, expected: ExpectedWorkbook): WorkbookIssue | null {
  if (meta.year === String(expected.year)) return null;
  return fileIssue(
    expected.kind,
    'TemplateWrongYear',
    `Il modello è dell'anno ${meta.year}, ma stai dichiarando l'anno ${expected.year}.`,
    `Scarica il modello dell'anno ${expected.year} e riporta i dati in quello.`,
  );
}

function wrongContract(meta: TemplateMetadata, expected: ExpectedWorkbook): WorkbookIssue | null {
  if (meta.contractNumber !== expected.contractNumber) {
    return fileIssue(
      expected.kind,
      'TemplateWrongContract',
      `Il modello è del contratto ${meta.contractNumber}, non del contratto ` +
        `${expected.contractNumber} per cui stai dichiarando.`,
      `Scarica il modello del contratto ${expected.contractNumber}, oppure seleziona il ` +
        'contratto giusto prima di caricare il file.',
    );
  }
  if (meta.customerCode === expected.customerCode) return null;
  return fileIssue(
    expected.kind,
    'TemplateWrongCustomer',
    `Il modello è intestato al codice cliente ${meta.customerCode}, ma il contratto ` +
      `${expected.contractNumber} ha codice cliente ${expected.customerCode}.`,
    'Scarica di nuovo il modello dal portale per questo contratto.',
  );
}

/** Which template the workbook is, against which the declarant should have uploaded. */
export function checkMetadata(meta: TemplateMetadata, expected: ExpectedWorkbook): WorkbookIssue[] {
  const kind = KINDS.find((k) => k === meta.kind);
  if (!kind) return [missingMetadata(expected)];
  if (kind !== expected.kind) return [wrongKind(kind, expected)];
  const issues = [wrongYear(meta, expected), wrongContract(meta, expected)].filter(
    (issue) => issue !== null,
  );
  if (issues.length > 0 || meta.templateVersion === expected.templateVersion) return issues;
  return [versionIssue(meta.templateVersion, expected)];
}

function versionIssue(version: string, expected: ExpectedWorkbook): WorkbookIssue {
  return isOlder(version, expected.templateVersion)
    ? fileIssue(
        expected.kind,
        'TemplateOutdated',
        `Il modello è la versione ${version}, superata dalla versione ` +
          `${expected.templateVersion} in uso per questa campagna.`,
        'Scarica il modello aggiornato dal portale e riporta i dati in quello.',
      )
    : fileIssue(
        expected.kind,
        'TemplateVersionUnknown',
        `Il modello ha una versione (${version}) che il portale non riconosce: è attesa la ` +
          `${expected.templateVersion}.`,
        'Scarica di nuovo il modello dal portale e riporta i dati in quello.',
      );
}
