import { certifyAndSend, shownText as text, tick } from '../support/declarationSteps.js';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Locator, Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { inYear, smallPdf, UploadFolder } from '../support/declarationFiles.js';
import { useJourney } from '../support/journey.js';
import { pdfText, squeezed } from './pdf/pdfText.js';
import {
  analysesEdits,
  declarationEdits,
  fill,
  merge,
} from './workbooks/support/workbookFixtures.js';

// The demo Ditta and operator (seedDemo.ts): the Ditta manages Test SRL's contract 3001234567.
const ditta = { username: 'ditta.demo', password: 'Ditta-2026' };
const operatore = { username: 'operatore', password: 'Operatore-2026' };
const contract = '3001234567';
const reason = 'Manca la planimetria dello stabilimento tra gli allegati.';
const note = 'Allegare la planimetria dello stabilimento con i punti di scarico.';
/** The hex SHA-256 a copy of record prints beside each file sent. */
const sha256 = (content: Buffer) => createHash('sha256').update(content).digest('hex');

describe('a company corrects its filed declaration after the operator asks for more', () => {
  const { current: journeyOf, url, person, shoot, logIn } = useJourney('correction-journey');
  const uploads = new UploadFolder();
  afterAll(() => uploads.remove());

  async function download(page: Page, link: Locator) {
    const [file] = await Promise.all([page.waitForEvent('download'), link.click()]);
    return { filename: file.suggestedFilename(), content: await readFile(await file.path()) };
  }

  /** The self-declaration and the password at INVIA, as the company makes them. */
  const send = (page: Page) =>
    certifyAndSend(page, { legalRepresentative: 'Teresa Test', password: ditta.password });

  /** The operator's outcome, recorded from the campaign dashboard's «Esamina» link. */
  async function review(page: Page, year: number, outcome: string, shot?: string) {
    await page.goto(url(`/operatori/campagne/${year}`));
    await page.getByRole('heading', { level: 1, name: `Dichiarazioni ${year}` }).waitFor();
    await page
      .getByRole('link', { name: `Esamina la dichiarazione del contratto ${contract}` })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Risultato caricamento' }).waitFor();
    await tick(page, outcome);
    if (outcome === 'Integrazione richiesta') {
      await page.getByLabel('Nota per il dichiarante').fill(note);
      await page.getByLabel(/^Integrazione entro il/).fill(inDays(30));
    }
    if (shot) await shoot(page, shot);
    await page.getByRole('button', { name: 'Registra l’esito' }).click();
    await page.getByText(/^Esito registrato/).waitFor();
  }

  /** The company's result page of the year, from its list of filed declarations. */
  async function companyResult(page: Page, year: number) {
    await page.goto(url(`/dichiarazioni?anno=${year}`));
    await page
      .getByRole('table', { name: `Dichiarazioni ${year} inviate` })
      .getByRole('link', {
        name: `Documenti della dichiarazione ${year} del contratto ${contract}`,
      })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Risultato caricamento' }).waitFor();
  }

  it('asks for an integration, files a correction with a new number, then accepts it', async () => {
    // 1. The company files its declaration through the wizard and gets protocol A.
    const company = await person();
    const page = company.page;
    await logIn(page, ditta.username, ditta.password);
    await page.getByRole('link', { name: 'DICHIARAZIONI ANNUALI' }).click();
    const lead = await text(page.locator('p.lead'));
    const year = Number(/Anno di riferimento (\d{4})/.exec(lead)?.[1]);
    expect(year).toBeGreaterThanOrEqual(2025);
    const base = `/dichiarazioni/${year}/${contract}`;
    await page.getByRole('link', { name: `Seleziona il contratto ${contract}` }).click();
    await page.waitForURL(url(base));
    const declarationTemplate = await download(
      page,
      page.getByRole('link', { name: 'Modello Excel della dichiarazione' }),
    );
    const analysesTemplate = await download(
      page,
      page.getByRole('link', { name: 'Modello Excel delle analisi chimiche' }),
    );
    // The bytes sent, kept to check the hashes each copy of record prints.
    const sent = {
      declaration: await fill(declarationTemplate.content, declarationEdits),
      identity: smallPdf('Carta di identità'),
      analyses: await fill(analysesTemplate.content, inYear(analysesEdits, year)),
      labReport: smallPdf('Rapporto di prova'),
    };
    await tick(page, /^Dichiaro di aver visionato/);
    await page
      .getByLabel(/^Dichiarazione( \*)?$/)
      .setInputFiles(uploads.write('dichiarazione.xlsx', sent.declaration));
    await page
      .getByLabel("Documento d'identità Legale Rappresentante")
      .setInputFiles(uploads.write('carta-identita.pdf', sent.identity));
    await page
      .getByLabel('Analisi chimiche (Excel)')
      .setInputFiles(uploads.write('analisi.xlsx', sent.analyses));
    await page
      .getByLabel('Rapporti di prova laboratorio')
      .setInputFiles(uploads.write('rapporto-di-prova.pdf', sent.labReport));
    await page.getByRole('button', { name: 'AVANTI' }).click();
    await page.waitForURL(url(`${base}/validazione`));
    const protocolA = await send(page);
    expect(protocolA).toBe(`${year}/000001`);
    await company.context.close();

    // 2. The operator asks for an integration, with a note and a date after today.
    const operator = await person();
    const op = operator.page;
    await logIn(op, operatore.username, operatore.password);
    await review(op, year, 'Integrazione richiesta', 'operatore-esame');
    const outcome = op.getByRole('region', { name: 'Esito dell’esame del gestore' });
    expect(await text(outcome)).toContain('Integrazione richiesta');
    expect(await text(outcome)).toContain(note);

    // 3. The company, back later, reads the outcome and starts a correction with its reason.
    const returning = await person();
    const back = returning.page;
    await logIn(back, ditta.username, ditta.password);
    await companyResult(back, year);
    const itsOutcome = back.getByRole('region', { name: 'Esito dell’esame del gestore' });
    expect(await text(itsOutcome)).toContain('Integrazione richiesta');
    expect(await text(itsOutcome)).toContain(note);
    expect(await back.getByRole('button', { name: 'Registra l’esito' }).count()).toBe(0);
    await back.getByLabel(/^Motivo della rettifica/).fill(reason);
    await shoot(back, 'ditta-rettifica');
    await back.getByRole('button', { name: 'Avvia la rettifica' }).click();
    await back.waitForURL(url(base));
    const banner = back.getByRole('status').filter({ hasText: 'Rettifica della dichiarazione' });
    expect(await text(banner)).toContain(
      `Rettifica della dichiarazione protocollo ${protocolA} — motivo: «${reason}»`,
    );
    // The wizard starts from the filed files: the company adds what was missing and sends the
    // declaration again with a note about it, the figures unchanged.
    expect(await text(back.locator('#dichiarazione-kept'))).toContain(
      'Già caricato: dichiarazione.xlsx',
    );
    const resent = {
      declaration: await fill(
        declarationTemplate.content,
        merge(declarationEdits, {
          Dichiarazione: { B12: 'Planimetria dello stabilimento allegata con la rettifica.' },
        }),
      ),
      plan: smallPdf('Planimetria'),
    };
    expect(sha256(resent.declaration)).not.toBe(sha256(sent.declaration));
    await tick(back, /^Dichiaro di aver visionato/);
    await back
      .getByLabel(/^Dichiarazione( \*)?$/)
      .setInputFiles(uploads.write('dichiarazione-rettificata.xlsx', resent.declaration));
    await back
      .getByLabel('Allegato 1', { exact: true })
      .setInputFiles(uploads.write('planimetria.pdf', resent.plan));
    await back.getByLabel('Descrizione 1', { exact: true }).fill('Planimetria dello stabilimento');
    await shoot(back, 'ditta-rettifica-procedura');
    await back.getByRole('button', { name: 'AVANTI' }).click();
    await back.waitForURL(url(`${base}/validazione`));
    await back.getByRole('heading', { level: 1, name: 'Validazione' }).waitFor();
    expect(
      await back.getByLabel(/^Legale rappresentante della ditta \(nome e cognome\)/).inputValue(),
    ).toBe('Teresa Test');
    const protocolB = await send(back);
    expect(protocolB).toMatch(/^\d{4}\/\d{6}$/);
    expect(protocolB).not.toBe(protocolA);

    // 4. Two versions, the last in force, each with its own copy of record. The table follows
    // the copy by htmx: the new copy's link shows without a reload.
    const versions = back.getByRole('table', { name: /^Versioni della dichiarazione/ });
    const pdfLink = (protocol: string) =>
      versions.getByRole('link', { name: `PDF del protocollo ${protocol}` });
    await pdfLink(protocolB).waitFor();
    const rows = versions.locator('tbody tr');
    expect(await rows.count()).toBe(2);
    expect(await text(rows.nth(0))).toContain(protocolA);
    expect(await text(rows.nth(0))).not.toContain('in vigore');
    expect(await text(rows.nth(1))).toContain(protocolB);
    expect(await text(rows.nth(1))).toContain('in vigore');
    expect(await text(rows.nth(1))).toContain(reason);
    // Each version keeps its outcome: the first the integration it was asked for.
    expect(await text(rows.nth(0))).toContain('Integrazione richiesta');
    expect(await text(rows.nth(1))).toContain('Da esaminare');
    await shoot(back, 'ditta-versioni');
    const pdfOf = (protocol: string) => download(back, pdfLink(protocol));
    const oldCopy = await pdfOf(protocolA);
    const newCopy = await pdfOf(protocolB);
    expect(oldCopy.filename).toBe(`dichiarazione-${protocolA.replace('/', '-')}.pdf`);
    expect(newCopy.filename).toBe(`dichiarazione-${protocolB.replace('/', '-')}.pdf`);
    const oldText = squeezed(await pdfText(oldCopy.content));
    const newText = squeezed(await pdfText(newCopy.content));
    expect(oldText).toContain(protocolA);
    expect(oldText).not.toContain('Sostituisce la dichiarazione');
    expect(oldText).not.toContain('planimetria.pdf');
    expect(newText).toContain(protocolB);
    expect(newText).toContain(`Sostituisce la dichiarazione protocollo ${protocolA}`);
    expect(newText).toContain(squeezed(reason));
    expect(newText).toContain('Dichiarazione sostitutiva (artt. 46 e 47 del D.P.R. 445/2000)');
    expect(newText).toContain('Legale rappresentante Teresa Test');
    expect(newText).toContain('planimetria.pdf');
    // Each copy lists the files its own version sent, each with its full SHA-256: the correction
    // keeps the files it did not replace.
    const kept = [sent.identity, sent.analyses, sent.labReport].map(sha256);
    for (const hash of [sha256(sent.declaration), ...kept]) expect(oldText).toContain(hash);
    expect(oldText).not.toContain(sha256(resent.declaration));
    expect(oldText).not.toContain(sha256(resent.plan));
    for (const hash of [sha256(resent.declaration), sha256(resent.plan), ...kept])
      expect(newText).toContain(hash);
    expect(newText).not.toContain(sha256(sent.declaration));

    // 5. The operator accepts the new version; the company may no longer correct it alone.
    await op.bringToFront();
    await review(op, year, 'Accettata');
    await back.bringToFront();
    await companyResult(back, year);
    const accepted = back.getByRole('region', { name: 'Esito dell’esame del gestore' });
    expect(await text(accepted)).toContain('Accettata');
    expect(await text(back.getByRole('region', { name: 'Rettifica' }))).toContain(
      'La dichiarazione è stata accettata: per rettificarla chiedi al gestore di riaprirla.',
    );
    expect(await back.getByRole('button', { name: 'Avvia la rettifica' }).count()).toBe(0);
    await shoot(back, 'ditta-accettata');

    // The list of the year's declarations names the version in force and folds the corrections.
    await back.goto(url(`/dichiarazioni?anno=${year}`));
    const listed = back.getByRole('table', { name: `Dichiarazioni ${year} inviate` });
    await listed.getByText('Versione 2: vedi le rettifiche').click();
    expect(await text(listed.locator('details.declaration-versions'))).toContain(
      `${protocolB} del`,
    );
    expect(await text(listed.locator('details.declaration-versions'))).toContain(reason);
    await shoot(back, 'ditta-elenco-versioni');

    await returning.context.close();
    await operator.context.close();
    expect(journeyOf().problems).toEqual([]);
  }, 240_000);
});

/** The date `days` after today in Rome, as a date input takes it. */
function inDays(days: number): string {
  const later = new Date(Date.now() + days * 24 * 60 * 60 * 1000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome' }).format(later);
}
