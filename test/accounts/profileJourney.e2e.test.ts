import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useJourney } from '../support/journey.js';

// The demo Ditta and operator (seedDemo.ts): Daniela Ditta is the referent of Test SRL (customer
// code 1001234567), whose contract 3001234567 was validated with the registration, its plant in
// Via Vai 1, 40100 Bologna (BO).
const ditta = {
  username: 'ditta.demo',
  password: 'Ditta-2026',
  fullName: 'Daniela Ditta',
  email: 'ditta.demo@example.com',
};
const operatore = { username: 'operatore', password: 'Operatore-2026' };
const contract = '3001234567';
interface Plant {
  readonly street: string;
  readonly civic: string;
  readonly cap: string;
  readonly province: string;
  readonly municipality: string;
}
const oldPlant: Plant = {
  street: 'Via Vai',
  civic: '1',
  cap: '40100',
  province: 'BO',
  municipality: 'Bologna',
};
// The plant moves to another town of the same province; the apostrophe as a person types it.
const newPlant: Plant = {
  street: "Via dell'Industria",
  civic: '14/A',
  cap: '40055',
  province: 'BO',
  municipality: 'Castenaso',
};
/** A plant's address on one line, as the pages and the mails write it. */
const line = (p: Plant) => `${p.street} ${p.civic}, ${p.cap} ${p.municipality} (${p.province})`;

describe('a company moves a plant: the new address waits for the operator, then is in force', () => {
  const {
    current: journeyOf,
    url,
    person,
    shoot,
    logIn,
    openMail,
    reloadUntil,
  } = useJourney('profile-journey');
  const text = async (locator: Locator) =>
    ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim();

  /** The contract's block on «Modifica profilo»: its fields, or its address with what waits. */
  const plantBlock = (page: Page) =>
    page.locator('.bg-light').filter({
      has: page.getByText(`Contratto ${contract}`, { exact: true }),
    });
  const field = (block: Locator, label: string) => block.getByLabel(new RegExp(`^${label}`));

  /** From the reserved area to «Modifica profilo», as the referent goes there. */
  async function openProfile(page: Page) {
    await page.goto(url('/area-riservata'));
    await page.getByRole('link', { name: 'MODIFICA PROFILO' }).click();
    await page.waitForURL((u) => u.pathname === '/profilo');
    await page.getByRole('heading', { level: 1, name: 'Modifica profilo Ditta' }).waitFor();
  }

  /** The contract's line under «Selezione contratto» of the declarations page. */
  async function declarationsChoice(page: Page) {
    await page.goto(url('/area-riservata'));
    await page.getByRole('link', { name: 'DICHIARAZIONI ANNUALI' }).click();
    await page.waitForURL(url('/dichiarazioni'));
    const choices = page.getByRole('region', { name: /Selezione contratto$/ });
    return text(choices.getByRole('listitem').filter({ hasText: `Contratto ${contract}` }));
  }

  it('edits the address with the password, sees it pending, and in force once approved', async () => {
    // 1. The referent changes the plant's address on «Modifica profilo» and sends it.
    const referent = await person();
    const page = referent.page;
    await logIn(page, ditta.username, ditta.password);
    await openProfile(page);
    const block = plantBlock(page);
    expect(await field(block, 'n. Contratto di scarico').inputValue()).toBe(contract);
    expect(await field(block, 'Indirizzo stabilimento scarico').inputValue()).toBe(oldPlant.street);
    expect(await field(block, 'Comune stabilimento scarico').inputValue()).toBe(
      oldPlant.municipality,
    );
    await field(block, 'Indirizzo stabilimento scarico').fill(newPlant.street);
    await field(block, 'Civico stabilimento scarico').fill(newPlant.civic);
    await field(block, 'CAP stabilimento scarico').fill(newPlant.cap);
    await field(block, 'Comune stabilimento scarico').fill(newPlant.municipality);
    expect(await field(block, 'Provincia stabilimento scarico').inputValue()).toBe(
      newPlant.province,
    );
    await page.getByLabel(/^Password attuale/).fill(ditta.password);
    await page.getByRole('button', { name: 'Invia', exact: true }).click();
    await page.waitForURL((u) => u.pathname === '/profilo' && u.search === '?esito=in-attesa');
    expect(await text(page.getByRole('status').filter({ hasText: 'Modifiche inviate' }))).toContain(
      'valgono dopo la convalida degli operatori: riceverai una e-mail con l’esito',
    );
    // The new address is shown waiting, the old one still the contract's; no field to change it.
    const pending = block.getByRole('status');
    expect(await text(pending)).toBe(`Nuovo indirizzo in attesa di convalida: ${line(newPlant)}.`);
    expect(await text(block)).toContain(`Contratto ${contract} — ${line(oldPlant)}`);
    expect(await field(block, 'Indirizzo stabilimento scarico').count()).toBe(0);
    await shoot(page, 'ditta-profilo-in-attesa');

    // Until an operator validates it, the declarations keep the address in force.
    const before = await declarationsChoice(page);
    expect(before).toContain(line(oldPlant));
    expect(before).not.toContain(newPlant.street);
    await shoot(page, 'ditta-dichiarazioni-vecchio-indirizzo');

    // 2. The operator finds the request on «Contratti da convalidare», old → new, and approves it.
    const operator = await person();
    const op = operator.page;
    await logIn(op, operatore.username, operatore.password);
    await op.getByRole('link', { name: 'Contratti da convalidare' }).click();
    await op.getByRole('heading', { level: 1, name: 'Contratti da convalidare' }).waitFor();
    const item = op.getByRole('region', {
      name: new RegExp(`^Indirizzo dello stabilimento del contratto ${contract} — Test SRL`),
    });
    await item.waitFor();
    const described = (term: string) => text(item.locator(`dt:text-is("${term}") + dd`));
    expect(await described('Indirizzo in vigore')).toBe(line(oldPlant));
    expect(await described('Nuovo indirizzo')).toBe(line(newPlant));
    expect(await text(item)).toContain(
      `Richiesta di ${ditta.fullName} (${ditta.username} · ${ditta.email})`,
    );
    expect(await item.getByText('Presente in anagrafica').count()).toBe(1);
    await shoot(op, 'operatore-indirizzo-da-convalidare');
    await item
      .getByRole('button', { name: `Convalida il nuovo indirizzo del contratto ${contract}` })
      .click();
    await op
      .getByRole('status')
      .filter({ hasText: 'Nuovo indirizzo dello stabilimento convalidato' })
      .waitFor();
    expect(await item.count()).toBe(0);
    await shoot(op, 'operatore-indirizzo-convalidato');

    // 3. The referent comes back: the new address is the plant's, editable again, and the
    // declarations show it; the outcome is in the mailbox.
    await page.bringToFront();
    await openProfile(page);
    await reloadUntil(
      page,
      async () => (await field(block, 'Indirizzo stabilimento scarico').count()) > 0,
    );
    expect(await block.getByRole('status').count()).toBe(0);
    expect(await field(block, 'Indirizzo stabilimento scarico').inputValue()).toBe(newPlant.street);
    expect(await field(block, 'Civico stabilimento scarico').inputValue()).toBe(newPlant.civic);
    expect(await field(block, 'CAP stabilimento scarico').inputValue()).toBe(newPlant.cap);
    expect(await field(block, 'Comune stabilimento scarico').inputValue()).toBe(
      newPlant.municipality,
    );
    await shoot(page, 'ditta-profilo-convalidato');
    const after = await declarationsChoice(page);
    expect(after).toContain(line(newPlant));
    expect(after).not.toContain(oldPlant.street);
    await shoot(page, 'ditta-dichiarazioni-nuovo-indirizzo');

    const mailTab = await referent.context.newPage();
    const mail = await openMail(
      mailTab,
      ditta.email,
      `Dichiara – indirizzo dello stabilimento del contratto ${contract} convalidato`,
      'indirizzo-convalidato',
    );
    expect(mail).toContain(`Gentile ${ditta.fullName},`);
    expect(mail).toContain(line(newPlant));

    await referent.context.close();
    await operator.context.close();
    expect(journeyOf().problems).toEqual([]);
  }, 180_000);
});
