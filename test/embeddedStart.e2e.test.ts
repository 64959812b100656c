import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startPortal, startPortalExpectingRefusal } from './support/portal.js';

describe('npm start on the embedded default (PGlite)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'dichiara-start-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('starts in an empty folder, serves pages, refuses a second process, stops cleanly', async () => {
    const portal = await startPortal({ DATA_DIR: dataDir });
    try {
      expect(portal.output()).toContain(`PGlite in ${dataDir}`);
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
      expect(await portal.stop()).toBe(0);
    }
    expect(portal.output()).toContain('Arresto completato');
    expect(existsSync(join(dataDir, 'dichiara.lock'))).toBe(false);

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
});
