import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { sewerLimits } from '../../../domain/campaigns/defaultCampaignSettings.js';
import { template } from './support/workbookFixtures.js';

async function open(kind: 'dichiarazione' | 'analisi' | 'checklist') {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load((await template(kind)) as unknown as ExcelJS.Buffer);
  return workbook;
}

const sheetNames = (workbook: ExcelJS.Workbook) => workbook.worksheets.map((s) => s.name);

const metadata = (workbook: ExcelJS.Workbook) => {
  const sheet = workbook.getWorksheet('Metadati');
  const rows = [1, 2, 3, 4, 5].map((n) => [
    sheet?.getCell(`A${n}`).value,
    sheet?.getCell(`B${n}`).value,
  ]);
  return { state: sheet?.state, values: Object.fromEntries(rows) as Record<string, unknown> };
};

describe('declaration template', () => {
  it('has the instructions, the four sheets to fill and a hidden metadata sheet', async () => {
    const workbook = await open('dichiarazione');
    expect(sheetNames(workbook)).toEqual([
      'Istruzioni',
      'Dichiarazione',
      'Fonti di approvvigionamento',
      'Contatori scarico',
      'Detrazioni',
      'Metadati',
    ]);
    expect(metadata(workbook)).toEqual({
      state: 'hidden',
      values: {
        tipo: 'dichiarazione',
        'versione modello': '2025.1',
        anno: '2025',
        'numero contratto': '0012345',
        'codice cliente': 'C-778899',
      },
    });
  });

  it('is prefilled with what the utility knows, in locked cells', async () => {
    const sheet = (await open('dichiarazione')).getWorksheet('Dichiarazione');
    expect(['B3', 'B4', 'B5', 'B6', 'B7'].map((ref) => sheet?.getCell(ref).value)).toEqual([
      'Acme Ceramiche S.r.l.',
      'C-778899',
      '0012345',
      'Via dell’Industria 12, 40026 Imola (BO)',
      2025,
    ]);
    expect(sheet?.getCell('B5').protection?.locked).not.toBe(false);
    expect(sheet?.getCell('B10').protection).toMatchObject({ locked: false });
    expect(sheet?.model).toMatchObject({ sheetProtection: { sheet: true } });
    expect(sheet?.getCell('B10').fill).toMatchObject({ fgColor: { argb: 'FFFFF2CC' } });
  });

  it('offers drop-down lists, frozen headers and number formats', async () => {
    const workbook = await open('dichiarazione');
    const sources = workbook.getWorksheet('Fonti di approvvigionamento');
    expect(sources?.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sources?.getCell('A1').value).toBe('Tipo di fonte');
    expect(sources?.getCell('A1').font?.bold).toBe(true);
    expect(sources?.getCell('A2').dataValidation).toMatchObject({
      type: 'list',
      formulae: ['"Acquedotto,Pozzo,Derivazione superficiale,Altro"'],
    });
    expect(sources?.getCell('F21').dataValidation.formulae).toEqual(['"Sì,No"']);
    expect(sources?.getCell('G2').numFmt).toBe('#,##0.00');
    // Every input row yellow and unlocked; a text column keeps the general format.
    for (const ref of ['B2', 'B21', 'G21'])
      expect(sources?.getCell(ref)).toMatchObject({
        fill: { fgColor: { argb: 'FFFFF2CC' } },
        protection: { locked: false },
      });
    expect(sources?.getCell('B21').numFmt).toBeUndefined();
    expect(sources?.getCell('G21').numFmt).toBe('#,##0.00');
    const deductions = workbook.getWorksheet('Detrazioni');
    expect(deductions?.getCell('A2').dataValidation.formulae[0]).toContain(
      'Smaltita come rifiuto liquido',
    );
  });
});

describe('analyses template', () => {
  it('lists the campaign parameters with label and unit for the drop-down', async () => {
    const workbook = await open('analisi');
    expect(sheetNames(workbook)).toEqual(['Istruzioni', 'Analisi', 'Parametri', 'Metadati']);
    expect(metadata(workbook).values.tipo).toBe('analisi');
    const parameters = workbook.getWorksheet('Parametri');
    expect(parameters?.getCell('A5').value).toBe('COD (mg/l)');
    expect(parameters?.getCell(`B${sewerLimits.length + 1}`).value).toBe('N');
    const results = workbook.getWorksheet('Analisi');
    expect(results?.getCell('D2').dataValidation.formulae).toEqual([
      `'Parametri'!$A$2:$A$${sewerLimits.length + 1}`,
    ]);
    expect(results?.getCell('A2').numFmt).toBe('dd/mm/yyyy');
  });
});

describe('check-list template', () => {
  it('asks a dozen yes/no questions', async () => {
    const workbook = await open('checklist');
    expect(sheetNames(workbook)).toEqual(['Istruzioni', 'Check-list', 'Metadati']);
    expect(metadata(workbook).values.tipo).toBe('checklist');
    const sheet = workbook.getWorksheet('Check-list');
    expect(sheet?.getCell('B13').value).toMatch(/\?$/);
    expect(sheet?.getCell('B14').value).toBeNull();
    expect(sheet?.getCell('C2').dataValidation.formulae).toEqual(['"Sì,No"']);
  });
});
