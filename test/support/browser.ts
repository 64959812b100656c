import { tmpdir } from 'node:os';
import { join } from 'node:path';
import chromium from '@sparticuz/chromium';
import { chromium as playwright, type Browser } from 'playwright-core';

/**
 * Headless Chromium with nothing reaching out to the network: the binary `@sparticuz/chromium`
 * ships in its npm tarball (unpacked into the temp folder on first use), or `CHROMIUM_PATH`.
 * Its serverless defaults are not taken: `--single-process` makes contexts share cookies, and
 * `--disable-web-security` would hide the policies the tests check.
 */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? (await chromium.executablePath());
  return playwright.launch({
    executablePath,
    // The fonts unpacked beside the binary, so pages render alike on a machine with none.
    env: { ...process.env, FONTCONFIG_PATH: join(tmpdir(), 'fonts') },
    args: [
      '--headless=new',
      '--no-sandbox',
      '--no-zygote',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}
