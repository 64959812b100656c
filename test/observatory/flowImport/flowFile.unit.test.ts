import ExcelJS from 'exceljs';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { FlowRow } from '../../../domain/observatory/flowEvents.js';
import { readFlowFile } from '../../../src/observatory/flowImport/flowFile.js';
import {
  flowTemplateCsv,
  flowTemplateXlsx,
} from '../../../src/observatory/flowImport/flowTemplates.js';

const header = [
  'Codice EER',
  'Quantità (t)',
  'Modalità di raccolta',
  'Trasportatore',
  'Impianto di destinazione',
  'Operazione (R/D)',
];
const unsorted = ['20 03 01', '1200,5', 'porta-a-porta', 'Igiene Srl', 'TMB Bari', 'D8'];
const glass = ['150107', '300', 'stradale', 'Igiene Srl', 'Piattaforma vetro', 'R5'];

const rowsOfFile: FlowRow[] = [
  {
    eerCode: '200301',
    tonnes: 1200.5,
    collectionMethod: 'porta-a-porta',
    transporter: 'Igiene Srl',
    destinationPlant: 'TMB Bari',
    operation: 'D8',
  },
  {
    eerCode: '150107',
    tonnes: 300,
    collectionMethod: 'stradale',
    transporter: 'Igiene Srl',
    destinationPlant: 'Piattaforma vetro',
    operation: 'R5',
  },
];

const csv = (lines: readonly (readonly string[])[], separator = ';') =>
  Buffer.from(lines.map((line) => line.join(separator)).join('\r\n') + '\r\n');

/** A workbook whose first sheet has these rows; a cell may be a formula `{ formula, result }`. */
async function xlsx(lines: readonly (readonly ExcelJS.CellValue[])[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Flussi');
  lines.forEach((line, index) => {
    line.forEach((value, column) => {
      if (value !== null && value !== '') sheet.getCell(index + 1, column + 1).value = value;
    });
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

const errorsOf = async (name: string, bytes: Uint8Array) => {
  const reading = await readFlowFile(name, bytes);
  if (reading.ok) throw new Error('expected the file to be refused');
  return reading.errors;
};

describe('the month’s file, read as the form reads its rows', () => {
  it('reads the rows of a CSV and of an .xlsx with the form’s columns', async () => {
    expect(await readFlowFile('maggio.csv', csv([header, unsorted, glass]))).toEqual({
      ok: true,
      rows: rowsOfFile,
    });
    const workbook = await xlsx([
      header,
      [...unsorted.slice(0, 1), 1200.5, ...unsorted.slice(2)],
      glass,
    ]);
    expect(await readFlowFile('maggio.xlsx', workbook)).toEqual({ ok: true, rows: rowsOfFile });
  });

  it('takes both templates back as they were downloaded, prefilled rows and all', async () => {
    const fromXlsx = await readFlowFile('modello.xlsx', await flowTemplateXlsx(rowsOfFile));
    expect(fromXlsx).toEqual({ ok: true, rows: rowsOfFile });
    const fromCsv = await readFlowFile('modello.csv', Buffer.from(flowTemplateCsv(rowsOfFile)));
    expect(fromCsv).toEqual({ ok: true, rows: rowsOfFile });
  });

  it('keeps a transporter the form took with a leading sign, through the CSV template and back', async () => {
    const signed = rowsOfFile.map((row) => ({ ...row, transporter: '+Eco Srl' }));
    const csvTemplate = flowTemplateCsv(signed);
    expect(csvTemplate).toContain("'+Eco Srl");
    expect(await readFlowFile('modello.csv', Buffer.from(csvTemplate))).toEqual({
      ok: true,
      rows: signed,
    });
  });

  it('says of an empty template that it holds only the headers', async () => {
    expect(await errorsOf('modello.xlsx', await flowTemplateXlsx([]))).toEqual([
      'Il file contiene solo le intestazioni: aggiungi una riga per ogni rifiuto del mese.',
    ]);
    expect(await errorsOf('modello.csv', Buffer.from(flowTemplateCsv([])))).toEqual([
      'Il file contiene solo le intestazioni: aggiungi una riga per ogni rifiuto del mese.',
    ]);
  });

  it('accepts the labels of the lists, in any case, headers without accents, commas', async () => {
    const loose = [
      [
        'codice eer',
        'QUANTITA (T)',
        'modalita di raccolta',
        'trasportatore',
        'Impianto  di destinazione',
        'operazione (r/d)',
      ],
      ['20 03 01', '1200.5', 'Porta a porta', 'Igiene Srl', 'TMB Bari', 'd8'],
      [
        '15 01 07',
        '300',
        'CONTENITORI STRADALI',
        'Igiene Srl',
        'Piattaforma vetro',
        'R5 – Riciclaggio/recupero di altre sostanze inorganiche',
      ],
    ];
    const reading = await readFlowFile('maggio.csv', csv(loose, ','));
    expect(reading).toEqual({ ok: true, rows: rowsOfFile });
  });

  it('names each problem by the file’s row (header = 1) and column, all of them at once', async () => {
    const lines = [
      header,
      ['20 03 01', '0', 'porta-a-porta', 'Igiene Srl', 'TMB Bari', 'D8'],
      glass,
      ['999999', '12,3456', 'porta-a-porta', 'Igiene Srl', 'TMB Bari', 'D8'],
      ['20 03 01', '5', 'a domicilio', 'Igiene Srl', 'TMB Bari', 'X1'],
    ];
    expect(await errorsOf('maggio.csv', csv(lines))).toEqual([
      'Riga 2, colonna "Quantità (t)": la quantità deve essere maggiore di zero.',
      'Riga 4, colonna "Codice EER": codice EER non presente nell’elenco dei rifiuti urbani.',
      'Riga 4, colonna "Quantità (t)": quantità in tonnellate con al massimo 3 decimali (es. 12,345).',
      'Riga 5, colonna "Modalità di raccolta": modalità di raccolta «a domicilio» non prevista: indicare porta-a-porta, stradale, centro-di-raccolta, su-chiamata, altro.',
      'Riga 5, colonna "Operazione (R/D)": operazione «X1» non prevista: indicare un codice da R1 a R13 o da D1 a D15.',
    ]);
  });

  it('tells a missing value and a repeated row, with the row it repeats', async () => {
    const lines = [
      header,
      unsorted,
      ['15 01 07', '300', 'stradale', '', 'Piattaforma vetro', 'R5'],
      ['200301', '3', 'porta-a-porta', 'igiene srl', 'tmb bari', 'D8'],
    ];
    expect(await errorsOf('maggio.csv', csv(lines))).toEqual([
      'Riga 3, colonna "Trasportatore": indicare il trasportatore.',
      'Riga 4, colonna "Codice EER": questa riga ripete la riga 2: somma le quantità in una sola riga.',
    ]);
  });

  it('refuses formulas, in an .xlsx and in a CSV, and a cell with a calculation error', async () => {
    const workbook = await xlsx([
      header,
      [
        '20 03 01',
        { formula: 'SUM(1,2)', result: 3 },
        'porta-a-porta',
        'Igiene Srl',
        'TMB Bari',
        'D8',
      ],
      [
        '15 01 07',
        { error: '#DIV/0!' },
        'stradale',
        { formula: 'HYPERLINK("http://x")' },
        'Piattaforma vetro',
        'R5',
      ],
    ]);
    expect(await errorsOf('maggio.xlsx', workbook)).toEqual([
      'Riga 2, colonna "Quantità (t)": la cella contiene una formula: scrivi il valore, non la formula.',
      'Riga 3, colonna "Quantità (t)": la cella contiene un errore di calcolo («#DIV/0!»): scrivi il valore.',
      'Riga 3, colonna "Trasportatore": la cella contiene una formula: scrivi il valore, non la formula.',
    ]);
    const injected = csv([
      header,
      ['20 03 01', '5', 'porta-a-porta', "=cmd|'/c calc'!A1", 'TMB', 'D8'],
      ['20 03 01', '-5', 'stradale', '@SUM(1)', 'TMB', 'D8'],
    ]);
    expect(await errorsOf('maggio.csv', injected)).toEqual([
      'Riga 2, colonna "Trasportatore": la cella contiene una formula: scrivi il valore, non la formula.',
      'Riga 3, colonna "Quantità (t)": quantità in tonnellate con al massimo 3 decimali (es. 12,345).',
      'Riga 3, colonna "Trasportatore": la cella contiene una formula: scrivi il valore, non la formula.',
    ]);
  });

  it('refuses control and direction characters in any column', async () => {
    const lines = [
      header,
      ['20 03 01', '5', 'porta-a-porta', 'Igiene\u0007 Srl', 'TMB\u202e Bari', 'D8'],
    ];
    const expected = [
      'Riga 2, colonna "Trasportatore": il testo contiene caratteri di controllo non ammessi: riscriverlo senza copiarlo da altri programmi.',
      'Riga 2, colonna "Impianto di destinazione": il testo contiene caratteri che invertono la direzione della scrittura: eliminarli.',
    ];
    expect(await errorsOf('maggio.csv', csv(lines))).toEqual(expected);
    const withTab = await xlsx([
      header,
      ['20 03 01', 5, 'porta-a-porta', 'Igiene\tSrl', 'TMB\u202e Bari', 'D8'],
    ]);
    expect(await errorsOf('maggio.xlsx', withTab)).toEqual(expected);
  });

  it('names wrong, missing and repeated headers, and values outside the columns', async () => {
    const lines = [
      [
        'EER',
        'Quantità (t)',
        'Modalità di raccolta',
        'Trasportatore',
        'Trasportatore',
        'Operazione (R/D)',
      ],
      unsorted,
    ];
    expect(await errorsOf('maggio.csv', csv(lines))).toEqual([
      'Riga 1, colonna A: intestazione «EER» non prevista.',
      'Riga 1: manca la colonna "Codice EER".',
      'Riga 1: la colonna "Trasportatore" è ripetuta.',
      'Riga 1: manca la colonna "Impianto di destinazione".',
      'Le colonne del modello sono: "Codice EER", "Quantità (t)", "Modalità di raccolta", "Trasportatore", "Impianto di destinazione", "Operazione (R/D)".',
    ]);
    const extra = csv([header, [...unsorted, 'nota a margine']]);
    expect(await errorsOf('maggio.csv', extra)).toEqual([
      'Riga 2, colonna G: valore «nota a margine» fuori dalle colonne del modello.',
    ]);
    const headerLater = await xlsx([[], header, unsorted]);
    expect((await errorsOf('maggio.xlsx', headerLater))[0]).toMatch(
      /^Riga 1: la prima riga del file deve contenere le intestazioni/,
    );
  });

  it('refuses an empty file, a file too large and a month of more than 500 rows', async () => {
    expect(await errorsOf('maggio.csv', new Uint8Array())).toEqual([
      'Il file è vuoto (0 byte): scegli il file compilato.',
    ]);
    const large = Buffer.alloc(1024 * 1024 + 1, 'a');
    expect(await errorsOf('maggio.csv', large)).toEqual([
      'Il file supera la dimensione massima di 1 MB.',
    ]);
    const many = Array.from({ length: 501 }, (_, i) => [
      '20 03 01',
      '1',
      'porta-a-porta',
      `T${i}`,
      'TMB',
      'D8',
    ]);
    const tooMany = /^Il file contiene più di 500 righe di dati: al massimo 500 per mese\./;
    expect((await errorsOf('maggio.csv', csv([header, ...many])))[0]).toMatch(tooMany);
    expect((await errorsOf('maggio.xlsx', await xlsx([header, ...many])))[0]).toMatch(tooMany);
    const fiveHundred = await readFlowFile('maggio.csv', csv([header, ...many.slice(0, 500)]));
    expect(fiveHundred.ok && fiveHundred.rows.length).toBe(500);
  });

  it('says what a file is when it is no spreadsheet, whatever its name says', async () => {
    const pdf = Buffer.from('%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n');
    expect(await errorsOf('maggio.xlsx', pdf)).toEqual([
      expect.stringMatching(/^Il file è un PDF, non un foglio Excel\./),
    ]);
    expect(await errorsOf('maggio.csv', pdf)).toEqual([
      'Il file è un PDF, non un file CSV o Excel.',
    ]);
    expect(await errorsOf('maggio.pdf', pdf)).toEqual([
      'Il file deve essere in formato CSV (.csv) o Excel (.xlsx): scarica il modello e compilalo.',
    ]);
    const zip = zipSync({ 'word/document.xml': new TextEncoder().encode('<w:document/>') });
    expect(await errorsOf('maggio.xlsx', zip)).toEqual([
      expect.stringMatching(/^Il file è un documento Word, non un foglio Excel\./),
    ]);
    const workbook = await xlsx([header, unsorted]);
    expect((await errorsOf('maggio.csv', workbook))[0]).toMatch(/è un foglio Excel o un archivio/);
    expect((await errorsOf('maggio.xlsx', csv([header, unsorted])))[0]).toMatch(
      /^Il file è un testo \(per esempio un CSV\), non un foglio Excel\./,
    );
  });

  it('reads a CSV that Excel saved in Windows-1252', async () => {
    const text = [header, unsorted, glass].map((line) => line.join(';')).join('\r\n');
    const windows1252 = Buffer.from(text, 'latin1');
    expect(windows1252.includes(0xe0)).toBe(true); // 'à' as one byte, not UTF-8
    expect(await readFlowFile('maggio.csv', windows1252)).toEqual({ ok: true, rows: rowsOfFile });
  });

  it('tells a CSV whose quotes never close, by its row', async () => {
    const broken = Buffer.from(
      `${header.join(';')}\r\n20 03 01;5;porta-a-porta;"Igiene Srl;TMB;D8\r\n`,
    );
    expect((await errorsOf('maggio.csv', broken))[0]).toMatch(/^Il file CSV non è leggibile/);
  });
});
