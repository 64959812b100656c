import { describe, expect, it } from 'vitest';
import { parseRegistryFile, RegistryFileError } from '../../src/registry/registryFile.js';
import {
  altered,
  header,
  registryWorkbook,
  valid,
  withSharedStrings,
} from './support/registryWorkbooks.js';

/** The registry's .xlsx goes through the declarations' bounded reader, with its own figures. */
describe('registry .xlsx import', () => {
  const refusal = async (content: Buffer) => {
    const error = await parseRegistryFile('anagrafica.xlsx', content).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryFileError);
    return (error as Error).message;
  };

  it('reads the first sheet, codes as text or as numbers, rows after empty ones', async () => {
    const parsed = await parseRegistryFile(
      'a.xlsx',
      await registryWorkbook([
        header,
        ['1001234567', '3001234567', 'Test SRL', 'Via Vai 1'],
        [],
        [8901234567, 3008901234, 'Euro Oil SPA', 'Via Pizzarotti 22'],
      ]),
    );
    expect(parsed.rows.map((row) => [row.customerCode, row.plantAddress])).toEqual([
      ['1001234567', 'Via Vai 1'],
      ['8901234567', 'Via Pizzarotti 22'],
    ]);
  });

  it('refuses a workbook with a header and no data row, so that nothing is recorded', async () => {
    expect(await refusal(await registryWorkbook([header]))).toBe(
      'Il file Excel non contiene righe di dati: nel primo foglio («Anagrafica») servono, riga ' +
        'per riga, codice cliente, numero contratto, ragione sociale e indirizzo.',
    );
    expect(await refusal(await registryWorkbook([]))).toContain('non contiene righe di dati');
  });

  it('refuses macros, external links and embedded objects', async () => {
    const bin = new Uint8Array([1, 2, 3]);
    const cases = [
      ['xl/vbaProject.bin', 'Il file contiene macro (xl/vbaProject.bin).'],
      ['xl/externalLinks/externalLink1.xml', 'Il file contiene collegamenti ad altri file'],
      ['xl/embeddings/oleObject1.bin', 'Il file contiene oggetti incorporati, OLE o ActiveX'],
    ] as const;
    for (const [part, message] of cases)
      expect(await refusal(altered(await valid(), undefined, { [part]: bin }))).toContain(message);
  });

  it('stops the 7-million-item shared-strings table of issue 13 at the count limit', async () => {
    const table = withSharedStrings(await valid(), '<si/>'.repeat(7_000_000));
    const started = process.cpuUsage();
    expect(await refusal(table)).toBe(
      'Il file contiene troppi testi distinti: al massimo 500.000. Lascia nel file solo i dati ' +
        'che servono (cancella le righe e le colonne in più, anche quelle che sembrano vuote) e ' +
        'carica di nuovo il file.',
    );
    const { user, system } = process.cpuUsage(started);
    // The old reader spent 14 s of CPU (and 456 MiB) on it, then recorded an import of 0 rows.
    expect((user + system) / 1000).toBeLessThan(2000);
  }, 60_000);

  it('refuses a damaged zip in Italian', async () => {
    const bytes = await valid();
    expect(await refusal(bytes.subarray(0, bytes.length - 30))).toBe(
      'Il file è danneggiato o incompleto (per esempio un caricamento interrotto). Apri il file ' +
        'con Excel o LibreOffice, salvalo di nuovo come «Cartella di lavoro di Excel (.xlsx)» e ' +
        'caricalo; se non si apre, riparti dal file originale.',
    );
  });
});
