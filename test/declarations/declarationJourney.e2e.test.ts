import { shownText as text, tick } from '../support/declarationSteps.js';
import { createPublicKey } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';
import type { Locator, Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyInclusion } from '../../src/platform/transparency/merkle.js';
import { headFileSchema } from '../../src/platform/transparency/publishedJson.js';
import { verifyHead } from '../../src/platform/transparency/treeHead.js';
import { inYear, smallPdf, UploadFolder } from '../support/declarationFiles.js';
import { useJourney } from '../support/journey.js';
import { pdfText, squeezed } from './pdf/pdfText.js';
import {
  analysesEdits,
  checklistEdits,
  declarationEdits,
  fill,
  merge,
} from './workbooks/support/workbookFixtures.js';

// The demo Ditta (seedDemo.ts): approved, managing Test SRL's two contracts.
const ditta = { username: 'ditta.demo', password: 'Ditta-2026', email: 'ditta.demo@example.com' };
const contract = '3001234567';
const otherContract = '3001234568';
const artifacts = fileURLToPath(
  new URL('../../test-results/declaration-journey/', import.meta.url),
);

describe('a company files its annual declaration and gets the protocolled copy', () => {
  const {
    current: journeyOf,
    url,
    person,
    shoot,
    logIn,
    openMail,
  } = useJourney('declaration-journey');
  const uploads = new UploadFolder();
  afterAll(() => uploads.remove());
  const pathOf = (page: Page) => new URL(page.url()).pathname;

  /** Clicks a link that downloads, and reads what arrived. */
  async function download(page: Page, link: Locator) {
    const [file] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const path = await file.path();
    return { filename: file.suggestedFilename(), content: await readFile(path) };
  }

  const tickVisionato = (page: Page) => tick(page, /^Dichiaro di aver visionato/);

  /** The message a field is described by, as a screen reader reads it beside the field. */
  async function errorBeside(field: Locator) {
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    const ids = ((await field.getAttribute('aria-describedby')) ?? '').split(' ');
    const errorId = ids.find((id) => id.endsWith('-error'));
    expect(errorId, 'an error among the descriptions').toBeDefined();
    return text(field.page().locator(`[id="${errorId}"]`));
  }

  it('selects the contract, fixes a wrong workbook, previews, sends, and finds it filed', async () => {
    // 0. The operator finds the campaign open. The demo opens the current year's, and the
    // declarants' page works on the newest: the journey files that year (the fixtures' 2025
    // sampling dates move into it), late or not as today and its deadline say.
    const operator = await person();
    const op = operator.page;
    await logIn(op, 'operatore', 'Operatore-2026');
    await op.getByRole('link', { name: 'Contratti da convalidare' }).click();
    await op
      .getByRole('navigation', { name: 'Sezioni' })
      .getByRole('link', { name: 'Campagne', exact: true })
      .click();
    await op.getByRole('heading', { level: 1, name: 'Campagne delle dichiarazioni' }).waitFor();
    await shoot(op, 'operatore-campagne');
    const newest = op
      .getByRole('row')
      .filter({ has: op.getByRole('link', { name: /^Dichiarazioni/ }) });
    const [yearCell = '', deadlineCell = ''] = await newest
      .first()
      .getByRole('cell')
      .allTextContents();
    const year = Number(yearCell.trim());
    expect(year).toBeGreaterThanOrEqual(2025);
    const [day, month, deadlineYear] = deadlineCell.trim().split('/').map(Number);
    const deadline = `${deadlineYear}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome' }).format(new Date());
    const late = today > deadline;
    const base = `/dichiarazioni/${year}/${contract}`;

    // 1. The company logs in and selects its contract.
    const declarant = await person();
    const page = declarant.page;
    await logIn(page, ditta.username, ditta.password);
    expect(pathOf(page)).toBe('/area-riservata');
    await page.getByRole('link', { name: 'DICHIARAZIONI ANNUALI' }).click();
    await page.waitForURL(url('/dichiarazioni'));
    await page
      .getByRole('heading', { level: 1, name: 'Dichiarazioni degli Scarichi Industriali' })
      .waitFor();
    expect(await text(page.locator('p.lead'))).toContain(`Anno di riferimento ${year}`);
    await shoot(page, 'dichiarazioni-selezione');
    const choice = (number: string) =>
      page.locator('.contract-choices > li').filter({ hasText: `Contratto ${number}` });
    expect(
      await choice(contract)
        .getByText(/già inviata/)
        .count(),
    ).toBe(0);
    await page.getByRole('link', { name: `Seleziona il contratto ${contract}` }).click();
    await page.waitForURL(url(base));
    await page.locator('form').getByText(`Contratto ${contract}`, { exact: true }).waitFor();
    await shoot(page, 'dichiarazione-passi');

    // 2. It downloads the two templates from the page and fills them in.
    const declarationTemplate = await download(
      page,
      page.getByRole('link', { name: 'Modello Excel della dichiarazione' }),
    );
    const analysesTemplate = await download(
      page,
      page.getByRole('link', { name: 'Modello Excel delle analisi chimiche' }),
    );
    expect(declarationTemplate.filename).toMatch(/\.xlsx$/);
    expect(analysesTemplate.filename).toMatch(/\.xlsx$/);
    // "SCARICA TUTTI I MODELLI": one zip with every template and note; the check-list comes from it.
    const zip = await download(page, page.getByRole('link', { name: 'SCARICA TUTTI I MODELLI' }));
    expect(zip.filename).toBe(`modelli-${year}-${contract}.zip`);
    const zipped = unzipSync(new Uint8Array(zip.content));
    expect(Object.keys(zipped).sort()).toEqual(
      [
        `analisi-chimiche-${year}-${contract}.xlsx`,
        `checklist-fattori-rischio-${year}-${contract}.xlsx`,
        `dichiarazione-${year}-${contract}.xlsx`,
        `informativa-privacy-${year}.pdf`,
        `nota-formula-tariffaria-${year}.pdf`,
      ].sort(),
    );
    const checklistTemplate = Buffer.from(
      zipped[`checklist-fattori-rischio-${year}-${contract}.xlsx`]!,
    );
    expect(
      squeezed(await pdfText(Buffer.from(zipped[`nota-formula-tariffaria-${year}.pdf`]!))),
    ).toContain('Td');
    const endBelowStart = merge(declarationEdits, { 'Fonti di approvvigionamento': { E2: 11000 } });
    const wrong = uploads.write(
      'dichiarazione-errata.xlsx',
      await fill(declarationTemplate.content, endBelowStart),
    );
    const declaration = uploads.write(
      'dichiarazione.xlsx',
      await fill(declarationTemplate.content, declarationEdits),
    );
    const analyses = uploads.write(
      'analisi.xlsx',
      await fill(analysesTemplate.content, inYear(analysesEdits, year)),
    );
    const labReport = uploads.write('rapporto-di-prova.pdf', smallPdf('Rapporto di prova RP-1234'));
    const plan = uploads.write('planimetria.pdf', smallPdf('Planimetria dello stabilimento'));
    const photos = uploads.write(
      'foto-contatori.pdf',
      smallPdf('Foto delle letture dei contatori'),
    );
    const identity = uploads.write(
      'carta-identita.pdf',
      smallPdf('Carta di identità del legale rappresentante'),
    );
    const checklist = uploads.write(
      'checklist.xlsx',
      await fill(checklistTemplate, checklistEdits),
    );

    // 3. A workbook with the end reading below the start one: the errors page names the cell.
    await tickVisionato(page);
    await page.getByLabel(/^Dichiarazione( \*)?$/).setInputFiles(wrong);
    expect(await page.getByLabel(/^Indirizzo e-mail di notifica/).inputValue()).toBe(ditta.email);
    await page.getByRole('button', { name: 'AVANTI' }).click();
    await page.getByText('I file caricati contengono errori').waitFor();
    await shoot(page, 'dichiarazione-errori');
    const errors = page.getByRole('table', { name: /^Errori rilevati/ }).locator('tbody tr');
    expect(await errors.count()).toBe(1);
    const [file, sheet, cell, , problem] = (
      await errors.first().getByRole('cell').allTextContents()
    ).map((t) => t.trim());
    expect([file, sheet, cell]).toEqual(['Dichiarazione', 'Fonti di approvvigionamento', 'E2']);
    expect(problem).toContain('è inferiore a quella di inizio anno');
    await page.getByRole('link', { name: 'Torna', exact: true }).click();
    await page.waitForURL(url(base));
    // The draft kept the wrong workbook: it is shown as uploaded, to be replaced.
    expect(await text(page.locator('#dichiarazione-kept'))).toContain(
      'Già caricato: dichiarazione-errata.xlsx',
    );

    // 4. The corrected workbook, the identity document, the analyses with their lab report, the
    // check-list, and two described attachments (the second row added by "Aggiungi allegato").
    await tickVisionato(page);
    await page.getByLabel(/^Dichiarazione( \*)?$/).setInputFiles(declaration);
    await page.getByLabel("Documento d'identità Legale Rappresentante").setInputFiles(identity);
    await page.getByLabel('Analisi chimiche (Excel)').setInputFiles(analyses);
    await page.getByLabel('Rapporti di prova laboratorio').setInputFiles(labReport);
    await page.getByLabel('Check list fattori rischio').setInputFiles(checklist);
    await page.getByLabel('Allegato 1', { exact: true }).setInputFiles(plan);
    await page.getByLabel('Descrizione 1', { exact: true }).fill('Planimetria dello stabilimento');
    await page.getByRole('button', { name: '+ Aggiungi allegato' }).click();
    await page.getByLabel('Allegato 2', { exact: true }).setInputFiles(photos);
    await page
      .getByLabel('Descrizione 2', { exact: true })
      .fill('Foto delle letture dei contatori');
    // htmx added the row in place: the files chosen above are still in their inputs.
    const chosen = (label: string) =>
      page
        .getByLabel(label, { exact: true })
        .evaluate((input) => (input as HTMLInputElement).files?.length ?? 0);
    expect(await chosen('Allegato 1')).toBe(1);
    expect(await chosen('Check list fattori rischio')).toBe(1);
    await shoot(page, 'dichiarazione-file-scelti');
    await page.getByRole('button', { name: 'AVANTI' }).click();
    await page.waitForURL(url(`${base}/validazione`));
    await page.getByRole('heading', { level: 1, name: 'Validazione' }).waitFor();
    expect(await text(page.locator('main'))).toContain(
      'Il file Excel con i dati della dichiarazione è valido',
    );
    expect(await page.getByText('Nessun errore rilevato').count()).toBe(1);
    // The yearly charge estimated from the declared volume, not binding, its terms by formula.
    const estimate = page.getByRole('region', {
      name: 'Stima della tariffa (stima non vincolante)',
    });
    expect(await text(estimate.locator('.tariff-total'))).toMatch(/^[\d.]+,\d{2} €$/);
    expect(await text(estimate)).toContain('V × Tf = ');
    await estimate.getByText('Inquinanti del fattore di qualità').click();
    expect(await estimate.getByRole('row', { name: /^COD/ }).count()).toBe(1);
    await shoot(page, 'dichiarazione-validazione');

    // 5. The preview is a PDF marked as such.
    const previewLink = page.getByRole('link', { name: 'VISUALIZZA ANTEPRIMA DICHIARAZIONE' });
    expect(await previewLink.getAttribute('target')).toBe('_blank');
    const preview = await page.request.get(url((await previewLink.getAttribute('href'))!));
    expect(preview.status(), 'anteprima.pdf').toBe(200);
    expect(preview.headers()['content-type']).toBe('application/pdf');
    const previewPdf = await preview.body();
    await writeFile(`${artifacts}anteprima.pdf`, previewPdf);
    expect(previewPdf.subarray(0, 4).toString('latin1')).toBe('%PDF');
    expect(await pdfText(previewPdf)).toContain('ANTEPRIMA');

    // 6. INVIA asks for the self-declaration (DPR 445/2000) and the password again: a wrong one
    // is told beside the field, and nothing is sent.
    const legalRepresentative = page.getByLabel(
      /^Legale rappresentante della ditta \(nome e cognome\)/,
    );
    const password = page.getByLabel(/^Password del tuo account/);
    const certify = /^Rendo la dichiarazione sostitutiva qui sopra/;
    expect(await text(page.locator('#testo-dichiarazione'))).toContain(
      'Il/La sottoscritto/a Daniela Ditta, per la ditta Test SRL',
    );
    await legalRepresentative.fill('Teresa Test');
    await tick(page, certify);
    await password.fill('Sbagliata-2026');
    await shoot(page, 'dichiarazione-sostitutiva');
    await page.getByRole('button', { name: 'INVIA' }).click();
    await page.waitForURL(url(`${base}/invia`));
    await page.getByRole('heading', { level: 1, name: 'Validazione' }).waitFor();
    expect(await errorBeside(password)).toBe('La password non è corretta.');
    expect(await legalRepresentative.inputValue()).toBe('Teresa Test');
    expect(await page.getByLabel(certify).isChecked()).toBe(true);
    expect(await password.inputValue()).toBe('');
    await shoot(page, 'dichiarazione-password-errata');
    expect(await text(page.locator('#testo-dichiarazione'))).toContain(
      'il cui legale rappresentante è Teresa Test',
    );
    await password.fill(ditta.password);

    // 7. INVIA: the protocol number, the copy of record and the mail with it.
    await page.getByRole('button', { name: 'INVIA' }).click();
    await page.waitForURL(url(`${base}/risultato`));
    await page.getByRole('heading', { level: 1, name: 'Risultato caricamento' }).waitFor();
    expect(await text(page.locator('main'))).toContain(
      'Tutti i documenti caricati sul portale sono stati inviati con successo.',
    );
    const protocol = await text(page.locator('.protocol-number'));
    expect(protocol).toBe(`${year}/000001`);
    // The copy of record follows the number: the page shows its link when it is stored (htmx).
    const copyLink = page.getByRole('link', {
      name: /^Scarica una copia stampabile della dichiarazione/,
    });
    await copyLink.waitFor();
    await shoot(page, 'dichiarazione-risultato');
    const copy = await download(page, copyLink);
    expect(copy.filename).toBe(`dichiarazione-${year}-000001.pdf`);
    await writeFile(`${artifacts}copia.pdf`, copy.content);
    const copyText = squeezed(await pdfText(copy.content));
    expect(copyText).toContain(protocol);
    expect(copyText).toContain(contract);
    expect(copyText).not.toContain('ANTEPRIMA');
    expect(copyText).toContain('Check-list dei fattori di rischio');
    // The self-declaration as made, with who made it and for whom.
    expect(copyText).toContain('Dichiarazione sostitutiva (artt. 46 e 47 del D.P.R. 445/2000)');
    expect(copyText).toContain('Resa da Daniela Ditta');
    expect(copyText).toContain('In qualità di incaricato della ditta');
    expect(copyText).toContain('Legale rappresentante Teresa Test');
    expect(copyText).toMatch(
      /Confermata con la password \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2} \(ora italiana\)/,
    );
    for (const name of [
      'carta-identita.pdf',
      'checklist.xlsx',
      'planimetria.pdf',
      'foto-contatori.pdf',
    ])
      expect(copyText).toContain(name);
    // The receipt of the signed log beside it, checked as a filer would: with the key that
    // /trasparenza, linked from the page, publishes.
    const logReceipt = await download(
      page,
      page.getByRole('link', { name: 'Scarica la ricevuta del registro degli eventi (JSON)' }),
    );
    expect(logReceipt.filename).toBe(`ricevuta-registro-${year}-000001.json`);
    const receipt = JSON.parse(logReceipt.content.toString('utf8')) as {
      foglia: number;
      hashFoglia: string;
      dimensione: number;
      prova: string[];
    };
    const signedHead = headFileSchema.parse(JSON.parse(logReceipt.content.toString('utf8')));
    const keyTab = await declarant.context.newPage();
    await keyTab.goto(
      url(
        (await page
          .getByRole('link', { name: 'chiave pubblica del portale' })
          .getAttribute('href'))!,
      ),
    );
    await keyTab.getByRole('heading', { level: 1, name: 'Trasparenza del registro' }).waitFor();
    await shoot(keyTab, 'trasparenza');
    const publicKey = createPublicKey(
      (await keyTab.getByLabel('Chiave pubblica in formato PEM').textContent())!,
    );
    expect(verifyHead(signedHead, publicKey)).toBe(true);
    expect(
      verifyInclusion(
        Buffer.from(receipt.hashFoglia, 'hex'),
        receipt.foglia,
        receipt.dimensione,
        receipt.prova.map((hash) => Buffer.from(hash, 'hex')),
        signedHead.root,
      ),
    ).toBe(true);
    await keyTab.close();

    const sent = page.locator('.submitted-files');
    expect(await text(sent)).toContain(
      "Documento d'identità Legale Rappresentante: carta-identita.pdf",
    );
    expect(await text(sent)).toContain('foto-contatori.pdf — Foto delle letture dei contatori');

    const mailTab = await declarant.context.newPage();
    const subject = `Dichiara – dichiarazione scarichi industriali ${year}, protocollo ${protocol}`;
    const mail = await openMail(mailTab, ditta.email, subject, 'dichiarazione-protocollata');
    expect(mail).toContain(`contratto ${contract}`);
    expect(mail).toContain(`numero di protocollo ${protocol}`);
    expect(mail).toContain(url(`${base}/risultato`));
    expect(await text(mailTab.locator('dd').filter({ hasText: '.pdf' }))).toContain(
      `${copy.filename} (application/pdf`,
    );

    // 8. Back on step 1 the contract is greyed out with its reason, reachable from the keyboard.
    await page.bringToFront();
    await page.getByRole('link', { name: 'TORNA ALLA SCHERMATA PRINCIPALE' }).click();
    await page.waitForURL(url(`/dichiarazioni?anno=${year}`));
    const reason = `Dichiarazione ${year} già inviata (protocollo ${protocol}).`;
    const declared = choice(contract);
    expect(await declared.getAttribute('class')).toContain('contract-choice-disabled');
    expect(await text(declared)).toContain(reason);
    expect(
      await page.getByRole('link', { name: `Seleziona il contratto ${contract}` }).count(),
    ).toBe(0);
    expect(
      await page.getByRole('link', { name: `Seleziona il contratto ${otherContract}` }).count(),
    ).toBe(1);
    const filed = page
      .getByRole('table', { name: `Dichiarazioni ${year} inviate` })
      .getByRole('row')
      .filter({ hasText: contract });
    expect(await text(filed)).toContain(protocol);
    expect(await filed.getByText('oltre il termine').count(), `late: ${today} > ${deadline}`).toBe(
      late ? 1 : 0,
    );
    await shoot(page, 'dichiarazioni-contratto-inviato');

    const disabled = declared.locator('[aria-disabled="true"]');
    expect(await disabled.getAttribute('tabindex')).toBe('0');
    const describedBy = await disabled.getAttribute('aria-describedby');
    expect(await text(page.locator(`[id="${describedBy}"]`))).toBe(reason);
    await page.getByRole('heading', { level: 1 }).click();
    const isFocused = () => disabled.evaluate((element) => element === document.activeElement);
    for (let presses = 0; presses < 30 && !(await isFocused()); presses += 1)
      await page.keyboard.press('Tab');
    expect(await isFocused(), 'the disabled "Seleziona" takes the Tab focus').toBe(true);
    await shoot(page, 'dichiarazioni-contratto-inviato-focus');
    await page.keyboard.press('Enter');
    expect(pathOf(page)).toBe('/dichiarazioni');

    // 9. The operator sees it filed in the campaign.
    await op.bringToFront();
    await op.getByRole('link', { name: `Dichiarazioni ${year}` }).click();
    await op.getByRole('heading', { level: 1, name: `Dichiarazioni ${year}` }).waitFor();
    const line = op.getByRole('row').filter({ hasText: contract });
    expect(await text(line)).toContain('Inviata');
    expect(await text(line)).toContain(protocol);
    await shoot(op, 'operatore-campagna');

    await declarant.context.close();
    await operator.context.close();
    expect(journeyOf().problems).toEqual([]);
  }, 240_000);
});
