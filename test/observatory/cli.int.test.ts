import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openPglite } from '../../src/platform/db/database.js';
import { runCli } from '../support/cli.js';
import { migratedDataDir } from '../support/testDatabase.js';

/** The observatory's commands as an administrator runs them, on one PGlite folder. */
describe('observatory:revoke-admin and observatory:assign', { timeout: 240_000 }, () => {
  let env: Record<string, string>;
  beforeAll(async () => {
    env = { DATA_DIR: await migratedDataDir('cli') };
  });
  const run = (...args: string[]) => runCli(args, env);
  const giuseppe = 'VRDGPP70C15F205N';
  const mario = 'RSSMRA80A01A662A';

  it('revokes an admin with a reason, never the last one', async () => {
    expect((await run('observatory:grant-admin', '--fiscal-code', giuseppe)).code).toBe(0);
    expect((await run('observatory:grant-admin', '--fiscal-code', mario)).code).toBe(0);
    const noReason = await run('observatory:revoke-admin', '--fiscal-code', mario);
    expect(noReason.code).toBe(2);
    expect(noReason.stdout).toContain('Uso: observatory:revoke-admin');
    const revoked = await run(
      'observatory:revoke-admin',
      '--fiscal-code',
      mario,
      '--reason',
      'Incarico concluso in Regione',
    );
    expect(revoked.stdout).toContain(`${mario} non è più amministratore`);
    expect(revoked.code).toBe(0);
    const last = await run(
      'observatory:revoke-admin',
      '--fiscal-code',
      giuseppe,
      '--reason',
      'Fine del mio incarico',
    );
    expect(last.stdout).toContain('Non si può revocare l’ultimo amministratore');
    expect(last.code).toBe(1);
  });

  it('assigns a person to municipalities on their own domains, with a reason', async () => {
    const otherDomain = await run(
      'observatory:assign',
      '--istat',
      '072006',
      '--fiscal-code',
      mario,
      '--email',
      'ambiente@comune.lecce.it',
      '--reason',
      'Richiesta del comune di Bari',
    );
    expect(otherDomain.stdout).toContain('istituzionali del Comune di Bari');
    expect(otherDomain.code).toBe(1);
    const bari = await run(
      'observatory:assign',
      '--istat',
      '072006',
      '--fiscal-code',
      mario,
      '--email',
      'ambiente@comune.bari.it',
      '--reason',
      'Richiesta del comune di Bari',
    );
    expect(bari.code).toBe(0);
    const lecce = await run(
      'observatory:assign',
      '--istat',
      '075035',
      '--fiscal-code',
      mario,
      '--email',
      'ambiente@comune.lecce.it',
      '--reason',
      'Incaricato anche dal comune di Lecce',
    );
    expect(lecce.code).toBe(0);

    const database = await openPglite(join(env.DATA_DIR!, 'pglite'));
    try {
      const rows = await database.db
        .selectFrom('events')
        .select(['stream_id', 'type', 'data'])
        .orderBy('events.tx_id')
        .orderBy('events.position')
        .execute();
      expect(rows.map((row) => `${row.stream_id}:${row.type}`)).toEqual([
        'observatory-admins:ObservatoryAdminGranted',
        'observatory-admins:ObservatoryAdminGranted',
        'observatory-admins:ObservatoryAdminRevoked',
        'municipality-072006:OfficerAssigned',
        'municipality-075035:OfficerAssigned',
      ]);
      expect(rows[2]?.data).toMatchObject({ reason: 'Incarico concluso in Regione' });
    } finally {
      await database.close();
    }
  });
});
