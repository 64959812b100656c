import type { WorkbookIssue } from '../../../domain/declarations/declarationFigures.js';
import { fileIssue } from './issues.js';
import type { WorkbookKind } from './templateContext.js';
import { uploadLimits } from './limits.js';
import type { ZipEntry, ZipProblem } from './zipArchive.js';

const RESAVE =
  'Apri il file con Excel o LibreOffice, salvalo di nuovo come «Cartella di lavoro di Excel ' +
  '(.xlsx)» e caricalo; se non si apre, riparti dal modello scaricato dal portale.';

export function zipIssue(file: WorkbookKind, problem: ZipProblem): WorkbookIssue {
  switch (problem) {
    case 'ZipCorrupt':
      return fileIssue(
        file,
        'FileCorrupt',
        'Il file è danneggiato o incompleto (per esempio un caricamento interrotto).',
        RESAVE,
      );
    case 'ZipTooLarge':
      return fileIssue(
        file,
        'FileTooLargeUncompressed',
        `Il file, una volta decompresso, supera ${uploadLimits.maxTotalSize / 1024 / 1024} MB: non è un ` +
          'modello compilato.',
        RESAVE,
      );
    case 'ZipTooManyEntries':
      return fileIssue(
        file,
        'FileTooManyParts',
        'Il file contiene troppe parti interne per essere un modello compilato.',
        RESAVE,
      );
    case 'ZipEncrypted':
      return fileIssue(
        file,
        'FileEncrypted',
        'Il file è protetto da password: il portale non può leggerlo.',
        'Togli la password e carica di nuovo il file.',
      );
  }
}

/** A zip without a workbook: say what it is when it is recognisable. */
export function notWorkbookIssue(
  file: WorkbookKind,
  entries: ReadonlyMap<string, ZipEntry>,
): WorkbookIssue {
  const saveAs = 'Compila il modello Excel scaricato dal portale e caricalo in formato .xlsx.';
  if (entries.has('word/document.xml')) {
    return fileIssue(
      file,
      'FileIsWordDocument',
      'Il file è un documento Word, non un foglio Excel.',
      saveAs,
    );
  }
  if (entries.has('mimetype') && entries.has('content.xml')) {
    return fileIssue(
      file,
      'FileIsOpenDocument',
      'Il file è in formato OpenDocument (.ods), non Excel (.xlsx).',
      'In LibreOffice usa File › Salva con nome › «Excel 2007-365 (.xlsx)» e carica quel file.',
    );
  }
  if (entries.has('xl/workbook.bin')) {
    return fileIssue(
      file,
      'FileIsBinaryWorkbook',
      'Il file è una cartella di lavoro binaria di Excel (.xlsb), non un .xlsx.',
      'In Excel usa File › Salva con nome › «Cartella di lavoro di Excel (.xlsx)».',
    );
  }
  return fileIssue(
    file,
    'FileNotXlsx',
    'Il file è un archivio compresso, non un foglio Excel (.xlsx).',
    saveAs,
  );
}

export function sheetTooLargeIssue(file: WorkbookKind, sheet: string): WorkbookIssue {
  return {
    ...fileIssue(
      file,
      'SheetTooLarge',
      `Il foglio «${sheet}» ha più di ${uploadLimits.maxRowsPerSheet.toLocaleString('it-IT')} righe compilate: troppe per un ` +
        'modello di dichiarazione.',
      'Lascia nel foglio solo le righe richieste dal modello (cancella le righe in più, anche ' +
        'quelle che sembrano vuote) e carica di nuovo il file.',
    ),
    sheet,
  };
}
