import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openPglite } from '../../src/platform/db/database.js';
import { runCli } from '../support/cli.js';
import { migratedDataDir } from '../support/testDatabase.js';

/** The command line an administrator uses: one PGlite folder for the whole file, as on a server. */
describe('campaigns:open and observatory commands', { timeout: 240_000 }, () => {
  let env: Record<string, string>;
  beforeAll(async () => {
    env = { DATA_DIR: await migratedDataDir('cli') };
  });
  const run = (...args: string[]) => runCli(args, env);

  it('opens the yearly campaign once, with the default limits, and explains bad arguments', async () => {
    const opened = await run('campaigns:open', '--year', '2026', '--deadline', '2027-01-31');
    expect(opened.stdout).toContain(
      'Aperta la campagna 2026: scadenza 2027-01-31, modelli versione 2026.1.',
    );
    expect(opened.code).toBe(0);
    const again = await run('campaigns:open', '--year', '2026', '--deadline', '2027-01-31');
    expect(again.stdout).toContain('La campagna 2026 è già aperta.');
    expect(again.code).toBe(1);
    const early = await run('campaigns:open', '--year', '2027', '--deadline', '2027-06-30');
    expect(early.stdout).toContain(
      "La scadenza deve cadere dopo la fine dell'anno di riferimento (2027).",
    );
    expect((await run('campaigns:open', '--year', 'x')).code).toBe(2);
    const unknown = await run('cancella-tutto');
    expect(unknown.stderr).toContain('Unknown command "cancella-tutto"');
    expect(unknown.code).toBe(2);
  });

  it('grants the observatory admin role and associates a municipality’s one user', async () => {
    const granted = await run('observatory:grant-admin', '--fiscal-code', 'VRDGPP70C15F205N');
    expect(granted.stdout).toContain(
      "VRDGPP70C15F205N è ora amministratore dell'Osservatorio Rifiuti.",
    );
    expect((await run('observatory:grant-admin', '--fiscal-code', 'NONVALIDO')).code).toBe(2);
    const refused = await run(
      'observatory:assign',
      '--istat',
      '072006',
      '--fiscal-code',
      'RSSMRA80A01A662A',
      '--email',
      'mario@gmail.com',
      '--reason',
      'Richiesta del comune di Bari',
    );
    expect(refused.stdout).toContain('Sono accettati solo indirizzi e-mail istituzionali');
    expect(refused.code).toBe(1);
    const assigned = await run(
      'observatory:assign',
      '--istat',
      '072006',
      '--fiscal-code',
      'RSSMRA80A01A662A',
      '--email',
      'ambiente@comune.bari.it',
      '--reason',
      'Richiesta del comune di Bari',
    );
    expect(assigned.stdout).toContain("RSSMRA80A01A662A è ora l'utente del Comune di Bari.");
    expect(
      (
        await run(
          'observatory:assign',
          '--istat',
          '999999',
          '--fiscal-code',
          'RSSMRA80A01A662A',
          '--email',
          'a@comune.bari.it',
          '--reason',
          'Richiesta del comune di Bari',
        )
      ).code,
    ).toBe(2);

    const database = await openPglite(join(env.DATA_DIR!, 'pglite'));
    try {
      const rows = await database.db
        .selectFrom('events')
        .select(['stream_id', 'type'])
        .where('stream_id', 'in', ['observatory-admins', 'municipality-072006', 'campaign-2026'])
        .orderBy('events.tx_id')
        .orderBy('events.position')
        .execute();
      expect(rows.map((row) => `${row.stream_id}:${row.type}`)).toEqual([
        'campaign-2026:CampaignOpened',
        'observatory-admins:ObservatoryAdminGranted',
        'municipality-072006:OfficerAssigned',
      ]);
    } finally {
      await database.close();
    }
  });
});
