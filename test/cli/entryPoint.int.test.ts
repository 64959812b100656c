import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliProcess } from '../support/cli.js';
import { migratedDataDir } from '../support/testDatabase.js';

/**
 * `npm run cli` as its own process: the entry point passes the arguments and the environment,
 * prints, and exits with the command's code. The commands themselves are tested in-process.
 */
describe('the command line as a process', () => {
  let dataDir = '';
  beforeAll(async () => {
    dataDir = await migratedDataDir('entry');
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('prints the usage for help', async () => {
    const help = await runCliProcess(['help'], {});
    expect(help.stderr).toContain('npm run cli -- events:verify');
    expect(help.code).toBe(0);
  });

  it('runs a command on DATA_DIR and exits with its code', async () => {
    const opened = await runCliProcess(
      ['campaigns:open', '--year', '2026', '--deadline', '2027-01-31'],
      { DATA_DIR: dataDir },
    );
    expect(opened.stdout).toContain('Aperta la campagna 2026: scadenza 2027-01-31');
    expect(opened.code).toBe(0);
  });

  it('stops with the configuration error named, exit code 1', async () => {
    const wrong = await runCliProcess(['events:verify'], { DATA_DIR: dataDir, PORT: 'novanta' });
    expect(wrong.stderr).toContain('Configurazione non valida');
    expect(wrong.stderr).toContain('PORT');
    expect(wrong.code).toBe(1);
  });
});
