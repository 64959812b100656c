import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { demoObservatoryAdmin, demoOfficerBari } from '../../src/dev/demoIdentities.js';
import { useJourney } from '../support/journey.js';
import {
  fillFlowRow,
  logInWithDigitalIdentity,
  monthToFile,
  type FlowRowInput,
} from '../support/observatoryJourney.js';

const unsorted: FlowRowInput = {
  eerCode: '200301',
  tonnes: '1,2345',
  method: 'porta-a-porta',
  transporter: 'Amiu Puglia S.p.A.',
  plant: 'Impianto TMB di Bari',
  operation: 'D8',
};
const glass: FlowRowInput = {
  eerCode: '150107',
  tonnes: '312,5',
  method: 'stradale',
  transporter: 'Amiu Puglia S.p.A.',
  plant: 'Piattaforma vetro Modugno',
  operation: 'R5',
};
const reason = 'Il vetro di fine mese è stato pesato due volte: va corretta la quantità.';

describe('a municipality files a month, has it unlocked by the observatory and files it again', () => {
  const { current: journeyOf, url, person, shoot, openMail } = useJourney('observatory-journey');
  const pathOf = (page: Page) => new URL(page.url()).pathname;
  const text = async (locator: Locator) =>
    ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim();
  const status = (page: Page, hasText: string) => page.getByRole('status').filter({ hasText });
  /** The tonnes cell of a table's row for an EER code ('20 03 01'). */
  const tonnesOf = async (table: Locator, eer: string) =>
    text(table.getByRole('row').filter({ hasText: eer }).getByRole('cell').nth(1));

  it('logs in with SPID/CIE, files, asks for an unlock, the admin approves, files version 2', async () => {
    const due = monthToFile(new Date());
    const monthPath = `/osservatorio/comune/${due.month}`;
    const thisYear = Number(due.today.slice(0, 4));

    // 1. The officer of Bari logs in through the local SPID/CIE stand-in and lands on the year.
    const officer = await person();
    const page = officer.page;
    await logInWithDigitalIdentity(page, url, demoOfficerBari, (picker) =>
      shoot(picker, 'spid-locale-scelta-identita'),
    );
    expect(pathOf(page)).toBe('/osservatorio/comune');
    if (due.year !== thisYear) {
      // In January last month belongs to the year before: the officer picks it.
      await page.getByLabel('Anno').selectOption(String(due.year));
      await page.getByRole('button', { name: 'Mostra' }).click();
    }
    await page.getByRole('heading', { level: 1, name: `Flussi mensili ${due.year}` }).waitFor();
    expect(await text(page.locator('.bg-primary').first())).toContain(
      'Osservatorio Rifiuti · Comune di Bari (BA)',
    );
    const monthRow = page.getByRole('row').filter({ hasText: due.label });
    expect(await text(monthRow.locator('.badge'))).toBe(
      due.pastDue ? 'Mancante (oltre la scadenza)' : 'Da inviare',
    );
    const chart = page.getByRole('img', { name: `Raccolta differenziata per mese, ${due.year}` });
    expect(await chart.isVisible()).toBe(true);
    expect(await chart.evaluate((element) => element.tagName.toLowerCase())).toBe('svg');
    // The two colours of the bars and the target line are named beside the chart.
    const legend = page.getByRole('list', { name: 'Legenda del grafico' });
    expect(await text(legend)).toBe(
      "mese pari o sopra l'obiettivo mese sotto l'obiettivo obiettivo nazionale del 65%",
    );
    // Every column of the months' table is named, the links' one too.
    expect(await page.getByRole('columnheader', { name: 'Azioni' }).count()).toBe(1);
    await shoot(page, 'comune-cruscotto');

    // 2. It opens the month, adds rows without leaving the page, and files with a mistake.
    await monthRow.getByRole('link', { name: `Compila ${due.label}` }).click();
    await page.waitForURL(url(monthPath));
    await page.getByRole('heading', { level: 1, name: `Flussi di ${due.label}` }).waitFor();
    const rows = page.locator('fieldset.flow-row');
    const addRow = page.getByRole('button', { name: '+ Aggiungi riga' });
    const before = await rows.count();
    await shoot(page, 'mese-vuoto');
    expect(await addRow.count(), 'one "+ Aggiungi riga", after the rows').toBe(1);
    await page.evaluate('window.journeySamePage = true');
    await addRow.click();
    const added = page.getByRole('group', { name: `Riga ${before + 1}`, exact: true });
    await added.waitFor();
    expect(await page.evaluate('window.journeySamePage'), 'no page load').toBe(true);
    expect(await added.getByLabel('Quantità (t)').getAttribute('name')).toBe(
      `righe[${before}][tonnellate]`,
    );
    // The button came back with the next index (out-of-band swap): a second row does not clash.
    await addRow.click();
    const second = page.getByRole('group', { name: `Riga ${before + 2}`, exact: true });
    await second.waitFor();
    expect(await second.getByLabel('Quantità (t)').getAttribute('name')).toBe(
      `righe[${before + 1}][tonnellate]`,
    );
    expect(await rows.count()).toBe(before + 2);
    expect(await addRow.count()).toBe(1);
    expect(await page.evaluate('window.journeySamePage')).toBe(true);

    await fillFlowRow(page.getByRole('group', { name: 'Riga 1', exact: true }), unsorted);
    await fillFlowRow(added, glass);
    await shoot(page, 'mese-compilato');
    await page.getByRole('button', { name: 'Invia il mese' }).click();
    const summary = page.getByRole('alert').filter({ hasText: 'Nulla è stato salvato' });
    await summary.waitFor();
    expect(pathOf(page)).toBe(monthPath);
    const quantity = page
      .getByRole('group', { name: 'Riga 1', exact: true })
      .getByLabel(/^Quantità/);
    expect(await quantity.inputValue()).toBe('1,2345');
    expect(await quantity.getAttribute('aria-invalid')).toBe('true');
    const errorId = (await quantity.getAttribute('aria-describedby')) ?? '';
    expect(await text(page.locator(`[id="${errorId}"]`))).toBe(
      'Quantità in tonnellate con al massimo 3 decimali (es. 12,345).',
    );
    expect(await text(summary)).toContain('Nulla è stato salvato');
    // The row typed in the htmx-added fieldset came back too (blank rows are dropped).
    expect(
      await page
        .getByRole('group', { name: 'Riga 2', exact: true })
        .getByLabel('Quantità (t)')
        .inputValue(),
    ).toBe(glass.tonnes);
    await shoot(page, 'mese-errore-quantita');

    // 7. Keyboard: the summary is an alert and has the focus; its link takes the focus to the
    // quantity to correct.
    expect(await summary.getAttribute('role')).toBe('alert');
    await expect
      .poll(() => summary.evaluate((element) => element === document.activeElement))
      .toBe(true);
    await page.keyboard.press('Tab');
    const link = summary.getByRole('link', { name: /Quantità in tonnellate/ });
    expect(await link.evaluate((element) => element === document.activeElement)).toBe(true);
    await page.keyboard.press('Enter');
    await expect
      .poll(() => quantity.evaluate((element) => element === document.activeElement))
      .toBe(true);
    await shoot(page, 'mese-errore-focus-tastiera');

    // It corrects the quantity and files the month: late or not, it is now locked.
    await quantity.fill('4230,5');
    await page.getByRole('button', { name: 'Invia il mese' }).click();
    await page.waitForURL(url(`${monthPath}?esito=inviato`));
    await status(page, 'Mese inviato con successo.').waitFor();
    expect(await status(page, 'Mese inviato: i dati sono bloccati.').count()).toBe(1);
    const filed = page.getByRole('table', { name: 'Rifiuti comunicati' });
    expect(await tonnesOf(filed, '20 03 01')).toMatch(/^4\.?230,5$/);
    expect(await tonnesOf(filed, '15 01 07')).toBe('312,5');
    expect(await page.getByRole('button', { name: 'Invia il mese' }).count()).toBe(0);
    expect(await page.getByRole('textbox', { name: /^Quantità/ }).count()).toBe(0);
    const versions = page.getByRole('region', { name: 'Versioni inviate' }).getByRole('listitem');
    expect(await versions.count()).toBe(1);
    expect(await text(versions.first())).toContain(
      due.daysLate > 0 ? `(${due.daysLate} giorni dopo la scadenza)` : 'Versione 1',
    );
    await shoot(page, 'mese-inviato');

    // 3. It asks for an unlock with a reason.
    await page.getByLabel(/^Motivo della richiesta/).fill(reason);
    await page.getByRole('button', { name: 'Chiedi lo sblocco' }).click();
    await page.waitForURL(url(`${monthPath}?esito=richiesta`));
    await status(page, 'Richiesta di sblocco inviata').waitFor();
    expect(await text(page.getByRole('region', { name: 'Richiesta di sblocco' }))).toContain(
      `Sblocco richiesto («${reason}»)`,
    );
    expect(await page.getByRole('button', { name: 'Chiedi lo sblocco' }).count()).toBe(0);
    await shoot(page, 'mese-sblocco-richiesto');

    // 4. The admin, in another browser, finds the request and approves it.
    const admin = await person();
    const ad = admin.page;
    await logInWithDigitalIdentity(ad, url, demoObservatoryAdmin, async () => undefined);
    expect(pathOf(ad)).toBe('/osservatorio/admin');
    await ad
      .getByRole('heading', { level: 1, name: 'Amministrazione Osservatorio Rifiuti' })
      .waitFor();
    const pending = ad
      .getByRole('region', { name: 'Richieste di sblocco in attesa' })
      .locator('.border')
      .filter({ hasText: `Bari — ${due.label}` });
    expect(await pending.count()).toBe(1);
    expect(await text(pending)).toContain(`Motivo: «${reason}»`);
    expect(await text(pending)).toContain('(versione 1)');
    await shoot(ad, 'admin-richiesta-in-attesa');
    await pending.getByRole('button', { name: `Sblocca ${due.label}` }).click();
    await ad.waitForURL(url('/osservatorio/admin?esito=sbloccato'));
    await status(ad, 'Mese sbloccato: il comune è stato avvisato per e-mail.').waitFor();
    expect(
      await ad
        .getByRole('region', { name: 'Richieste di sblocco in attesa' })
        .getByText('Nessuna richiesta in attesa.')
        .count(),
    ).toBe(1);
    const grid = ad.getByRole('region', { name: 'Comuni e mesi' }).getByRole('table');
    const bari = grid
      .getByRole('row')
      .filter({ has: ad.getByRole('link', { name: 'Bari', exact: true }) });
    expect(await bari.count()).toBe(1);
    if (due.year === thisYear) {
      const column = Number(due.month.slice(5));
      expect(await text(bari.getByRole('cell').nth(column - 1))).toContain(
        'Sbloccato: da reinviare',
      );
    }
    await shoot(ad, 'admin-sbloccato');

    // 5. The officer reads the mail, corrects the quantity and files version 2.
    const mailTab = await officer.context.newPage();
    const mail = await openMail(
      mailTab,
      demoOfficerBari.email,
      `Dichiara – sblocco di ${due.label} approvato`,
      'sblocco-approvato',
    );
    expect(mail).toContain(`la richiesta di sblocco dei flussi di ${due.label} è stata approvata`);
    expect(mail).toContain(url(monthPath));
    await page.bringToFront();
    await page.goto(url(monthPath));
    await status(page, 'Il mese è stato sbloccato').waitFor();
    const refile = page
      .getByRole('group', { name: 'Riga 1', exact: true })
      .getByLabel('Quantità (t)');
    expect(await refile.inputValue()).toBe('4230,5');
    await shoot(page, 'mese-sbloccato');
    await refile.fill('4187,25');
    await page.getByRole('button', { name: 'Invia il mese' }).click();
    await page.waitForURL(url(`${monthPath}?esito=inviato`));
    await status(page, 'Mese inviato (versione 2): i dati sono bloccati.').waitFor();
    expect(
      await tonnesOf(page.getByRole('table', { name: 'Rifiuti comunicati' }), '20 03 01'),
    ).toMatch(/^4\.?187,25$/);
    expect(
      (await versions.allTextContents()).map((v) => /^\s*(Versione \d+)/.exec(v)?.[1]),
    ).toEqual(['Versione 1', 'Versione 2']);
    await shoot(page, 'mese-versione-2');
    await page.getByRole('link', { name: 'Versione 1', exact: true }).click();
    await page.waitForURL(url(`${monthPath}/versioni/1`));
    await page.getByRole('heading', { level: 1, name: `${due.label}, versione 1` }).waitFor();
    expect(await tonnesOf(page.getByRole('table'), '20 03 01')).toMatch(/^4\.?230,5$/);
    await shoot(page, 'mese-versione-1');

    // 6. The officer may not open the admin's pages.
    const refused = await page.goto(url('/osservatorio/admin'));
    expect(refused?.status()).toBe(403);
    await page.getByRole('heading', { level: 1, name: 'Accesso negato' }).waitFor();
    expect(await text(page.getByRole('alert'))).toBe(
      'Questa pagina è riservata ad altri profili dell’Osservatorio.',
    );
    await shoot(page, 'comune-admin-vietato');

    // 8. Anyone reads the open data, marked as not validated by the Region.
    const visitor = await person();
    await visitor.page.goto(url('/osservatorio'));
    await visitor.page.getByRole('link', { name: 'Consulta i dati' }).click();
    await visitor.page.waitForURL(url('/osservatorio/dati-aperti'));
    expect(await text(visitor.page.getByRole('note'))).toContain('Dati non validati dalla Regione');
    expect(await visitor.page.getByRole('row').filter({ hasText: 'Bari' }).count()).toBeGreaterThan(
      0,
    );
    await shoot(visitor.page, 'dati-aperti');

    await visitor.context.close();
    await admin.context.close();
    await officer.context.close();
    // The one refused page is the 403 this journey asked for.
    expect(
      journeyOf().problems.filter(
        (problem) => !/\/osservatorio\/admin: .*status of 403 \(Forbidden\)/.test(problem),
      ),
    ).toEqual([]);
  }, 240_000);
});
