import { testSeal, testTagKey, testWitness } from '../support/testApp.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CampaignSettings } from '../../domain/campaigns/campaignSettings.js';
import { campaignsOpen } from '../../src/cli/campaignsOpen.js';
import { createPostgresEventStore } from '../../src/platform/eventStore/postgresEventStore.js';
import type { Runtime } from '../../src/runtime.js';
import { openTestDatabase, type TestDatabase } from '../support/testDatabase.js';

/** campaigns:open as src/cli.ts runs it, on a database of its own (the spawned CLI: test/cli). */
describe('campaigns:open with the campaign’s configuration', () => {
  let test: TestDatabase;
  let runtime: Runtime;
  const dir = mkdtempSync(join(tmpdir(), 'dichiara-campaign-'));
  const file = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };
  const run = async (...args: string[]) => {
    const lines: string[] = [];
    const code = await campaignsOpen(runtime, args, (line) => lines.push(line));
    return { code, out: lines.join('\n') };
  };
  const settingsOf = async (year: number) =>
    (await runtime.eventStore.readStream(`campaign-${year}`)).events[0]?.data
      .settings as unknown as CampaignSettings | undefined;

  beforeAll(async () => {
    test = await openTestDatabase('pglite');
    runtime = {
      database: test.database,
      eventStore: createPostgresEventStore(test.database),
      storageLabel: 'PGlite (test)',
      usesKurrent: false,
      cookieSecret: 'test',
      seal: testSeal,
      tagKey: testTagKey,
      headWitness: testWitness(),
      publicUrl: 'http://portale.test',
      close: async () => {},
    };
  });
  afterAll(async () => test.drop());

  it('takes the template version, the tolerances, the area’s tariff and its limits', async () => {
    const tariff = file('tariffa.json', {
      tf: 0.25,
      td: 0.1,
      tdCap: 0.0003,
      pollutants: [
        { parameter: 'COD', share: 0.5, referenceConcentration: 160 },
        { parameter: 'SST', share: 0.3, referenceConcentration: 80 },
        { parameter: 'TENSIOATTIVI', share: 0.2, referenceConcentration: 4 },
      ],
    });
    const limits = file('limiti.json', [
      { parameter: 'COD', max: 400 },
      { parameter: 'PH', min: 6 },
      { parameter: 'BORO-T', label: 'Boro totale', unit: 'mg/l', max: 2 },
    ]);
    const opened = await run(
      '--year',
      '2026',
      '--deadline',
      '2027-02-28',
      '--template-version',
      '2026.2',
      '--volume-tolerance',
      '3',
      '--year-on-year-tolerance',
      '40',
      '--tariff-file',
      tariff,
      '--limits-file',
      limits,
    );
    expect(opened).toEqual({
      code: 0,
      out: 'Aperta la campagna 2026: scadenza 2027-02-28, modelli versione 2026.2.',
    });
    const settings = await settingsOf(2026);
    expect(settings).toMatchObject({
      templateVersion: '2026.2',
      volumeTolerance: 0.03,
      yearOnYearTolerance: 0.4,
      tariff: { tf: 0.25, td: 0.1, tdCap: 0.0003 },
    });
    expect(settings!.tariff.pollutants.map((p) => p.parameter)).toEqual([
      'COD',
      'SST',
      'TENSIOATTIVI',
    ]);
    const limit = (parameter: string) => settings!.limits.find((l) => l.parameter === parameter);
    expect(limit('COD')).toMatchObject({ max: 400, label: 'COD' });
    expect(limit('PH')).toMatchObject({ min: 6, max: 9.5 });
    expect(limit('BORO-T')).toEqual({
      parameter: 'BORO-T',
      label: 'Boro totale',
      unit: 'mg/l',
      min: null,
      max: 2,
    });
  });

  it('keeps the defaults when only year and deadline are given', async () => {
    const opened = await run('--year', '2027', '--deadline', '2028-01-31');
    expect(opened.out).toBe(
      'Aperta la campagna 2027: scadenza 2028-01-31, modelli versione 2027.1.',
    );
    expect((await settingsOf(2027))!.tariff.pollutants).toHaveLength(4);
  });

  it('explains every wrong option or file in Italian and opens nothing', async () => {
    const shares = file('quote.json', {
      tf: 0.2,
      td: 0.1,
      tdCap: 0.0002,
      pollutants: [{ parameter: 'COD', share: 52, referenceConcentration: 160 }],
    });
    const broken = file('rotto.json', '{ "tf": ');
    const badLimits = file('limiti-errati.json', [{ parameter: 'COD', max: 'cinquecento' }]);
    const refused = await run(
      '--year',
      '2028',
      '--deadline',
      '2029-01-31',
      '--template-version',
      'v2',
      '--volume-tolerance',
      'poco',
      '--tariff-file',
      shares,
      '--limits-file',
      badLimits,
    );
    expect(refused.code).toBe(2);
    expect(refused.out).toContain('Errore: --volume-tolerance: inserire una percentuale (es. 5).');
    expect(refused.out).toContain(
      'Errore: templateVersion: La versione dei modelli si scrive anno di riferimento, punto, numero (es. 2028.1).',
    );
    expect(refused.out).toContain(
      'Errore: tariff.pollutants.0.share: La quota deve essere maggiore di 0% e al massimo 100%.',
    );
    expect(refused.out).toContain(`Errore: ${badLimits} (0.max): serve un numero, oppure null.`);
    const unreadable = await run(
      '--year',
      '2028',
      '--deadline',
      '2029-01-31',
      '--tariff-file',
      broken,
    );
    expect(unreadable.code).toBe(2);
    expect(unreadable.out).toMatch(/rotto\.json: non è un file JSON leggibile/);
    const unknown = await run('--year', '2028', '--deadline', '2029-01-31', '--colore', 'blu');
    expect(unknown.code).toBe(2);
    expect(unknown.out).toContain('Uso: campaigns:open --year <anno> --deadline <AAAA-MM-GG>');
    expect(await settingsOf(2028)).toBeUndefined();
  });
});
