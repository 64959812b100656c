import type { WorkbookIssue } from '../../../domain/declarations/declarationFigures.js';
import { notZipText } from './fileSniff.js';
import { fileIssue } from './issues.js';
import type { WorkbookLimits } from './limits.js';
import type { ActiveContent, CountLimit, Refusal, ZipProblem } from './refusal.js';
import type { WorkbookKind } from './templateContext.js';

/** A refusal in words: what is wrong with the file, and what to do about it. */
interface RefusalText {
  readonly code: string;
  readonly problem: string;
  readonly fix: string;
  readonly sheet?: string;
}

const RESAVE =
  'Apri il file con Excel o LibreOffice, salvalo di nuovo come «Cartella di lavoro di Excel ' +
  '(.xlsx)» e caricalo; se non si apre, riparti dal file originale.';
const KEEP_ONLY_DATA =
  'Lascia nel file solo i dati che servono (cancella le righe e le colonne in più, anche quelle ' +
  'che sembrano vuote) e carica di nuovo il file.';

const figure = (n: number) => n.toLocaleString('it-IT');
const megabytes = (bytes: number) => `${figure(bytes / 1024 / 1024)} MB`;
const text = (code: string, problem: string, fix: string): RefusalText => ({ code, problem, fix });

function zipText(problem: ZipProblem, part: string | undefined, l: WorkbookLimits): RefusalText {
  switch (problem) {
    case 'ZipCorrupt':
      return text(
        'FileCorrupt',
        'Il file è danneggiato o incompleto (per esempio un caricamento interrotto).',
        RESAVE,
      );
    case 'ZipTooLarge':
      return text(
        'FileTooLargeUncompressed',
        `Il file, una volta decompresso, supera ${megabytes(l.maxTotalSize)}: non è un foglio di dati.`,
        RESAVE,
      );
    case 'ZipEntryTooLarge':
      return text(
        'FilePartTooLarge',
        `Una parte interna del file (${part ?? '?'}), una volta decompressa, supera ` +
          `${megabytes(l.maxEntrySize)}: non è un foglio di dati.`,
        RESAVE,
      );
    case 'ZipRatio':
      return text(
        'FileCompressionRatio',
        `Il file è compresso più di ${figure(l.maxRatio)} volte (${part ?? '?'}): è un archivio ` +
          'costruito per esplodere una volta aperto, non un foglio di dati.',
        RESAVE,
      );
    case 'ZipTooManyEntries':
      return text(
        'FileTooManyParts',
        `Il file contiene troppe parti interne: al massimo ${figure(l.maxEntries)}.`,
        RESAVE,
      );
    case 'ZipEncrypted':
      return text(
        'FileEncrypted',
        'Il file è protetto da password: il portale non può leggerlo.',
        'Togli la password e carica di nuovo il file.',
      );
  }
}

function limitText(limit: CountLimit, where: string, l: WorkbookLimits): RefusalText {
  switch (limit) {
    case 'rows':
      return text(
        'SheetTooLarge',
        `${where} contiene troppe righe compilate: al massimo ${figure(l.maxRowsPerSheet)}.`,
        KEEP_ONLY_DATA,
      );
    case 'cells':
      return text(
        'FileTooManyCells',
        `Il file contiene troppe celle compilate: al massimo ${figure(l.maxCells)}.`,
        KEEP_ONLY_DATA,
      );
    case 'strings':
      return text(
        'FileTooManyStrings',
        `Il file contiene troppi testi distinti: al massimo ${figure(l.maxSharedStrings)}.`,
        KEEP_ONLY_DATA,
      );
    case 'stringLength':
      return text(
        'CellTextTooLong',
        `Una cella contiene un testo troppo lungo: al massimo ${figure(l.maxStringLength)} caratteri.`,
        'Accorcia il testo della cella e carica di nuovo il file.',
      );
  }
}

const SAVE_CLEAN = 'salvalo come «Cartella di lavoro di Excel (.xlsx)» e caricalo di nuovo.';
const ACTIVE: Record<ActiveContent, readonly [string, string, string]> = {
  macro: [
    'FileHasMacros',
    'Il file contiene macro',
    'Il portale non accetta file con macro: salvalo come «Cartella di lavoro di Excel (.xlsx)», ' +
      'senza macro, e caricalo di nuovo.',
  ],
  externalLink: [
    'FileHasExternalLinks',
    'Il file contiene collegamenti ad altri file',
    `In Excel usa Dati › Modifica collegamenti › Interrompi collegamento, poi ${SAVE_CLEAN}`,
  ],
  embedded: [
    'FileHasEmbeddedObjects',
    'Il file contiene oggetti incorporati, OLE o ActiveX',
    `Elimina dal file gli oggetti incorporati (documenti, controlli), poi ${SAVE_CLEAN}`,
  ],
};

/** The words for a refusal, with the figures of the limits that were applied. */
export function refusalText(refusal: Refusal, limits: WorkbookLimits): RefusalText {
  switch (refusal.kind) {
    case 'empty':
      return text(
        'FileEmpty',
        'Il file è vuoto (0 byte).',
        'Scegli il file compilato e caricalo di nuovo.',
      );
    case 'notZip':
      return notZipText(refusal.type);
    case 'zip':
      return zipText(refusal.problem, refusal.part, limits);
    case 'xml':
      return text(
        'FileCorrupt',
        `Il file è danneggiato: la sua parte interna ${refusal.part} non è XML valido.`,
        RESAVE,
      );
    case 'notWorkbook':
      return notWorkbookText(refusal.parts);
    case 'active': {
      const [code, problem, fix] = ACTIVE[refusal.content];
      return text(code, `${problem} (${refusal.part}).`, fix);
    }
    case 'limit': {
      const where = refusal.sheet ? `Il foglio «${refusal.sheet}»` : `Un foglio (${refusal.part})`;
      const words = limitText(refusal.limit, where, limits);
      return refusal.sheet ? { ...words, sheet: refusal.sheet } : words;
    }
  }
}

/** A zip without a workbook: say what it is when it is recognisable. */
function notWorkbookText(parts: ReadonlySet<string>): RefusalText {
  const saveAs = 'Compila il modello Excel scaricato dal portale e caricalo in formato .xlsx.';
  if (parts.has('word/document.xml'))
    return text('FileIsWordDocument', 'Il file è un documento Word, non un foglio Excel.', saveAs);
  if (parts.has('mimetype') && parts.has('content.xml'))
    return text(
      'FileIsOpenDocument',
      'Il file è in formato OpenDocument (.ods), non Excel (.xlsx).',
      'In LibreOffice usa File › Salva con nome › «Excel 2007-365 (.xlsx)» e carica quel file.',
    );
  if (parts.has('xl/workbook.bin'))
    return text(
      'FileIsBinaryWorkbook',
      'Il file è una cartella di lavoro binaria di Excel (.xlsb), non un .xlsx.',
      'In Excel usa File › Salva con nome › «Cartella di lavoro di Excel (.xlsx)».',
    );
  return text(
    'FileNotXlsx',
    'Il file è un archivio compresso, non un foglio Excel (.xlsx).',
    saveAs,
  );
}

/** A refused upload as the declaration's issue list shows it: the file is not kept. */
export function refusalIssue(
  file: WorkbookKind,
  refusal: Refusal,
  limits: WorkbookLimits,
): WorkbookIssue {
  const { code, problem, fix, sheet } = refusalText(refusal, limits);
  return { ...fileIssue(file, code, problem, fix), ...(sheet ? { sheet } : {}) };
}
