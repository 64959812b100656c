import type { Locator, Page } from 'playwright-core';

/** One row of a month's form, as a person picks and types it. */
export interface FlowRowInput {
  readonly eerCode: string;
  readonly tonnes: string;
  readonly method: string;
  readonly transporter: string;
  readonly plant: string;
  readonly operation: string;
}

/**
 * The month an officer files now: the one before today's in Italy, with the label the pages use
 * ('ottobre 2026'), its deadline (the 15th of today's month) and how late a filing today is.
 * Worked out here rather than with the portal's own helpers, so a mistake there shows.
 */
export function monthToFile(now: Date) {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome' }).format(now);
  const [year, month, day] = today.split('-').map(Number) as [number, number, number];
  const previous = new Date(Date.UTC(year, month - 2, 15));
  const label = new Intl.DateTimeFormat('it-IT', {
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(previous);
  return {
    today,
    year: previous.getUTCFullYear(),
    month: previous.toISOString().slice(0, 7),
    label,
    /** The due date has passed: the dashboard says "missing", a filing today is late. */
    pastDue: day > 15,
    daysLate: Math.max(0, day - 15),
  };
}

/**
 * The SPID/CIE login as a person does it: the portal's button, the local provider's picker (the
 * stand-in for the identity provider's pages), the choice, and back to the portal.
 */
export async function logInWithDigitalIdentity(
  page: Page,
  url: (path: string) => string,
  person: { readonly givenName: string; readonly familyName: string },
  onPicker: (picker: Page) => Promise<void>,
): Promise<void> {
  await page.goto(url('/osservatorio'));
  await page.getByRole('link', { name: 'Entra con SPID o CIE' }).click();
  await page.waitForURL((u) => u.pathname.startsWith('/spid-locale/interaction/'));
  await page
    .getByRole('heading', { level: 1, name: 'Entra con SPID / CIE (ambiente dimostrativo)' })
    .waitFor();
  await onPicker(page);
  await page
    .getByRole('button', { name: `Entra come ${person.givenName} ${person.familyName}` })
    .click();
  await page.waitForURL(
    (u) => !u.pathname.startsWith('/spid-locale') && u.pathname !== '/osservatorio/callback',
  );
}

/** Fills one "Riga n" fieldset by its labels. */
export async function fillFlowRow(row: Locator, input: FlowRowInput): Promise<void> {
  await row.getByLabel('Codice EER').selectOption(input.eerCode);
  await row.getByLabel('Quantità (t)').fill(input.tonnes);
  await row.getByLabel('Modalità di raccolta').selectOption(input.method);
  await row.getByLabel('Trasportatore').fill(input.transporter);
  await row.getByLabel('Impianto di destinazione').fill(input.plant);
  await row.getByLabel('Operazione (R/D)').selectOption(input.operation);
}
