import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { parseRegistryFile, RegistryFileError } from '../../src/registry/registryFile.js';

describe('registry file', () => {
  it('reads a CSV with a header and ";" separators, reporting bad rows by line', async () => {
    const csv = [
      'codice cliente;numero contratto;ragione sociale;indirizzo',
      '1001234567;3001234567;Test SRL;Via Vai 1',
      '100123456;3001234568;Corta SRL;Via Vai 2',
      '1001234567;30012345;Corto SRL;Via Vai 3',
      '1001234567;3001234569;;Via Vai 4',
      '1001234567;3001234567;Doppia SRL;Via Vai 1',
      '"8901234567";"3008901234";"Euro Oil; SPA";"Via Pizzarotti 22"',
    ].join('\r\n');
    const parsed = await parseRegistryFile('anagrafica.csv', Buffer.from(`\uFEFF${csv}`));
    expect(parsed.rows.map((row) => [row.contractNumber, row.companyName])).toEqual([
      ['3001234567', 'Test SRL'],
      ['3008901234', 'Euro Oil; SPA'],
    ]);
    expect(parsed.rejected).toEqual([
      { line: 3, reason: 'codice cliente "100123456" non di 10 cifre' },
      { line: 4, reason: 'numero contratto "30012345" non di 10 cifre' },
      { line: 5, reason: 'ragione sociale mancante' },
      { line: 6, reason: 'coppia ripetuta nel file' },
    ]);
  });

  it('reads a comma-separated CSV without a header', async () => {
    const parsed = await parseRegistryFile(
      'a.csv',
      Buffer.from('1001234567,3001234567,Test SRL,"Via Vai 1, Bologna"\n'),
    );
    expect(parsed.rows).toEqual([
      {
        customerCode: '1001234567',
        contractNumber: '3001234567',
        companyName: 'Test SRL',
        plantAddress: 'Via Vai 1, Bologna',
      },
    ]);
  });

  it('reads the first sheet of an .xlsx, numbers typed as text or as numbers', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Anagrafica');
    sheet.addRow(['Codice cliente', 'Contratto', 'Ragione sociale', 'Indirizzo']);
    sheet.addRow(['1001234567', '3001234567', 'Test SRL', 'Via Vai 1']);
    sheet.addRow([8901234567, 3008901234, 'Euro Oil SPA', 'Via Pizzarotti 22']);
    const parsed = await parseRegistryFile(
      'a.xlsx',
      Buffer.from(await workbook.xlsx.writeBuffer()),
    );
    expect(parsed.rows.map((row) => row.customerCode)).toEqual(['1001234567', '8901234567']);
    expect(parsed.rejected).toEqual([]);
  });

  it('reads a Windows-1252 CSV, as Excel saves plain "CSV", with its accents', async () => {
    const csv = Buffer.from('1001234567;3001234567;Caffè Società;Via Perù 1\r\n', 'latin1');
    expect(csv.includes(0xe8)).toBe(true); // 'è' as one byte: not UTF-8
    const parsed = await parseRegistryFile('a.csv', csv);
    expect(parsed.rows.map((row) => [row.companyName, row.plantAddress])).toEqual([
      ['Caffè Società', 'Via Perù 1'],
    ]);
  });

  it('reads the Windows-1252 bytes that differ from Latin-1 (€, typographic quotes)', async () => {
    const csv = Buffer.from([
      ...Buffer.from('1001234567;3001234567;'),
      ...[0x80, 0x20, 0x92, 0x93, 0x94],
      ...Buffer.from(';Via Vai 1\n'),
    ]);
    const parsed = await parseRegistryFile('a.csv', csv);
    expect(parsed.rows[0]?.companyName).toBe('€ ’“”');
  });

  it('refuses a CSV in neither UTF-8 nor Windows-1252, in Italian', async () => {
    const csv = Buffer.from([...Buffer.from('1001234567;3001234567;A'), 0x81, 0xe8, 0x0a]);
    await expect(parseRegistryFile('a.csv', csv)).rejects.toThrow(
      'Il file CSV non è in una codifica riconosciuta (UTF-8 o Windows-1252)',
    );
  });

  it('names the row and the column of a broken quote, in Italian, without the file’s bytes', async () => {
    const cases = [
      [
        '1001234567;3001234567;A SRL;Via 1\n1001234568;"3001234568;B SRL;Via 2\n',
        'Riga 2, colonna 2: le virgolette aperte in questa cella non vengono mai chiuse.',
      ],
      [
        '1001234567;3001234567;"A" SRL;Via 1\n',
        'Riga 1, colonna 3: dopo le virgolette che chiudono la cella deve esserci il separatore o la fine della riga.',
      ],
      [
        '1001234567;3001234567;A SRL;Via 1\n\n1001234568;3001234568;B "SRL";Via 2\n',
        'Riga 3, colonna 3: virgolette a metà della cella',
      ],
    ] as const;
    for (const [csv, message] of cases) {
      const error = await parseRegistryFile('a.csv', Buffer.from(csv)).catch((e: unknown) => e);
      expect(error, csv).toBeInstanceOf(RegistryFileError);
      expect((error as Error).message, csv).toContain(message);
      expect((error as Error).message, csv).not.toMatch(/quote|line|SRL/i);
    }
  });

  it('rejects a row with a control or bidi character, or too long a name, and keeps the others', async () => {
    const csv = [
      '1001234561;3001234561;Mario\u0000Rossi;Via 1',
      '1001234562;3001234562;Nome\u202Eevil;Via 2',
      '1001234563;3001234563;Isolato \u2067;Via 3',
      '1001234564;3001234564;Buona SRL;Via\u0085 4',
      `1001234565;3001234565;${'A'.repeat(201)};Via 5`,
      `1001234566;3001234566;${'B'.repeat(200)};Via 6`,
      '100123456\u0007;3001234567;C SRL;Via 7',
    ].join('\n');
    const parsed = await parseRegistryFile('a.csv', Buffer.from(csv));
    expect(parsed.rows.map((row) => row.contractNumber)).toEqual(['3001234566']);
    const unsafe = (field: string) =>
      `${field} con caratteri non ammessi (di controllo, di direzione del testo o non validi)`;
    expect(parsed.rejected).toEqual([
      { line: 1, reason: unsafe('ragione sociale') },
      { line: 2, reason: unsafe('ragione sociale') },
      { line: 3, reason: unsafe('ragione sociale') },
      { line: 4, reason: unsafe('indirizzo') },
      { line: 5, reason: 'ragione sociale più lunga di 200 caratteri' },
      { line: 7, reason: unsafe('codice cliente') },
    ]);
  });

  it('names a file that is not a readable workbook', async () => {
    await expect(
      parseRegistryFile('a.xlsx', Buffer.from('PK\u0003\u0004 not really a zip')),
    ).rejects.toBeInstanceOf(RegistryFileError);
  });
});
