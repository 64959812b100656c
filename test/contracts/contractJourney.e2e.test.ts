import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { fillContract, useJourney } from '../support/journey.js';

// Officine Reno: in the demo registry (one pair) and managed by nobody.
const officine = {
  name: 'Officine Reno SRL',
  taxId: '01987654322',
  phone: '051 6001122',
  customerCode: '5557654321',
  first: {
    number: '3005557654',
    street: 'Via Persicetana',
    civic: '40',
    cap: '40017',
    province: 'BO',
    municipality: 'San Giovanni in Persiceto',
  },
  second: {
    number: '3005557655',
    street: 'Via Modena',
    civic: '3',
    cap: '40019',
    province: 'BO',
    municipality: "Sant'Agata Bolognese",
  },
};

const dateTime = /^\d{1,2}\/\d{1,2}\/\d{4}, \d{1,2}:\d{2}:\d{2}$/;
const ipAddress = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-f:.]*:[0-9a-f:.]+)$/i;

describe('a consultant manages a contract until the invited company takes it over', () => {
  const {
    current: journeyOf,
    url,
    person,
    shoot,
    logIn,
    openMail,
    reloadUntil,
  } = useJourney('contract-journey');
  const pathOf = (page: Page) => new URL(page.url()).pathname;

  /** One contract's card on "Contratti". */
  const card = (page: Page, number: string) =>
    page.getByRole('region', { name: `Contratto ${number}`, exact: true });
  const managedBy = async (c: Locator) =>
    ((await c.locator('dt:text-is("Attualmente gestito da") + dd').textContent()) ?? '').trim();
  const badge = async (c: Locator) => ((await c.locator('.badge').textContent()) ?? '').trim();

  /** The rows of the "Storia del contratto" table, cell by cell. */
  async function historyRows(page: Page): Promise<string[][]> {
    const rows = page.locator('table tbody tr');
    const cells: string[][] = [];
    for (let i = 0; i < (await rows.count()); i += 1) {
      const texts = await rows.nth(i).getByRole('cell').allTextContents();
      cells.push(texts.map((text) => text.replace(/\s+/g, ' ').trim()));
    }
    return cells;
  }

  it('registers, is approved, adds a contract; the invited company takes one over', async () => {
    const suffix = Date.now().toString(36);
    const username = `studio.bianchi.${suffix}`;
    const fullName = 'Luca Bianchi';
    const email = `luca.bianchi.${suffix}@studiobianchi.example`;
    const password = 'Studio-Bianchi_2026';
    const pec = `amministrazione.${suffix}@pec.officinereno.example`;
    const companyPassword = 'Officine-Reno_2026';

    // 0. The demo registry has Officine Reno's first pair only (seedDemo.ts): the utility's
    // export adds the second, or "+ Aggiungi contratto" refuses it as "coppia non ammessa".
    const operator = await person();
    const op = operator.page;
    await logIn(op, 'operatore', 'Operatore-2026');
    expect(pathOf(op)).toBe('/operatori/registrazioni');
    await shoot(op, 'operatore-registrazioni');
    await op.getByRole('link', { name: 'Anagrafica clienti e contratti' }).click();
    await op.getByRole('heading', { level: 1, name: 'Anagrafica clienti e contratti' }).waitFor();
    await op.getByLabel("File dell'anagrafica").setInputFiles({
      name: 'anagrafica-officine-reno.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        'codice cliente;numero contratto;ragione sociale;indirizzo\n' +
          "5557654321;3005557655;Officine Reno SRL;Via Modena 3, 40019 Sant'Agata Bolognese (BO)\n",
      ),
    });
    await op.getByRole('button', { name: 'Importa' }).click();
    const report = op.getByRole('status').filter({ hasText: 'anagrafica-officine-reno.csv' });
    await report.waitFor();
    expect(await report.textContent()).toMatch(/importata 1 coppia, scartate 0 righe/);
    await shoot(op, 'operatore-anagrafica-importata');

    // 1. The consultant registers with Officine Reno and its first contract.
    const consultant = await person();
    const page = consultant.page;
    await page.goto(url('/accesso'));
    await page
      .getByRole('link', { name: 'Registrati come Studio tecnico/Consulente/Associazione' })
      .click();
    await page.waitForURL(url('/registrazione/studio'));
    const referent = page.getByRole('group', { name: 'Referente registrato' });
    await referent.getByLabel(/^Nominativo/).fill(fullName);
    await referent.getByLabel(/^Telefono/).fill('051 5447783');
    await referent.getByLabel(/^Indirizzo e-mail/).fill(email);
    await referent.getByLabel(/^Conferma indirizzo e-mail/).fill(email);
    await referent.getByLabel(/^Nome utente/).fill(username);
    await referent.getByLabel(/^Password/).fill(password);
    await referent.getByLabel(/^Conferma password/).fill(password);
    const ditta = page.getByRole('region', { name: 'Ditta 1', exact: true });
    await ditta.getByLabel(/^Ragione sociale/).fill(officine.name);
    await ditta.getByLabel(/^Partita IVA/).fill(officine.taxId);
    await ditta.getByLabel(/^Telefono/).fill(officine.phone);
    await ditta.getByLabel(/^Codice cliente/).fill(officine.customerCode);
    await fillContract(ditta.locator('.bg-light').first(), officine.first);
    // bootstrap-italia draws the box on the label; a person clicks the box, not the link.
    await page.locator('label[for="privacy"]').click({ position: { x: 8, y: 12 } });
    expect(await page.getByLabel(/informativa privacy/).isChecked()).toBe(true);
    await shoot(page, 'registrazione-studio');
    await page.getByRole('button', { name: 'Invia la domanda di registrazione' }).click();

    const codeField = page.getByLabel(/^Codice ricevuto via e-mail/);
    await codeField.waitFor();
    await shoot(page, 'verifica-email');
    const mailTab = await consultant.context.newPage();
    const codeMail = await openMail(
      mailTab,
      email,
      'Dichiara – codice di conferma della registrazione',
      'codice',
    );
    const code = /\b(\d{6})\b/.exec(codeMail)?.[1];
    expect(code).toMatch(/^\d{6}$/);
    await page.bringToFront();
    await codeField.fill(code!);
    await page.getByRole('button', { name: 'Conferma', exact: true }).click();
    await page.getByRole('status').filter({ hasText: "L'indirizzo e-mail è confermato" }).waitFor();
    await shoot(page, 'registrazione-inviata');

    // 2. The operator approves the registration.
    await op.bringToFront();
    await op.goto(url('/operatori/registrazioni'));
    const row = op.getByRole('row').filter({ hasText: username });
    await row.waitFor();
    expect(await row.textContent()).toContain(officine.name);
    await row.getByRole('link', { name: `Esamina la registrazione di ${fullName}` }).click();
    await op.getByRole('heading', { level: 1, name: `Registrazione di ${fullName}` }).waitFor();
    const pairRow = op.getByRole('row').filter({ hasText: officine.first.number });
    expect(await pairRow.getByText('Presente', { exact: true }).count()).toBe(1);
    await shoot(op, 'operatore-esamina');
    await op.getByRole('button', { name: 'Approva la registrazione' }).click();
    await op.getByRole('status').filter({ hasText: 'Registrazione approvata' }).waitFor();
    expect(await op.getByRole('row').filter({ hasText: username }).count()).toBe(0);
    await shoot(op, 'operatore-approvata');

    // The consultant logs in and finds the contract on "Contratti", validated and theirs.
    await page.bringToFront();
    await logIn(page, username, password);
    expect(pathOf(page)).toBe('/area-riservata');
    await page.getByRole('link', { name: 'Contratti e chi li gestisce' }).click();
    await page.waitForURL(url('/contratti'));
    await page.getByRole('heading', { level: 1, name: 'Contratti di scarico' }).waitFor();
    const firstCard = card(page, officine.first.number);
    await reloadUntil(page, async () => (await firstCard.count()) > 0);
    await shoot(page, 'studio-contratti');
    expect(await badge(firstCard)).toBe('Convalidato');
    expect(await managedBy(firstCard)).toBe('te');
    expect(await firstCard.textContent()).toContain(officine.name);
    expect(await firstCard.textContent()).toContain(
      `${officine.first.street} ${officine.first.civic}`,
    );

    // The consultant adds the company's second contract.
    await page.getByRole('link', { name: '+ Aggiungi contratto' }).click();
    await page.waitForURL(url('/contratti/nuovo'));
    await page.getByRole('heading', { level: 1, name: 'Aggiungi contratto' }).waitFor();
    await page.getByLabel(/^Codice cliente/).fill(officine.customerCode);
    await page.getByLabel(/^Ragione sociale/).fill(officine.name);
    await fillContract(page.locator('form .bg-light'), officine.second);
    await page.getByLabel(/^Password attuale/).fill(password);
    await shoot(page, 'studio-aggiungi-contratto');
    await page.getByRole('button', { name: 'Invia', exact: true }).click();
    await page.waitForURL((u) => u.pathname === '/contratti');
    await page
      .getByRole('status')
      .filter({ hasText: 'Contratto inviato agli operatori' })
      .waitFor();
    const secondCard = card(page, officine.second.number);
    await shoot(page, 'studio-contratto-in-attesa');
    expect(await badge(secondCard)).toBe('In attesa di convalida');
    expect(await managedBy(secondCard)).toBe('te');
    expect(await badge(firstCard)).toBe('Convalidato');

    // The operator validates it on "Contratti da convalidare".
    await op.bringToFront();
    await op.goto(url('/operatori/registrazioni'));
    await op.getByRole('link', { name: 'Contratti da convalidare' }).click();
    await op.getByRole('heading', { level: 1, name: 'Contratti da convalidare' }).waitFor();
    const pending = op.getByRole('region', {
      name: `Contratto ${officine.second.number} — ${officine.name}`,
    });
    await pending.waitFor();
    expect(await pending.getByText('Presente in anagrafica').count()).toBe(1);
    expect(await pending.textContent()).toContain(`Codice cliente ${officine.customerCode}`);
    await shoot(op, 'operatore-contratti-da-convalidare');
    await pending
      .getByRole('button', { name: `Convalida il contratto ${officine.second.number}` })
      .click();
    await op.getByRole('status').filter({ hasText: 'Contratto convalidato' }).waitFor();
    expect(await pending.count()).toBe(0);
    await shoot(op, 'operatore-contratto-convalidato');

    const validatedMail = await openMail(
      mailTab,
      email,
      `Dichiara – contratto ${officine.second.number} convalidato`,
      'convalidato',
    );
    expect(validatedMail).toContain(`Gentile ${fullName},`);
    expect(validatedMail).toContain(url('/contratti'));
    await page.bringToFront();
    await page.reload();
    expect(await badge(secondCard)).toBe('Convalidato');

    // 3. The operator invites the company; it reads its credentials in its PEC.
    await op.bringToFront();
    await op.goto(url('/operatori/registrazioni'));
    await op.getByRole('link', { name: 'Invita una ditta' }).click();
    await op.getByRole('heading', { level: 1, name: 'Invita una ditta' }).waitFor();
    await op.getByLabel(/^Codice cliente/).fill(officine.customerCode);
    await op.getByLabel(/^PEC aziendale/).fill(pec);
    await shoot(op, 'operatore-invita');
    await op.getByRole('button', { name: "Invia l'invito" }).click();
    const invited = op.getByRole('status').filter({ hasText: `Invito inviato a ${pec}` });
    await invited.waitFor();
    expect(await invited.textContent()).toContain(`nome utente ditta.${officine.customerCode}`);
    await shoot(op, 'operatore-invito-inviato');

    const company = await person();
    const co = company.page;
    const invitation = await openMail(
      co,
      pec,
      'Dichiara – invito al portale degli scarichi industriali',
      'invito',
    );
    expect(invitation).toContain(`Spettabile ${officine.name},`);
    const companyUsername = /^Nome utente: (\S+)$/m.exec(invitation)?.[1];
    const firstPassword = /^Password: (\S+)$/m.exec(invitation)?.[1];
    expect(companyUsername).toBe(`ditta.${officine.customerCode}`);
    expect(firstPassword).toBeTruthy();

    await logIn(co, companyUsername!, firstPassword!);
    await co.waitForURL(url('/primo-accesso'));
    await co.getByRole('heading', { level: 1, name: 'Primo accesso' }).waitFor();
    await shoot(co, 'ditta-primo-accesso');
    await co.goto(url('/contratti'));
    expect(pathOf(co)).toBe('/primo-accesso');
    await co.getByLabel(/^Nuova password/).fill(companyPassword);
    await co.getByLabel(/^Conferma nuova password/).fill(companyPassword);
    await co.getByRole('button', { name: 'Salva e continua' }).click();
    await co.waitForURL(url('/area-riservata'));
    await co.getByRole('heading', { level: 1, name: 'Area riservata' }).waitFor();
    await shoot(co, 'ditta-area-riservata');

    // 4. The company sees its contracts, managed by the consultant, and takes one over.
    await co.getByRole('link', { name: 'Contratti e chi li gestisce' }).click();
    await co.waitForURL(url('/contratti'));
    const coFirst = card(co, officine.first.number);
    const coSecond = card(co, officine.second.number);
    await reloadUntil(co, async () => (await coSecond.count()) > 0 && (await coFirst.count()) > 0);
    await shoot(co, 'ditta-contratti');
    for (const c of [coFirst, coSecond]) {
      expect(await managedBy(c)).toBe(`${fullName} (${email})`);
      expect(await badge(c)).toBe('Convalidato');
      expect(await c.getByRole('button', { name: 'Gestisci contratto' }).count()).toBe(1);
    }
    await coSecond.getByRole('button', { name: 'Gestisci contratto' }).click();
    const claimed = co
      .getByRole('status')
      .filter({ hasText: 'Ora la ditta gestisce le dichiarazioni di questo contratto' });
    await claimed.waitFor();
    await shoot(co, 'ditta-contratto-gestito');
    expect(await managedBy(coSecond)).toBe('te');
    expect(await coSecond.getByRole('button', { name: 'Gestisci contratto' }).count()).toBe(0);
    expect(await managedBy(coFirst)).toBe(`${fullName} (${email})`);

    // 5. The consultant is told and no longer manages it: it keeps what it filed, nothing more.
    const claimMail = await openMail(
      mailTab,
      email,
      `Dichiara – contratto ${officine.second.number} preso in gestione dalla ditta`,
      'preso-in-gestione',
    );
    expect(claimMail).toContain(`Gentile ${fullName},`);
    expect(claimMail).toContain(officine.second.number);
    await page.bringToFront();
    await page.reload();
    await shoot(page, 'studio-contratti-dopo-presa-in-gestione');
    expect(await secondCard.textContent()).toContain('Non gestisci più questo contratto');
    expect(await badge(secondCard)).toBe('Gestito in precedenza');
    expect(await secondCard.getByRole('button', { name: 'Rilascia il contratto' }).count()).toBe(0);
    // Neither who manages it now nor the contract's history: only the declarations it filed.
    expect(await secondCard.locator('dt:text-is("Attualmente gestito da")').count()).toBe(0);
    expect(await secondCard.textContent()).not.toContain(pec);
    expect(
      await secondCard
        .getByRole('link', { name: `Storia del contratto ${officine.second.number}` })
        .count(),
    ).toBe(0);
    expect(await managedBy(firstCard)).toBe('te');
    expect(await firstCard.textContent()).not.toContain('Non gestisci più');

    // Among the declarations, it may still file the contract it manages, not the one taken over.
    await page.goto(url('/dichiarazioni'));
    await page.getByRole('heading', { level: 2, name: 'Selezione contratto' }).waitFor();
    await shoot(page, 'studio-dichiarazioni-dopo-presa-in-gestione');
    const fileLink = (number: string) =>
      page.getByRole('link', { name: `Seleziona il contratto ${number}` });
    expect(await fileLink(officine.first.number).count()).toBe(1);
    expect(await fileLink(officine.second.number).count()).toBe(0);

    // The company reads the history of the contract it took over: who, when, from where.
    await co.bringToFront();
    await coSecond
      .getByRole('link', { name: `Storia del contratto ${officine.second.number}` })
      .click();
    await co.waitForURL(url(`/contratti/${officine.second.number}/storia`));
    await co
      .getByRole('heading', { level: 1, name: `Storia del contratto ${officine.second.number}` })
      .waitFor();
    await shoot(co, 'ditta-storia-contratto');
    const history = await historyRows(co);
    expect(history.map(([, , what]) => what)).toEqual([
      `Contratto dichiarato da ${fullName} per ${officine.name} (codice cliente ${officine.customerCode})`,
      'Convalidato dagli operatori',
      `Collegato all'account della ditta intestataria ${officine.name}`,
      `Preso in gestione dalla ditta ${officine.name} (prima gestito da ${fullName})`,
    ]);
    expect(history.map(([, , , who]) => who)).toEqual([
      `${fullName} (referente)`,
      'Olga Operatrice (operatore)',
      'Olga Operatrice (operatore)',
      `${officine.name} (referente)`,
    ]);
    for (const [version, at, , , ip] of history) {
      expect(at, `when, event ${version}`).toMatch(dateTime);
      expect(ip, `IP, event ${version}`).toMatch(ipAddress);
    }
    expect(history.map(([version]) => version)).toEqual(['1', '2', '3', '4']);

    // The contract it still manages: its history, as it came with the registration.
    await page.bringToFront();
    await page.goto(url('/contratti'));
    await firstCard
      .getByRole('link', { name: `Storia del contratto ${officine.first.number}` })
      .click();
    await page
      .getByRole('heading', { level: 1, name: `Storia del contratto ${officine.first.number}` })
      .waitFor();
    await shoot(page, 'studio-storia-primo-contratto');
    const firstHistory = await historyRows(page);
    expect(firstHistory.map(([version]) => version)).toEqual(['1', '2', '3']);
    // Declared by the consultant at registration, on the operator's approval (the operator acts).
    expect(firstHistory[0]?.[2], 'who declared a contract that came with the registration').toBe(
      `Contratto dichiarato da ${fullName} per ${officine.name} (codice cliente ${officine.customerCode})`,
    );
    expect(firstHistory[1]?.[2]).toBe('Convalidato con l’approvazione della registrazione');
    expect(firstHistory[2]?.[2]).toBe(
      `Collegato all'account della ditta intestataria ${officine.name}`,
    );
    for (const [version, at, , who, ip] of firstHistory) {
      expect(at, `when, event ${version}`).toMatch(dateTime);
      expect(who, `who, event ${version}`).toBe('Olga Operatrice (operatore)');
      expect(ip, `IP, event ${version}`).toMatch(ipAddress);
    }

    await company.context.close();
    await consultant.context.close();
    await operator.context.close();
    expect(journeyOf().problems).toEqual([]);
  }, 240_000);
});
