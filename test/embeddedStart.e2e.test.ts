import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HttpBrowser } from './support/identityLogin.js';
import {
  childrenOf,
  expectMemorySettings,
  fromBuild,
  isRunning,
  npmRunDev,
  npmStart,
  startPortal,
  startPortalExpectingRefusal,
} from './support/portal.js';

describe('npm start on the embedded default (PGlite)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'dichiara-start-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('starts in an empty folder, serves pages, refuses a second process, stops cleanly', async () => {
    const portal = await startPortal({ DATA_DIR: dataDir }, npmStart);
    try {
      expect(portal.output()).toContain(`PGlite in ${dataDir}`);
      // The launcher starts the portal with the allocator's settings (src/allocator.ts).
      const [child] = childrenOf(portal.process.pid!);
      expectMemorySettings(child!);
      const home = await fetch(portal.url);
      expect(home.status).toBe(200);
      expect(await home.text()).toContain('Dichiara');
      expect((await fetch(`${portal.url}/readyz`)).status).toBe(200);

      const second = await startPortalExpectingRefusal({ DATA_DIR: dataDir });
      expect(second.code).toBe(1);
      expect(second.output).toContain('è già in uso da un altro processo');

      const otherDir = mkdtempSync(join(tmpdir(), 'dichiara-port-'));
      const port = new URL(portal.url).port;
      const busy = await startPortalExpectingRefusal({ DATA_DIR: otherDir, PORT: port });
      rmSync(otherDir, { recursive: true, force: true });
      expect(busy.code).toBe(1);
      expect(busy.output).toContain('La porta è già in uso');
    } finally {
      // SIGTERM to the launcher reaches the portal, and its exit code comes back.
      expect(await portal.stop()).toBe(0);
    }
    expect(portal.output()).toContain('Arresto completato');
    expect(existsSync(join(dataDir, 'dichiara.lock'))).toBe(false);

    const again = await startPortal({ DATA_DIR: dataDir });
    expect((await fetch(`${again.url}/healthz`)).status).toBe(200);
    expect(await again.stop()).toBe(0);
  });

  it('stops the portal when npm start itself is killed, freeing the folder', async () => {
    const launched = await startPortal({ DATA_DIR: dataDir }, npmStart);
    const [child] = childrenOf(launched.process.pid!);
    launched.process.kill('SIGKILL');
    if (process.platform === 'linux') {
      // Gone, or a zombie no one reaps (its parent was the launcher, killed).
      await expect.poll(() => isRunning(child!), { timeout: 15_000 }).toBe(false);
    }
    // The folder is free again: the next start is not refused.
    const again = await startPortal({ DATA_DIR: dataDir });
    expect((await fetch(`${again.url}/healthz`)).status).toBe(200);
    expect(await again.stop()).toBe(0);
  });

  it('fails fast with a readable message on a wrong configuration', async () => {
    const refused = await startPortalExpectingRefusal({
      DATA_DIR: dataDir,
      PORT: 'abc',
      DATABASE_URL: 'mysql://x',
    });
    expect(refused.code).toBe(1);
    expect(refused.output).toContain('Configurazione non valida');
    expect(refused.output).toContain('PORT');
    expect(refused.output).toContain('DATABASE_URL: deve iniziare con postgres://');
  });

  it('npm run dev runs the portal through tsx watch with the same memory settings', async () => {
    const devDir = mkdtempSync(join(tmpdir(), 'dichiara-dev-'));
    const dev = await startPortal({ DATA_DIR: devDir }, npmRunDev);
    try {
      const [watcher] = childrenOf(dev.process.pid!);
      const [child] = childrenOf(watcher!);
      expectMemorySettings(child!);
      expect((await fetch(`${dev.url}/healthz`)).status).toBe(200);
    } finally {
      // SIGTERM to the launcher reaches tsx watch, which stops the portal as it should.
      await dev.stop();
      rmSync(devDir, { recursive: true, force: true });
    }
    expect(dev.output()).toContain('Arresto completato');
  });
});

describe('the build for production (npm run build, then node dist/main.js)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'dichiara-built-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('serves pages and assets, and renders a PDF on its thread, with no TypeScript', async () => {
    execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'ignore', timeout: 240_000 });
    const portal = await startPortal({ DATA_DIR: dataDir }, fromBuild);
    try {
      const browser = new HttpBrowser(portal.url);
      expect((await browser.get('/accesso')).body).toContain('Accedi');
      const css = await fetch(`${portal.url}/assets/app/css/app.css`);
      expect(css.status).toBe(200);
      await browser.post('/accesso', { username: 'ditta.demo', password: 'Ditta-2026' });
      const pdf = await fetch(`${portal.url}/profilo/i-miei-dati.pdf`, {
        headers: { cookie: `dichiara-session=${browser.cookie('dichiara-session')}` },
      });
      expect(pdf.status).toBe(200);
      expect(pdf.headers.get('content-type')).toContain('application/pdf');
      expect(
        Buffer.from(await pdf.arrayBuffer())
          .subarray(0, 5)
          .toString(),
      ).toBe('%PDF-');
      expect(portal.output()).not.toMatch(/tsx|\.ts\b/);
    } finally {
      expect(await portal.stop()).toBe(0);
    }
  }, 300_000);
});
