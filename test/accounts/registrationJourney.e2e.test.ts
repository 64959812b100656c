import type { Locator, Page, Response } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { fillContract, useJourney } from '../support/journey.js';

// Officine Reno: in the demo registry and managed by nobody yet (Test SRL is the demo Ditta's).
const testSrl = {
  name: 'Officine Reno SRL',
  taxId: '00743110157',
  phone: '051 6001122',
  customerCode: '5557654321',
  contracts: [
    {
      number: '3005557654',
      street: 'Via Persicetana',
      civic: '40',
      cap: '40017',
      province: 'BO',
      municipality: 'San Giovanni in Persiceto',
    },
    {
      number: '3005557655',
      street: 'Via Modena',
      civic: '3',
      cap: '40019',
      province: 'BO',
      municipality: "Sant'Agata Bolognese",
    },
  ],
};
const conceria = {
  name: 'Conceria Santerno SPA',
  taxId: '01234567897',
  phone: '0542 600700',
  customerCode: '7771234567',
  contracts: [
    {
      number: '3007771234',
      street: 'Via Selice',
      civic: '10',
      cap: '40026',
      province: 'BO',
      municipality: 'Imola',
    },
    {
      number: '3007771235',
      street: 'Via Lasie',
      civic: '3/A',
      cap: '40026',
      province: 'BO',
      municipality: 'Imola',
    },
  ],
};
const allContracts = [...testSrl.contracts, ...conceria.contracts].map((c) => c.number);

describe('a Studio tecnico registers in the browser, an operator approves, the Studio enters', () => {
  const { current: journeyOf, url, person, shoot, logIn, openMail } = useJourney('journey');

  const company = (page: Page, n: number) =>
    page.getByRole('region', { name: `Ditta ${n}`, exact: true });
  const contract = (page: Page, companyBlock: Locator, n: number) =>
    companyBlock
      .locator('.bg-light')
      .filter({ has: page.getByRole('heading', { name: `Contratto ${n}`, exact: true }) });

  async function fillCompany(page: Page, block: Locator, d: typeof testSrl): Promise<void> {
    await block.getByLabel(/^Ragione sociale/).fill(d.name);
    await block.getByLabel(/^Partita IVA/).fill(d.taxId);
    await block.getByLabel(/^Telefono/).fill(d.phone);
    await block.getByLabel(/^Codice cliente/).fill(d.customerCode);
    await fillContract(contract(page, block, 1), d.contracts[0]!);
  }

  /** Clicks an add button and checks that htmx, not a page load, brought the new block. */
  async function addBlock(page: Page, button: Locator): Promise<void> {
    const [response] = await Promise.all([
      page.waitForResponse(
        (r: Response) =>
          r.request().method() === 'POST' && new URL(r.url()).pathname === '/registrazione/studio',
      ),
      button.click(),
    ]);
    expect(await response.request().headerValue('hx-request')).toBe('true');
    expect(response.status()).toBe(200);
  }

  async function expectCompany(
    page: Page,
    block: Locator,
    d: typeof testSrl,
    contracts: number,
  ): Promise<void> {
    expect(await block.getByLabel(/^Ragione sociale/).inputValue()).toBe(d.name);
    expect(await block.getByLabel(/^Partita IVA/).inputValue()).toBe(d.taxId);
    expect(await block.getByLabel(/^Telefono/).inputValue()).toBe(d.phone);
    expect(await block.getByLabel(/^Codice cliente/).inputValue()).toBe(d.customerCode);
    for (const [j, c] of d.contracts.slice(0, contracts).entries()) {
      const k = contract(page, block, j + 1);
      expect(await k.getByLabel(/^n\. Contratto di scarico/).inputValue()).toBe(c.number);
      expect(await k.getByLabel(/^Indirizzo stabilimento scarico/).inputValue()).toBe(c.street);
      expect(await k.getByLabel(/^Civico stabilimento scarico/).inputValue()).toBe(c.civic);
      expect(await k.getByLabel(/^CAP stabilimento scarico/).inputValue()).toBe(c.cap);
      expect(await k.getByLabel(/^Provincia stabilimento scarico/).inputValue()).toBe(c.province);
      expect(await k.getByLabel(/^Comune stabilimento scarico/).inputValue()).toBe(c.municipality);
    }
  }

  it('registers with two companies and four contracts, confirms the e-mail, is approved and enters', async () => {
    const suffix = Date.now().toString(36);
    const username = `studio.verdi.${suffix}`;
    const fullName = 'Marta Verdi';
    const email = `marta.verdi.${suffix}@studioverdi.example`;
    const password = 'Studio-Verdi_2026';

    // The utility's registry export has the Conceria's pairs (the demo registry does not).
    const operator = await person();
    const op = operator.page;
    await logIn(op, 'operatore', 'Operatore-2026');
    expect(new URL(op.url()).pathname).toBe('/operatori/registrazioni');
    await shoot(op, 'operatore-registrazioni');
    await op.getByRole('link', { name: 'Anagrafica clienti e contratti' }).click();
    await op.getByRole('heading', { level: 1, name: 'Anagrafica clienti e contratti' }).waitFor();
    await shoot(op, 'operatore-anagrafica');
    await op.getByLabel("File dell'anagrafica").setInputFiles({
      name: 'anagrafica-conceria.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        'codice cliente;numero contratto;ragione sociale;indirizzo\n' +
          '7771234567;3007771234;Conceria Santerno SPA;Via Selice 10, 40026 Imola (BO)\n' +
          '7771234567;3007771235;Conceria Santerno SPA;Via Lasie 3/A, 40026 Imola (BO)\n',
      ),
    });
    await op.getByRole('button', { name: 'Importa' }).click();
    const report = op.getByRole('status').filter({ hasText: 'anagrafica-conceria.csv' });
    await report.waitFor();
    expect(await report.textContent()).toMatch(/importate 2 coppie, scartate 0 righe/);
    await shoot(op, 'operatore-anagrafica-importata');

    // 1. The consultant opens the login page and chooses the Studio registration.
    const consultant = await person();
    const page = consultant.page;
    await page.goto(url('/accesso'));
    await shoot(page, 'accesso');
    await page
      .getByRole('link', { name: 'Registrati come Studio tecnico/Consulente/Associazione' })
      .click();
    await page.waitForURL(url('/registrazione/studio'));
    await page
      .getByRole('heading', {
        level: 1,
        name: 'Registrazione Studio tecnico/Consulente/Associazione',
      })
      .waitFor();
    await shoot(page, 'registrazione-studio');

    // 2. The referent block, by label, and the privacy box.
    const referent = page.getByRole('group', { name: 'Referente registrato' });
    const fillReferent = async (address: string) => {
      await referent.getByLabel(/^Nominativo/).fill(fullName);
      await referent.getByLabel(/^Telefono/).fill('051 5447783');
      await referent.getByLabel(/^Indirizzo e-mail/).fill(address);
      await referent.getByLabel(/^Conferma indirizzo e-mail/).fill(address);
      await referent.getByLabel(/^Nome utente/).fill(username);
    };
    const typePassword = async () => {
      await referent.getByLabel(/^Password/).fill(password);
      await referent.getByLabel(/^Conferma password/).fill(password);
    };
    // The deliberate mistake of step 4: a PEC address where an ordinary one is wanted.
    await fillReferent('studio.verdi@pec.it');
    await typePassword();
    // bootstrap-italia draws the box on the label; a person clicks the box, not the link.
    await page.locator('label[for="privacy"]').click({ position: { x: 8, y: 12 } });
    expect(await page.getByLabel(/informativa privacy/).isChecked()).toBe(true);
    expect(consultant.context.pages()).toHaveLength(1);

    // 3. Ditta 1 with two contracts, Ditta 2 with two contracts; htmx adds the blocks.
    await fillCompany(page, company(page, 1), testSrl);
    await addBlock(page, company(page, 1).getByRole('button', { name: '+ Aggiungi contratto' }));
    await contract(page, company(page, 1), 2).waitFor();
    await expectCompany(page, company(page, 1), testSrl, 1);
    expect(await referent.getByLabel(/^Nominativo/).inputValue()).toBe(fullName);
    expect(await referent.getByLabel(/^Nome utente/).inputValue()).toBe(username);
    expect(await page.getByLabel(/informativa privacy/).isChecked()).toBe(true);
    await fillContract(contract(page, company(page, 1), 2), testSrl.contracts[1]!);

    await addBlock(page, page.getByRole('button', { name: '+ Aggiungi ditta' }));
    await company(page, 2).waitFor();
    await expectCompany(page, company(page, 1), testSrl, 2);
    await fillCompany(page, company(page, 2), conceria);
    await addBlock(page, company(page, 2).getByRole('button', { name: '+ Aggiungi contratto' }));
    await contract(page, company(page, 2), 2).waitFor();
    await fillContract(contract(page, company(page, 2), 2), conceria.contracts[1]!);
    await expectCompany(page, company(page, 1), testSrl, 2);
    await expectCompany(page, company(page, 2), conceria, 2);
    expect(await referent.getByLabel(/^Telefono/).inputValue()).toBe('051 5447783');
    expect(await referent.getByLabel(/^Indirizzo e-mail/).inputValue()).toBe('studio.verdi@pec.it');
    expect(await page.getByLabel(/informativa privacy/).isChecked()).toBe(true);
    await shoot(page, 'registrazione-due-ditte');
    // The passwords too: adding a block is not a failed submission.
    for (const label of [/^Password/, /^Conferma password/]) {
      expect.soft(await referent.getByLabel(label).inputValue(), `${label} kept`).toBe(password);
    }
    await typePassword(); // as a person would, having noticed the empty fields

    // 4. The PEC address is refused beside the field and in the summary; the rest is kept.
    await page.getByRole('button', { name: 'Invia la domanda di registrazione' }).click();
    const summary = page.getByRole('alert').filter({ hasText: 'da correggere' });
    await summary.waitFor();
    await shoot(page, 'registrazione-errore');
    const pecMessage = 'Indicare un indirizzo e-mail ordinario (non PEC).';
    expect(await summary.getByRole('listitem').allTextContents()).toEqual([pecMessage]);
    expect(await summary.getByRole('link', { name: pecMessage }).getAttribute('href')).toBe(
      '#email',
    );
    const emailField = referent.getByLabel(/^Indirizzo e-mail/);
    expect(await emailField.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await emailField.getAttribute('aria-describedby')) ?? '';
    expect(describedBy.split(' ')).toContain('email-error');
    expect(await page.locator('#email-error').textContent()).toBe(pecMessage);
    expect(await emailField.inputValue()).toBe('studio.verdi@pec.it');
    expect(await referent.getByLabel(/^Nominativo/).inputValue()).toBe(fullName);
    expect(await referent.getByLabel(/^Nome utente/).inputValue()).toBe(username);
    await expectCompany(page, company(page, 1), testSrl, 2);
    await expectCompany(page, company(page, 2), conceria, 2);

    await fillReferent(email);
    await typePassword();
    await page.getByRole('button', { name: 'Invia la domanda di registrazione' }).click();

    // 5. The code, read from the local mailbox in another tab.
    const codeField = page.getByLabel(/^Codice ricevuto via e-mail/);
    await codeField.waitFor().catch(async (error: unknown) => {
      await shoot(page, 'registrazione-non-inviata');
      throw error;
    });
    await shoot(page, 'verifica-email');
    // The verification page itself, not its form alone swapped into the registration page.
    expect
      .soft(new URL(page.url()).pathname, 'address of the verification page')
      .toBe('/registrazione/verifica');
    expect
      .soft(await page.getByRole('heading', { level: 1 }).allTextContents(), 'its heading')
      .toEqual(["Conferma l'indirizzo e-mail"]);
    expect
      .soft(await page.getByText(/m\*\*\*@studioverdi\.example/).count(), 'masked address')
      .toBe(1);
    const mailTab = await consultant.context.newPage();
    const codeMail = await openMail(
      mailTab,
      email,
      'Dichiara – codice di conferma della registrazione',
      'codice',
    );
    expect(codeMail).toContain(`Gentile ${fullName},`);
    const code = /\b(\d{6})\b/.exec(codeMail)?.[1];
    expect(code).toMatch(/^\d{6}$/);
    await page.bringToFront();
    await codeField.fill(code!);
    await page.getByRole('button', { name: 'Conferma', exact: true }).click();
    await page.getByRole('status').filter({ hasText: "L'indirizzo e-mail è confermato" }).waitFor();
    await shoot(page, 'registrazione-inviata');
    expect
      .soft(await page.getByRole('heading', { level: 1 }).allTextContents(), 'one page, one h1')
      .toEqual(['Registrazione inviata']);
    // A header inside <main> is no banner: count the elements themselves.
    for (const element of ['header', 'main', 'footer']) {
      expect.soft(await page.locator(element).count(), `one ${element}`).toBe(1);
    }

    // 6. The operator examines and approves it.
    // The registry page has no link back to the queue: the operator goes there by address.
    await op.goto(url('/operatori/registrazioni'));
    const row = op.getByRole('row').filter({ hasText: username });
    await row.waitFor();
    expect(await row.textContent()).toContain('Officine Reno SRL, Conceria Santerno SPA');
    await shoot(op, 'operatore-registrazioni-in-attesa');
    await row.getByRole('link', { name: `Esamina la registrazione di ${fullName}` }).click();
    await op.getByRole('heading', { level: 1, name: `Registrazione di ${fullName}` }).waitFor();
    await shoot(op, 'operatore-esamina');
    for (const name of [testSrl.name, conceria.name]) {
      expect(await op.getByRole('heading', { level: 2, name, exact: true }).count()).toBe(1);
    }
    for (const number of allContracts) {
      const contractRow = op.getByRole('row').filter({ hasText: number });
      expect(await contractRow.count(), number).toBe(1);
      expect(await contractRow.getByText('Presente', { exact: true }).count(), number).toBe(1);
    }
    expect(await op.getByText('Coppia non presente in anagrafica').count()).toBe(0);
    await op.getByRole('button', { name: 'Approva la registrazione' }).click();
    await op.getByRole('status').filter({ hasText: 'Registrazione approvata' }).waitFor();
    expect(await op.getByRole('row').filter({ hasText: username }).count()).toBe(0);
    await shoot(op, 'operatore-approvata');
    await operator.context.close();

    // 7. The consultant enters the reserved area, reads the approval mail, logs out.
    await logIn(page, username, password);
    expect(new URL(page.url()).pathname).toBe('/area-riservata');
    await page.getByRole('heading', { level: 1, name: 'Area riservata' }).waitFor();
    expect(await page.getByText(fullName).first().isVisible()).toBe(true);
    expect(await page.getByRole('link', { name: 'MODIFICA PROFILO' }).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'LOGOUT' }).isVisible()).toBe(true);
    expect(await page.getByRole('link', { name: 'DICHIARAZIONI ANNUALI' }).isVisible()).toBe(true);
    for (const number of allContracts) {
      expect(await page.getByRole('cell', { name: number, exact: true }).count(), number).toBe(1);
    }
    await shoot(page, 'area-riservata');
    const approval = await openMail(
      mailTab,
      email,
      'Dichiara – registrazione accettata',
      'accettata',
    );
    expect(approval).toContain('è stata accettata');
    expect(approval).toContain(url('/accesso'));

    // 8. A new e-mail address, confirmed through the link mailed to it; then the logout.
    const newEmail = `nuovo.${email}`;
    await page.bringToFront();
    await page.getByRole('link', { name: 'MODIFICA PROFILO' }).click();
    await page.getByRole('heading', { level: 1, name: /^Modifica profilo/ }).waitFor();
    await page.getByLabel(/^Nuovo indirizzo e-mail/).fill(newEmail);
    await page.getByLabel(/^Conferma nuovo indirizzo e-mail/).fill(newEmail);
    await page.getByLabel(/^Password attuale/).fill(password);
    await page.getByRole('button', { name: 'Invia' }).click();
    await page.getByText('In attesa di conferma').waitFor();
    await shoot(page, 'profilo-email-in-attesa');
    const confirmation = await openMail(
      mailTab,
      newEmail,
      'Dichiara – conferma il nuovo indirizzo e-mail',
      'conferma-email',
    );
    const link = /(http:\/\/\S+\/profilo\/conferma-email\?\S+)/.exec(confirmation)?.[1];
    expect(link, 'confirmation link in the mail').toBeDefined();
    await page.goto(link!);
    await page.getByRole('button', { name: 'Conferma il nuovo indirizzo' }).click();
    await page.getByRole('heading', { level: 1, name: 'Indirizzo confermato' }).waitFor();
    expect(await page.getByText(newEmail).first().isVisible()).toBe(true);
    await shoot(page, 'email-confermata');
    const notice = await openMail(
      mailTab,
      email,
      'Dichiara – indirizzo e-mail modificato',
      'email-modificata',
    );
    expect(notice).toContain(newEmail);

    await page.bringToFront();
    await page.goto(url('/area-riservata'));
    await page.getByRole('button', { name: 'LOGOUT' }).click();
    await page.waitForURL(url('/accesso'));
    await shoot(page, 'accesso-dopo-logout');
    await page.goto(url('/area-riservata'));
    expect(new URL(page.url()).pathname).toBe('/accesso');
    expect(new URL(page.url()).searchParams.get('dopo')).toBe('/area-riservata');
    expect(await page.getByRole('button', { name: 'LOGOUT' }).count()).toBe(0);
    await shoot(page, 'area-riservata-dopo-logout');
    await consultant.context.close();

    expect(journeyOf().problems).toEqual([]);
  }, 180_000);

  it('without JavaScript "+ Aggiungi ditta" posts the whole form and keeps what was typed', async () => {
    const context = await journeyOf().browser.newContext({
      javaScriptEnabled: false,
      locale: 'it-IT',
    });
    const page = await context.newPage();
    await page.goto(url('/registrazione/studio'));
    const referent = page.getByRole('group', { name: 'Referente registrato' });
    await referent.getByLabel(/^Nominativo/).fill('Marta Verdi');
    await fillCompany(page, company(page, 1), testSrl);
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: '+ Aggiungi ditta' }).click(),
    ]);
    expect(await response.request().headerValue('hx-request')).toBeNull();
    expect((await response.text()).startsWith('<!doctype html>')).toBe(true);
    await company(page, 2).waitFor();
    expect(await referent.getByLabel(/^Nominativo/).inputValue()).toBe('Marta Verdi');
    await expectCompany(page, company(page, 1), testSrl, 1);
    await shoot(page, 'senza-js-aggiungi-ditta');
    await context.close();
  }, 60_000);

  it('the registration page starts with the skip link and names every field', async () => {
    journeyOf().problems = [];
    const { context, page } = await person();
    await page.goto(url('/registrazione/studio'));
    await page.keyboard.press('Tab');
    const focused = page.locator(':focus');
    expect(await focused.textContent()).toBe('Vai al contenuto principale');
    expect(await focused.getAttribute('href')).toBe('#main-content');
    await shoot(page, 'tastiera-skip-link');
    await page.keyboard.press('Enter');
    expect(await page.locator(':focus').getAttribute('id')).toBe('main-content');

    for (const name of [
      'Nominativo',
      'Indirizzo e-mail (no PEC)',
      'Conferma indirizzo e-mail',
      'Nome utente',
      'Ragione sociale',
      'Partita IVA',
      'Codice cliente',
      'n. Contratto di scarico',
      'CAP stabilimento scarico',
    ]) {
      expect(await page.getByRole('textbox', { name, exact: true }).count(), name).toBe(1);
    }
    expect(await page.getByRole('textbox', { name: 'Telefono', exact: true }).count()).toBe(2);
    expect(
      await page
        .getByRole('combobox', { name: 'Provincia stabilimento scarico', exact: true })
        .count(),
    ).toBe(1);
    expect(
      await page.getByRole('checkbox', { name: "Ho letto l'informativa privacy" }).count(),
    ).toBe(1);
    const form = await page.locator('#registration-form').ariaSnapshot();
    const controls = form
      .split('\n')
      .filter((line) => /- (textbox|combobox|checkbox)\b/.test(line));
    expect(controls.length).toBeGreaterThanOrEqual(17);
    expect(controls.filter((line) => !/- \w+ "[^"]+"/.test(line))).toEqual([]);
    await context.close();
    expect(journeyOf().problems).toEqual([]);
  }, 60_000);
});
