import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { demoOfficerTwoMunicipalities } from '../../src/dev/demoIdentities.js';
import { useJourney } from '../support/journey.js';
import {
  fillFlowRow,
  logInWithDigitalIdentity,
  monthToFile,
} from '../support/observatoryJourney.js';

const header =
  'Codice EER;Quantità (t);Modalità di raccolta;Trasportatore;Impianto di destinazione;Operazione (R/D)';
/** Three mistakes, one per row: an unknown EER code, a quantity that is no number, an operation that is neither R nor D. */
const wrongFile = [
  header,
  '200301;812,4;porta-a-porta;Igiene Srl;TMB Gravina;D8',
  '999999;15;porta-a-porta;Igiene Srl;TMB Gravina;D8',
  '150107;tanta;stradale;Igiene Srl;Piattaforma vetro;R5',
  '200101;300;porta-a-porta;Igiene Srl;Piattaforma carta;X9',
].join('\r\n');
const goodFile = [
  header,
  '200301;812,4;porta-a-porta;Igiene Srl;TMB Gravina;D8',
  '150107;120,5;stradale;Igiene Srl;Piattaforma vetro;R5',
  '200101;300;porta-a-porta;Igiene Srl;Piattaforma carta;R3',
].join('\r\n');

describe('a person who serves two municipalities switches between them and files each', () => {
  const { url, person, shoot } = useJourney('several-municipalities-journey');
  const text = async (locator: Locator) =>
    ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim();
  const band = (page: Page) =>
    text(page.locator('.bg-primary').filter({ hasText: 'Osservatorio Rifiuti' }).first());

  it('picks Altamura and files by hand, switches to Gravina and files from a file, errors first', async () => {
    const due = monthToFile(new Date());
    const monthPath = `/osservatorio/comune/${due.month}`;
    const files = await mkdtemp(join(tmpdir(), 'flussi-'));
    const { page } = await person();

    // 1. After the login, the person picks the municipality it acts for.
    await logInWithDigitalIdentity(page, url, demoOfficerTwoMunicipalities, async () => undefined);
    await page.getByRole('heading', { level: 1, name: 'Scegli il comune' }).waitFor();
    await shoot(page, 'scegli-il-comune');
    await page.getByRole('button', { name: 'Opera per Altamura' }).click();
    await page.waitForURL(url('/osservatorio/comune'));
    expect(await band(page)).toContain('Comune di Altamura (BA) · come utente del comune');

    // 2. Altamura's month, by hand.
    await page.goto(url(monthPath));
    await fillFlowRow(page.getByRole('group', { name: 'Riga 1', exact: true }), {
      eerCode: '200301',
      tonnes: '1520,3',
      method: 'porta-a-porta',
      transporter: 'Igiene Srl',
      plant: 'TMB Altamura',
      operation: 'D8',
    });
    await page.getByRole('button', { name: 'Invia il mese' }).click();
    await page.waitForURL(url(`${monthPath}?esito=inviato`));
    expect(await band(page)).toContain('Comune di Altamura');

    // 3. «Cambia comune», always at hand: Gravina in Puglia, where the same month is still to file.
    await page.getByRole('link', { name: 'Cambia comune' }).click();
    await page.getByRole('heading', { level: 1, name: 'Scegli il comune' }).waitFor();
    expect(await text(page.getByRole('listitem').filter({ hasText: 'Altamura' }))).toContain(
      'comune attuale',
    );
    await page.getByRole('button', { name: 'Opera per Gravina in Puglia' }).click();
    await page.waitForURL(url('/osservatorio/comune'));
    expect(await band(page)).toContain('Comune di Gravina in Puglia (BA)');
    await page.goto(url(monthPath));
    await page.getByRole('heading', { level: 1, name: `Flussi di ${due.label}` }).waitFor();
    expect(await page.getByRole('status').filter({ hasText: 'Mese inviato' }).count()).toBe(0);

    // 4. A file with three mistakes: each said by its row and column, nothing saved.
    const wrong = join(files, 'flussi-sbagliati.csv');
    await writeFile(wrong, wrongFile, 'utf8');
    await page.getByLabel('File dei flussi del mese (.csv o .xlsx)').setInputFiles(wrong);
    await page.getByRole('button', { name: 'Importa il file' }).click();
    const problems = page.getByRole('alert').filter({ hasText: 'Il file non è stato importato' });
    await problems.waitFor();
    const items = await problems.getByRole('listitem').allTextContents();
    expect(items).toHaveLength(3);
    expect(items[0]).toMatch(/^Riga 3, colonna "Codice EER": /);
    expect(items[1]).toMatch(/^Riga 4, colonna "Quantità \(t\)": /);
    expect(items[2]).toMatch(/^Riga 5, colonna "Operazione \(R\/D\)": /);
    await shoot(page, 'importa-con-errori');

    // 5. The corrected file becomes the draft to check, then it is sent.
    const good = join(files, 'flussi.csv');
    await writeFile(good, goodFile, 'utf8');
    await page.getByLabel('File dei flussi del mese (.csv o .xlsx)').setInputFiles(good);
    await page.getByRole('button', { name: 'Importa il file' }).click();
    await page.waitForURL((u) => u.pathname === monthPath && u.search.includes('esito='));
    const third = page.getByRole('group', { name: 'Riga 3', exact: true });
    expect(await third.getByLabel('Codice EER').inputValue()).toBe('200101');
    expect(await third.getByLabel('Quantità (t)').inputValue()).toBe('300');
    await shoot(page, 'importato-in-bozza');
    await page.getByRole('button', { name: 'Invia il mese' }).click();
    await page.waitForURL(url(`${monthPath}?esito=inviato`));
    expect(await band(page)).toContain('Comune di Gravina in Puglia');

    // 6. Each municipality shows its own month sent.
    for (const [name, other] of [
      ['Altamura', 'Gravina in Puglia'],
      ['Gravina in Puglia', 'Altamura'],
    ] as const) {
      await page.getByRole('link', { name: 'Cambia comune' }).first().click();
      await page.getByRole('button', { name: `Opera per ${name}` }).click();
      await page.waitForURL(url('/osservatorio/comune'));
      if (due.year !== Number(due.today.slice(0, 4))) {
        await page.getByLabel('Anno').selectOption(String(due.year));
        await page.getByRole('button', { name: 'Mostra' }).click();
      }
      expect(await band(page)).toContain(`Comune di ${name}`);
      expect(await band(page)).not.toContain(other);
      const row = page.getByRole('row').filter({ hasText: due.label });
      expect(await text(row.locator('.badge'))).toMatch(/^Inviato/);
    }
  });
});
