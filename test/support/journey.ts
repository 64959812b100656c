import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import pino from 'pino';
import { loadConfig } from '../../src/config.js';
import { startPortal, type Portal } from '../../src/portal.js';
import { launchBrowser } from './browser.js';
import { migratedDataDir } from './testDatabase.js';

/** A contract block as the registration and contract pages ask for it. */
export interface Contract {
  readonly number: string;
  readonly street: string;
  readonly civic: string;
  readonly cap: string;
  readonly province: string;
  readonly municipality: string;
}

/**
 * Console errors that are not faults: the 422 of a form with mistakes, and an empty style=""
 * (left by bootstrap-italia's scripts) that the CSP refuses harmlessly (its hash is the SHA-256
 * of the empty string).
 */
const expectedConsoleErrors = [
  /status of 422 \(Unprocessable Entity\)/,
  /Applying inline style violates .*'sha256-47DEQpj8HBSa\+\/TImW\+5JCeuQeRkm5NMpJWZG3hSuFU='/,
];

/**
 * A browser journey against the real portal (`npm start` on a fresh PGlite folder, demo data
 * included): people with their own browser contexts, screenshots in test-results/<name>/, and
 * every page error or unexpected console error collected in `problems`.
 */
export class Journey {
  problems: string[] = [];
  private shots = 0;

  private constructor(
    private readonly portal: Portal,
    readonly browser: Browser,
    private readonly dataDir: string,
    private readonly shotsDir: string,
  ) {}

  static async start(name: string): Promise<Journey> {
    const shotsDir = fileURLToPath(new URL(`../../test-results/${name}/`, import.meta.url));
    rmSync(shotsDir, { recursive: true, force: true });
    mkdirSync(shotsDir, { recursive: true });
    // The portal as `npm start` composes it (demo data included), in this process, on a folder
    // already migrated: `npm start` itself, on an empty folder, is test/embeddedStart's subject.
    const dataDir = await migratedDataDir(name);
    const portal = await startPortal(
      loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, PORT: '0' }),
      pino({ level: 'warn' }),
    );
    return new Journey(portal, await launchBrowser(), dataDir, shotsDir);
  }

  async close(): Promise<void> {
    await this.browser.close();
    await this.portal.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  url(path: string): string {
    return `${this.portal.url}${path}`;
  }

  /** A person's browser: its own cookies; page errors and refused resources are collected. */
  async person(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await this.browser.newContext({
      locale: 'it-IT',
      viewport: { width: 1280, height: 900 },
    });
    context.setDefaultTimeout(15_000);
    context.on('page', (page) => this.watch(page));
    return { context, page: await context.newPage() };
  }

  private watch(page: Page): void {
    page.on('pageerror', (error) => this.problems.push(`${page.url()}: ${error.message}`));
    page.on('console', (message) => {
      const text = message.text();
      if (message.type() !== 'error' || expectedConsoleErrors.some((re) => re.test(text))) return;
      this.problems.push(`${page.url()}: ${text}`);
    });
  }

  async shoot(page: Page, name: string): Promise<void> {
    this.shots += 1;
    const file = join(this.shotsDir, `${String(this.shots).padStart(2, '0')}-${name}.png`);
    // Fonts are font-display: swap and revalidated on each page: wait, or the shot shows Arial.
    await page.waitForLoadState('load');
    await page.evaluate('document.fonts.ready.then(() => true)');
    await page.screenshot({ path: file, fullPage: true });
  }

  async logIn(page: Page, username: string, password: string): Promise<void> {
    await page.goto(this.url('/accesso'));
    await page.getByLabel(/^Nome utente/).fill(username);
    await page.getByLabel(/^Password/).fill(password);
    await page.getByRole('button', { name: 'Accedi', exact: true }).click();
    await page.waitForURL((u) => u.pathname !== '/accesso');
  }

  /** Reloads the local mailbox until a message with that subject reaches the address, then opens it. */
  async openMail(tab: Page, to: string, subject: string, shot: string): Promise<string> {
    await tab.bringToFront();
    const row = tab.getByRole('row').filter({ hasText: to }).filter({ hasText: subject });
    for (let attempt = 0; attempt < 40; attempt += 1) {
      await tab.goto(this.url('/dev/mailbox'));
      if ((await row.count()) > 0) break;
      await tab.waitForTimeout(250);
    }
    await this.shoot(tab, `posta-locale-${shot}`);
    expect(await row.count(), `mail "${subject}" to ${to}`).toBe(1);
    await row.getByRole('link', { name: subject }).click();
    await tab.getByRole('heading', { level: 1, name: subject }).waitFor();
    await this.shoot(tab, `messaggio-${shot}`);
    return (await tab.locator('pre').textContent()) ?? '';
  }

  /** What a person does when something is not there yet: reload the page a few times. */
  async reloadUntil(page: Page, ready: () => Promise<boolean>): Promise<void> {
    for (let attempt = 0; attempt < 20 && !(await ready()); attempt += 1) {
      await page.waitForTimeout(250);
      await page.reload();
    }
  }
}

/**
 * Starts a journey before the tests of the enclosing describe and closes it after; the returned
 * functions reach the journey started for them.
 */
export function useJourney(name: string) {
  let journey: Journey | undefined;
  beforeAll(async () => {
    journey = await Journey.start(name);
  });
  afterAll(async () => journey?.close());
  const current = () => {
    if (!journey) throw new Error('The journey has not started');
    return journey;
  };
  return {
    current,
    url: (path: string) => current().url(path),
    person: () => current().person(),
    shoot: (page: Page, shot: string) => current().shoot(page, shot),
    logIn: (page: Page, username: string, password: string) =>
      current().logIn(page, username, password),
    openMail: (tab: Page, to: string, subject: string, shot: string) =>
      current().openMail(tab, to, subject, shot),
    reloadUntil: (page: Page, ready: () => Promise<boolean>) => current().reloadUntil(page, ready),
  };
}

/** Fills a contract block by its labels, as on the registration and "Aggiungi contratto" pages. */
export async function fillContract(block: Locator, c: Contract): Promise<void> {
  await block.getByLabel(/^n\. Contratto di scarico/).fill(c.number);
  await block.getByLabel(/^Indirizzo stabilimento scarico/).fill(c.street);
  await block.getByLabel(/^Civico stabilimento scarico/).fill(c.civic);
  await block.getByLabel(/^CAP stabilimento scarico/).fill(c.cap);
  await block.getByLabel(/^Provincia stabilimento scarico/).selectOption(c.province);
  await block.getByLabel(/^Comune stabilimento scarico/).fill(c.municipality);
  expect(await block.getByLabel(/^Provincia stabilimento scarico/).inputValue()).toBe(c.province);
}
