import { certifyAndSend, shownText as text, tick } from '../support/declarationSteps.js';
import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import type { Locator, Page, Response } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { UploadFolder } from '../support/declarationFiles.js';
import { useJourney } from '../support/journey.js';

// The demo Ditta (seedDemo.ts): approved, managing Test SRL's contract 3001234567 (customer code
// 1001234567). The demo campaign has the standard rates: Tf 0,211803 €/m³.
const ditta = { username: 'ditta.demo', password: 'Ditta-2026' };
const contract = '3001234567';
const sources = 'Fonti di approvvigionamento';
const deductions = 'Detrazioni';

/**
 * The figures of workbookFixtures' declarationEdits, as a person types them: 3500 + 1500 m³
 * withdrawn, less 1000 m³ kept in the product (the fixture's two deductions in one row), is the
 * 4000 m³ discharged; each source's volume is its end reading less its start one.
 */
const figures = {
  discharged: '4000',
  days: '230',
  rows: [
    ['Acquedotto', '1001234567', 'AQ-1001', '12000', '15500', 'No', '3500'],
    ['Pozzo', 'AUT-BO-2019-77', 'PZ-2002', '800', '2300', 'No', '1500'],
  ],
  deduction: ['Incorporata nel prodotto', '1000', 'Bilancio di massa dell’anno'],
} as const;
const sourceColumns = [
  'Tipo di fonte',
  'Codice cliente / n. autorizzazione',
  'Matricola contatore',
  'Lettura inizio anno (m³)',
  'Lettura fine anno (m³)',
  'Giro contatore (Sì/No)',
  'Volume (m³)',
] as const;
const deductionColumns = [
  'Categoria di detrazione',
  'Volume (m³)',
  'Documentazione a supporto',
] as const;

describe('a company types its declaration online, takes it to Excel and back, and sends it', () => {
  const { current: journeyOf, url, person, shoot, logIn } = useJourney('online-journey');
  const uploads = new UploadFolder();
  afterAll(() => uploads.remove());

  /** A table's cell, labelled by its column, its table and its row. */
  const cell = (page: Page, column: string, table: string, row: number) =>
    page.getByLabel(`${column} – ${table}, riga ${row}`, { exact: true });

  /** The check htmx posts when a field changes (the whole form, «verifica» of one field). */
  const isCheck = (response: Response) =>
    response.request().method() === 'POST' &&
    new URL(response.url()).pathname.endsWith('/online') &&
    (response.request().postData() ?? '').includes('azione=verifica');

  /**
   * The check's answer swapped in: the field, and out of band the fields it affects (a person
   * reads the message before going on; a script would race the swap).
   */
  const settled = (page: Page) =>
    page.waitForFunction(
      () => document.querySelectorAll('.htmx-request, .htmx-swapping, .htmx-settling').length === 0,
    );

  /** Types into a field by keyboard, then leaves it with Tab: the field comes back checked. */
  async function type(field: Locator, value: string) {
    const page = field.page();
    await field.selectText();
    await page.keyboard.type(value);
    const checked = page.waitForResponse(isCheck);
    await page.keyboard.press('Tab');
    await checked;
    await settled(page);
  }

  /** Picks a drop-down's choice: the change is checked as a typed one. */
  async function choose(field: Locator, option: string) {
    const checked = field.page().waitForResponse(isCheck);
    await field.selectOption(option);
    await checked;
    await settled(field.page());
  }

  /** Types a row of a table, cell by cell, drop-downs by their choice. */
  async function typeRow(
    page: Page,
    table: string,
    row: number,
    columns: readonly string[],
    values: readonly string[],
  ) {
    for (const [i, column] of columns.entries()) {
      const field = cell(page, column, table, row);
      const value = values[i]!;
      const isList = (await field.evaluate((node) => node.tagName)) === 'SELECT';
      await (isList ? choose(field, value) : type(field, value));
    }
  }

  /** The message a field is described by, as a screen reader reads it beside the field. */
  async function errorBeside(field: Locator) {
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    const ids = ((await field.getAttribute('aria-describedby')) ?? '').split(' ');
    const errorId = ids.find((id) => id.endsWith('-error'));
    expect(errorId, 'an error among the descriptions').toBeDefined();
    return text(field.page().locator(`[id="${errorId}"]`));
  }

  it('fills the form, fixes a field in place, downloads the workbook, uploads it and sends', async () => {
    // 1. The company logs in, selects its contract and chooses to type the declaration.
    const declarant = await person();
    const page = declarant.page;
    await logIn(page, ditta.username, ditta.password);
    await page.getByRole('link', { name: 'DICHIARAZIONI ANNUALI' }).click();
    await page.waitForURL(url('/dichiarazioni'));
    const lead = await text(page.locator('p.lead'));
    const year = Number(/Anno di riferimento (\d{4})/.exec(lead)?.[1]);
    expect(year).toBeGreaterThanOrEqual(2025);
    const base = `/dichiarazioni/${year}/${contract}`;
    await page.getByRole('link', { name: `Seleziona il contratto ${contract}` }).click();
    await page.waitForURL(url(base));
    await page.getByRole('link', { name: 'compila online la dichiarazione' }).click();
    await page.waitForURL(url(`${base}/online`));
    await page
      .getByRole('heading', { level: 1, name: `Compila online la dichiarazione ${year}` })
      .waitFor();
    expect(await text(page.locator('p.lead'))).toContain('Test SRL (codice cliente 1001234567)');

    // 2. The year's figures, the days mistyped: the field comes back with its message, without a
    // reload, and the keyboard goes on to the next field.
    const volume = page.getByLabel(/^Volume scaricato in fognatura \(m³\)/);
    const days = page.getByLabel(/^Giorni di produzione/);
    const notes = page.getByRole('textbox', { name: /^Note/ });
    await type(volume, figures.discharged);
    // A mark on the page that a reload would wipe.
    await page.evaluate(() => (document.body.dataset.journey = 'same-page'));
    await type(days, '400');
    expect(await errorBeside(days)).toContain('366');
    expect(await days.inputValue()).toBe('400');
    expect(await page.evaluate(() => document.body.dataset.journey)).toBe('same-page');
    expect(await notes.evaluate((node) => node === document.activeElement)).toBe(true);
    await shoot(page, 'online-errore');
    await type(days, figures.days);
    expect(await days.getAttribute('aria-invalid')).toBeNull();
    expect(await days.getAttribute('aria-describedby')).toBeNull();
    expect(await text(page.locator('#dichiarazione-B11-campo'))).not.toContain('366');

    // 3. The first source, then «+ Aggiungi riga», reached by Tab from the row's last cell: the
    // page comes back with a second row and everything typed still there.
    await typeRow(page, sources, 1, sourceColumns, figures.rows[0]);
    const addSource = page.getByRole('button', { name: `+ Aggiungi riga a ${sources}` });
    expect(await addSource.evaluate((node) => node === document.activeElement)).toBe(true);
    await page.keyboard.press('Enter');
    await cell(page, 'Tipo di fonte', sources, 2).waitFor();
    expect(await volume.inputValue()).toBe(figures.discharged);
    expect(await days.inputValue()).toBe(figures.days);
    for (const [i, column] of sourceColumns.entries()) {
      expect(await cell(page, column, sources, 1).inputValue(), column).toBe(figures.rows[0][i]);
      expect(await cell(page, column, sources, 2).inputValue(), column).toBe('');
    }
    expect(await cell(page, 'Tipo di fonte', sources, 3).count()).toBe(0);
    await typeRow(page, sources, 2, sourceColumns, figures.rows[1]);
    await typeRow(page, deductions, 1, deductionColumns, figures.deduction);
    // With the figures whole, no field is in error.
    expect(await page.locator('[aria-invalid="true"]').count()).toBe(0);
    await shoot(page, 'online-compilata');

    // 4. «Scarica come Excel»: the prefilled workbook with the figures typed.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Scarica come Excel' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`dichiarazione-${year}-${contract}.xlsx`);
    const workbookBytes = await readFile(await download.path());
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(workbookBytes as unknown as ExcelJS.Buffer);
    const summarySheet = workbook.getWorksheet('Dichiarazione')!;
    expect(summarySheet.getCell('B5').value).toBe(contract);
    expect(summarySheet.getCell('B10').value).toBe(4000);
    expect(summarySheet.getCell('B11').value).toBe(230);
    const sourcesSheet = workbook.getWorksheet(sources)!;
    expect(
      ['A2', 'C2', 'D2', 'E2', 'G2', 'A3', 'C3', 'D3', 'E3', 'G3'].map(
        (ref) => sourcesSheet.getCell(ref).value,
      ),
    ).toEqual(['Acquedotto', 'AQ-1001', 12000, 15500, 3500, 'Pozzo', 'PZ-2002', 800, 2300, 1500]);
    expect(workbook.getWorksheet(deductions)!.getCell('B2').value).toBe(1000);

    // 5. «Salva nella bozza»: back on the wizard, the workbook kept as the declaration's file.
    await page.getByRole('button', { name: 'Salva nella bozza' }).click();
    await page.waitForURL(url(`${base}?online=salvata`));
    expect(await text(page.getByRole('status').first())).toContain(
      'La dichiarazione compilata online è salvata nella bozza',
    );
    expect(await text(page.locator('#dichiarazione-kept'))).toContain(
      `Già caricato: dichiarazione-${year}-${contract}.xlsx`,
    );
    await shoot(page, 'online-salvata');

    // 6. The downloaded workbook uploaded in its place, as from Excel, and AVANTI: valid, with the
    // yearly charge estimated from the 4000 m³ typed (no analyses: the volume part only).
    await tick(page, /^Dichiaro di aver visionato/);
    await page
      .getByLabel(/^Dichiarazione( \*)?$/)
      .setInputFiles(uploads.write(download.suggestedFilename(), workbookBytes));
    await page.getByRole('button', { name: 'AVANTI' }).click();
    await page.waitForURL(url(`${base}/validazione`));
    await page.getByRole('heading', { level: 1, name: 'Validazione' }).waitFor();
    expect(await page.getByText('Nessun errore rilevato').count()).toBe(1);
    const estimate = page.getByRole('region', {
      name: 'Stima della tariffa (stima non vincolante)',
    });
    expect(await text(estimate.locator('.tariff-total'))).toBe('847,21 €');
    expect(await text(estimate)).toContain('V × Tf = 4.000 m³ × 0,211803 €/m³');
    expect(await text(estimate)).toContain('Mancano le analisi dell’anno');
    await shoot(page, 'online-validazione');

    // 7. INVIA with the self-declaration and the password: the protocol number.
    const protocol = await certifyAndSend(page, {
      legalRepresentative: 'Teresa Test',
      password: ditta.password,
    });
    expect(page.url()).toBe(url(`${base}/risultato`));
    expect(protocol).toBe(`${year}/000001`);
    await shoot(page, 'online-risultato');

    await declarant.context.close();
    expect(journeyOf().problems).toEqual([]);
  }, 180_000);
});
