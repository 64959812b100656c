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

  it('names a file that is not a readable workbook', async () => {
    await expect(
      parseRegistryFile('a.xlsx', Buffer.from('PK\u0003\u0004 not really a zip')),
    ).rejects.toBeInstanceOf(RegistryFileError);
  });
});
