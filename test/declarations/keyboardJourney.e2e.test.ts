import { readFile } from 'node:fs/promises';
import { unzipSync } from 'fflate';
import type { Locator, Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { shownText as text } from '../support/declarationSteps.js';
import { UploadFolder } from '../support/declarationFiles.js';
import { useJourney } from '../support/journey.js';
import { declarationEdits, fill } from './workbooks/support/workbookFixtures.js';

/*
 * One journey with the keyboard alone: a Ditta registers, confirms its e-mail, is approved by an
 * operator (who may use the mouse), logs in, selects its contract, downloads the templates,
 * uploads its declaration, certifies and presses INVIA. The Ditta's pages are driven by Tab,
 * Shift+Tab, Enter, Space and typing: no click, no fill. Each control is reached from the one
 * before by Tab, so a control the keyboard cannot reach fails the journey where it stands.
 */

// In the demo registry and managed by nobody (the Studio journey registers it in its own portal).
const company = {
  name: 'Officine Reno SRL',
  taxId: '00743110157',
  phone: '051 6001122',
  customerCode: '5557654321',
  contract: '3005557654',
  street: 'Via Persicetana',
  civic: '40',
  cap: '40017',
  province: 'Bologna',
  municipality: 'San Giovanni in Persiceto',
};

/** Whether the element is where the keyboard is. */
const isFocused = (target: Locator) =>
  target.evaluate((element) => element === element.ownerDocument.activeElement);

/** What has the focus, for a message: its tag, its id or name, its text. */
const focusedDescription = (page: Page) =>
  page.evaluate(() => {
    const element = document.activeElement;
    if (!element) return 'nothing';
    const label = element.id ? document.querySelector(`label[for="${element.id}"]`) : null;
    const name = label?.textContent ?? element.getAttribute('aria-label') ?? element.textContent;
    return `<${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ''}> ${(name ?? '').replace(/\s+/g, ' ').trim().slice(0, 60)}`;
  });

/**
 * Whether the focused element shows it has the focus: an opaque outline or ring (bootstrap-italia
 * draws a white and black box-shadow), once the style's transitions have ended. Runs in the page.
 */
async function focusShows(element: Element): Promise<boolean> {
  await new Promise((resolve) => requestAnimationFrame(resolve));
  await Promise.all(element.getAnimations().map((animation) => animation.finished));
  const style = getComputedStyle(element);
  const opaque = (color: string) => {
    const parts = /rgba?\(([^)]*)\)/.exec(color)?.[1]?.split(',').map(Number) ?? [];
    return parts.length === 3 || (parts.length === 4 && parts[3]! > 0.5);
  };
  const outline =
    style.outlineStyle !== 'none' &&
    parseFloat(style.outlineWidth) > 0 &&
    opaque(style.outlineColor);
  const ring = (style.boxShadow === 'none' ? [] : style.boxShadow.split(/,(?![^(]*\))/)).some(
    (shadow) => opaque(shadow) && /\s[1-9][\d.]*px$/.test(shadow.trim()),
  );
  return outline || ring;
}

/**
 * Presses Tab (Shift+Tab going back) until `target` has the focus, as a person moves through the
 * page; fails if it is not reached. The focus must show (WCAG 2.4.7): an outline or a shadow.
 */
async function tabTo(
  page: Page,
  target: Locator,
  options: { back?: boolean; max?: number } = {},
): Promise<void> {
  const key = options.back ? 'Shift+Tab' : 'Tab';
  for (let presses = 0; presses <= (options.max ?? 80); presses += 1) {
    if (await isFocused(target)) {
      const shown = await target.evaluate(focusShows);
      expect(shown, `focus visible on ${await focusedDescription(page)}`).toBe(true);
      return;
    }
    await page.keyboard.press(key);
  }
  throw new Error(
    `Not reached with ${key}: ${target.toString()} (focus on ${await focusedDescription(page)})`,
  );
}

/** Tab to a field, type into it. */
async function typeInto(page: Page, field: Locator, value: string): Promise<void> {
  await tabTo(page, field);
  await page.keyboard.type(value);
  expect(await field.inputValue()).toBe(value);
}

/** Tab to a control and press a key on it (Enter for links and buttons, Space for boxes). */
async function pressOn(page: Page, control: Locator, key: 'Enter' | 'Space' = 'Enter') {
  await tabTo(page, control);
  await page.keyboard.press(key);
}

describe('a Ditta, from its registration to INVIA, with the keyboard alone', () => {
  const { current: journeyOf, url, person, shoot, logIn } = useJourney('keyboard-journey');
  const uploads = new UploadFolder();
  afterAll(() => uploads.remove());
  const pathOf = (page: Page) => new URL(page.url()).pathname;

  /** The newest mail to `to` with that subject, read from the local mailbox without the mouse. */
  async function mailText(page: Page, to: string, subject: string): Promise<string> {
    const row = page.getByRole('row').filter({ hasText: to }).filter({ hasText: subject });
    for (let attempt = 0; attempt < 40 && (await row.count()) === 0; attempt += 1) {
      await page.goto(url('/dev/mailbox'));
      if ((await row.count()) === 0) await page.waitForTimeout(250);
    }
    const href = await row.first().getByRole('link', { name: subject }).getAttribute('href');
    await page.goto(url(href!));
    return (await page.locator('pre').textContent()) ?? '';
  }

  it('registers, is approved, logs in, uploads its declaration and sends it', async () => {
    const suffix = Date.now().toString(36);
    const username = `officine.reno.${suffix}`;
    const fullName = 'Rita Reno';
    const email = `rita.reno.${suffix}@officinereno.example`;
    const password = 'Officine-Reno_2026';

    // 1. From the login page to the Ditta's registration: Tab to the link, Enter.
    const { context, page } = await person();
    await page.goto(url('/accesso'));
    await pressOn(page, page.getByRole('link', { name: 'Registrati come Ditta', exact: true }));
    await page.waitForURL(url('/registrazione/ditta'));
    await page.getByRole('heading', { level: 1, name: 'Registrazione Ditta' }).waitFor();

    // 2. Every field in the order of the page, reached by Tab and typed.
    const referent = page.getByRole('group', { name: 'Referente registrato' });
    await typeInto(page, referent.getByLabel(/^Nominativo/), fullName);
    await typeInto(page, referent.getByLabel(/^Telefono/), '051 6001100');
    await typeInto(page, referent.getByLabel(/^Indirizzo e-mail/), email);
    await typeInto(page, referent.getByLabel(/^Conferma indirizzo e-mail/), email);
    await typeInto(page, referent.getByLabel(/^Nome utente/), username);
    await typeInto(page, referent.getByLabel(/^Password/), password);
    await typeInto(page, referent.getByLabel(/^Conferma password/), password);
    const ditta = page.getByRole('region', { name: 'Ditta', exact: true });
    await typeInto(page, ditta.getByLabel(/^Ragione sociale/), company.name);
    await typeInto(page, ditta.getByLabel(/^Partita IVA/), company.taxId);
    await typeInto(page, ditta.getByLabel(/^Telefono/), company.phone);
    await typeInto(page, ditta.getByLabel(/^Codice cliente/), company.customerCode);
    await typeInto(page, ditta.getByLabel(/^n\. Contratto di scarico/), company.contract);
    await typeInto(page, ditta.getByLabel(/^Indirizzo stabilimento scarico/), company.street);
    await typeInto(page, ditta.getByLabel(/^Civico stabilimento scarico/), company.civic);
    await typeInto(page, ditta.getByLabel(/^CAP stabilimento scarico/), company.cap);
    // A closed list: typing its first letters chooses the province, as in any select.
    const province = ditta.getByLabel(/^Provincia stabilimento scarico/);
    await tabTo(page, province);
    await page.keyboard.type(company.province);
    expect(await province.inputValue()).toBe('BO');
    await typeInto(page, ditta.getByLabel(/^Comune stabilimento scarico/), company.municipality);
    // The privacy box, ticked with Space.
    const privacy = page.getByRole('checkbox', { name: "Ho letto l'informativa privacy" });
    await pressOn(page, privacy, 'Space');
    expect(await privacy.isChecked()).toBe(true);
    // The button that sends it is reached; then Shift+Tab goes back, as a person checking what
    // was typed, and Enter in a field sends the application (it used to add a contract instead:
    // «+ Aggiungi contratto» was the form's first submit button).
    await tabTo(page, page.getByRole('button', { name: 'Invia la domanda di registrazione' }));
    await tabTo(page, ditta.getByLabel(/^Codice cliente/), { back: true });
    expect(await ditta.getByLabel(/^Codice cliente/).inputValue()).toBe(company.customerCode);
    await shoot(page, 'registrazione-compilata');
    await page.keyboard.press('Enter');

    // 3. The code from the mail, typed; Enter in the field confirms.
    const codeField = page.getByLabel(/^Codice ricevuto via e-mail/);
    await codeField.waitFor();
    const mailTab = await context.newPage();
    const codeMail = await mailText(
      mailTab,
      email,
      'Dichiara – codice di conferma della registrazione',
    );
    const code = /\b(\d{6})\b/.exec(codeMail)?.[1];
    expect(code).toMatch(/^\d{6}$/);
    await page.bringToFront();
    await typeInto(page, codeField, code!);
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: "L'indirizzo e-mail è confermato" }).waitFor();
    await shoot(page, 'registrazione-inviata');

    // 4. The operator approves (the operator's part is not this journey's subject).
    const operator = await person();
    const op = operator.page;
    await logIn(op, 'operatore', 'Operatore-2026');
    await op.goto(url('/operatori/registrazioni'));
    await op
      .getByRole('row')
      .filter({ hasText: username })
      .getByRole('link', { name: `Esamina la registrazione di ${fullName}` })
      .click();
    await op.getByRole('button', { name: 'Approva la registrazione' }).click();
    await op.getByRole('status').filter({ hasText: 'Registrazione approvata' }).waitFor();
    await operator.context.close();

    // 5. The Ditta logs in: its name and password typed, Enter in the password field.
    await page.goto(url('/accesso'));
    const login = page.locator('#login-form');
    await typeInto(page, login.getByLabel(/^Nome utente/), username);
    await typeInto(page, login.getByLabel(/^Password/), password);
    await page.keyboard.press('Enter');
    await page.waitForURL(url('/area-riservata'));

    // 6. To its declarations, and its contract (validated with the registration).
    await pressOn(page, page.getByRole('link', { name: 'DICHIARAZIONI ANNUALI' }));
    await page.waitForURL(url('/dichiarazioni'));
    const year = Number(
      /Anno di riferimento (\d{4})/.exec(await text(page.locator('p.lead')))?.[1],
    );
    expect(year).toBeGreaterThanOrEqual(2025);
    const select = page.getByRole('link', { name: `Seleziona il contratto ${company.contract}` });
    await pressOn(page, select);
    const base = `/dichiarazioni/${year}/${company.contract}`;
    await page.waitForURL(url(base));
    await shoot(page, 'dichiarazione-passi');

    // 7. The templates, downloaded with Enter on the link; the declaration filled in.
    const [zip] = await Promise.all([
      page.waitForEvent('download'),
      pressOn(page, page.getByRole('link', { name: 'SCARICA TUTTI I MODELLI' })),
    ]);
    const zipped = unzipSync(new Uint8Array(await readFile(await zip.path())));
    const template = zipped[`dichiarazione-${year}-${company.contract}.xlsx`];
    expect(template, 'the declaration template in the zip').toBeDefined();
    const declaration = uploads.write(
      'dichiarazione.xlsx',
      await fill(Buffer.from(template!), declarationEdits),
    );
    const seen = page.getByRole('checkbox', { name: /^Dichiaro di aver visionato/ });
    await pressOn(page, seen, 'Space');
    expect(await seen.isChecked()).toBe(true);

    // 8. The file input opens the file chooser with Space, like a button.
    const input = page.getByLabel(/^Dichiarazione( \*)?$/);
    await tabTo(page, input);
    const [chooser] = await Promise.all([
      page.waitForEvent('filechooser'),
      page.keyboard.press('Space'),
    ]);
    await chooser.setFiles(declaration);
    expect(await input.evaluate((element) => (element as HTMLInputElement).files?.length)).toBe(1);
    expect(await page.getByLabel(/^Indirizzo e-mail di notifica/).inputValue()).toBe(email);
    await shoot(page, 'dichiarazione-file-scelto');
    // AVANTI is reached; Enter in the e-mail field is AVANTI too (it used to add an attachment
    // row: «+ Aggiungi allegato» was the form's first submit button).
    await tabTo(page, page.getByRole('button', { name: 'AVANTI' }));
    await tabTo(page, page.getByLabel(/^Indirizzo e-mail di notifica/), { back: true });
    await page.keyboard.press('Enter');
    await page.waitForURL(url(`${base}/validazione`));
    await page.getByRole('heading', { level: 1, name: 'Validazione' }).waitFor();
    expect(await page.getByText('Nessun errore rilevato').count()).toBe(1);

    // 9. The self-declaration: the legal representative typed (the text redraws beside it),
    // the box ticked with Space, the password typed, INVIA with Enter.
    const warnings = page.getByRole('checkbox', { name: /^Ho letto le segnalazioni/ });
    if ((await warnings.count()) > 0) await pressOn(page, warnings, 'Space');
    const representative = page.getByLabel(/^Legale rappresentante della ditta/);
    const redrawn = page.waitForResponse((response) =>
      new URL(response.url()).pathname.endsWith('/dichiarazione-sostitutiva'),
    );
    await tabTo(page, representative);
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('Rita Reno');
    await redrawn;
    await page
      .locator('#testo-dichiarazione')
      .filter({ hasText: 'il cui legale rappresentante è Rita Reno' })
      .waitFor();
    // The redraw leaves the focus where the person is typing.
    expect(await isFocused(representative)).toBe(true);
    const certify = page.getByRole('checkbox', { name: /^Rendo la dichiarazione sostitutiva/ });
    await pressOn(page, certify, 'Space');
    expect(await certify.isChecked()).toBe(true);
    await typeInto(page, page.getByLabel(/^Password del tuo account/), password);
    await shoot(page, 'dichiarazione-sostitutiva');
    await pressOn(page, page.getByRole('button', { name: 'INVIA' }));
    await page.waitForURL(url(`${base}/risultato`));
    await page.getByRole('heading', { level: 1, name: 'Risultato caricamento' }).waitFor();
    const protocol = await text(page.locator('.protocol-number'));
    expect(protocol).toMatch(new RegExp(`^${year}/\\d{6}$`));
    // The copy of record arrives by htmx; its link is reached by Tab like the rest.
    const copy = page.getByRole('link', {
      name: /^Scarica una copia stampabile della dichiarazione/,
    });
    await copy.waitFor();
    await tabTo(page, copy);
    await shoot(page, 'dichiarazione-inviata');
    expect(pathOf(page)).toBe(`${base}/risultato`);

    await context.close();
    expect(journeyOf().problems).toEqual([]);
  }, 240_000);
});
