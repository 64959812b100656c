import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';

/*
 * Steps of the declaration that several browser journeys take the same way, by the labels a
 * person sees.
 */

/** A locator's text with its whitespace folded, as a person reads it. */
export const shownText = async (locator: Locator): Promise<string> =>
  ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim();

/** bootstrap-italia draws the box on the label; a person clicks the box, not the input. */
export async function tick(page: Page, label: RegExp | string): Promise<void> {
  const box = page.getByLabel(label, { exact: typeof label === 'string' });
  await page.locator(`label[for="${await box.getAttribute('id')}"]`).click({
    position: { x: 8, y: 12 },
  });
  expect(await box.isChecked()).toBe(true);
}

/**
 * The self-declaration and the password at INVIA, up to «Risultato caricamento» with its copy:
 * the protocol number shown. A correction starts with the name given last time.
 */
export async function certifyAndSend(
  page: Page,
  signer: { readonly legalRepresentative: string; readonly password: string },
): Promise<string> {
  const name = page.getByLabel(/^Legale rappresentante della ditta \(nome e cognome\)/);
  if ((await name.inputValue()) !== signer.legalRepresentative) {
    const redrawn = page.waitForResponse((response) =>
      new URL(response.url()).pathname.endsWith('/dichiarazione-sostitutiva'),
    );
    await name.fill(signer.legalRepresentative);
    await redrawn;
  }
  // The response arrives before htmx swaps it in: wait for the text itself.
  await page
    .locator('#testo-dichiarazione')
    .filter({ hasText: `il cui legale rappresentante è ${signer.legalRepresentative}` })
    .waitFor();
  await tick(page, /^Rendo la dichiarazione sostitutiva qui sopra/);
  await page.getByLabel(/^Password del tuo account/).fill(signer.password);
  await page.getByRole('button', { name: 'INVIA' }).click();
  await page.getByRole('heading', { level: 1, name: 'Risultato caricamento' }).waitFor();
  await page
    .getByRole('link', { name: /^Scarica una copia stampabile della dichiarazione/ })
    .waitFor();
  return shownText(page.locator('.protocol-number'));
}
