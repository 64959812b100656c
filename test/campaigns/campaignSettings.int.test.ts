import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CampaignSettings } from '../../domain/campaigns/campaignSettings.js';
import { sewerLimits } from '../../domain/campaigns/defaultCampaignSettings.js';
import {
  createOperator,
  operatorLogin,
  settle,
  signedIn,
  startTestApp,
  type TestApp,
} from '../support/testApp.js';
import { backends } from '../support/testDatabase.js';

const limitIndex = (parameter: string) => sewerLimits.findIndex((l) => l.parameter === parameter);

/** The form as the page posts it: the defaults it shows, with `change` typed over them. */
function campaignForm(year: number, change: Record<string, string> = {}): Record<string, string> {
  const fields: Record<string, string> = {
    anno: String(year),
    scadenza: `${year + 1}-01-31`,
    versione: `${year}.1`,
    tolleranza: '5',
    tolleranzaAnnua: '50',
    tf: '0,211803',
    td: '0,097548',
    tdCap: '0,000210183',
  };
  [
    ['COD', '52', '160'],
    ['SST', '28', '80'],
    ['N', '15', '10'],
    ['P', '5', '1'],
    ['', '', ''],
  ].forEach(([parametro, quota, riferimento], i) => {
    fields[`inquinanti[${i}][parametro]`] = parametro!;
    fields[`inquinanti[${i}][quota]`] = quota!;
    fields[`inquinanti[${i}][riferimento]`] = riferimento!;
  });
  sewerLimits.forEach((limit, i) => {
    fields[`limiti[${i}][parametro]`] = limit.parameter;
    fields[`limiti[${i}][minimo]`] = limit.min === null ? '' : String(limit.min).replace('.', ',');
    fields[`limiti[${i}][massimo]`] = limit.max === null ? '' : String(limit.max).replace('.', ',');
  });
  return { ...fields, ...change };
}

describe.each(backends())('%s: an operator configures the yearly campaign', (backend) => {
  let ctx: TestApp;
  beforeAll(async () => {
    ctx = await startTestApp({ backend, now: () => new Date('2026-11-20T09:30:00Z') });
    await createOperator(ctx);
  });
  afterAll(async () => ctx.close());

  it('offers every figure of the campaign, starting from Tabella 3 and the ARERA shares', async () => {
    const operator = await signedIn(ctx, operatorLogin);
    const page = (await operator.get('/operatori/campagne')).body;
    for (const label of [
      'Versione dei modelli',
      'Tolleranza sui volumi (%)',
      'Tolleranza rispetto all&#39;anno precedente (%)',
      'Inquinanti della formula tariffaria',
      'Limiti allo scarico in fognatura (38 parametri)',
    ])
      expect(page).toContain(label);
    expect(page).toContain('name="versione" type="text" class="form-control" value="2026.1"');
    expect(page).toMatch(
      /name="limiti\[3\]\[massimo\]" class="form-control form-control-sm" value="500"/,
    );
    expect(page).toMatch(/<option value="COD" selected>COD \(mg\/l\)<\/option>/);
  });

  it('names each wrong figure beside its input, in Italian, and opens nothing', async () => {
    const operator = await signedIn(ctx, operatorLogin);
    await operator.get('/operatori/campagne');
    const cod = limitIndex('COD');
    const ph = limitIndex('PH');
    const response = await operator.post(
      '/operatori/campagne',
      campaignForm(2026, {
        versione: '2026',
        tolleranzaAnnua: '0',
        'inquinanti[0][quota]': '47',
        'inquinanti[4][parametro]': 'NI',
        'inquinanti[4][quota]': 'tanto',
        'inquinanti[4][riferimento]': '2',
        [`limiti[${cod}][massimo]`]: 'cinquecento',
        [`limiti[${ph}][minimo]`]: '10',
      }),
    );
    expect(response.statusCode).toBe(422);
    const body = response.body.replaceAll('&#39;', "'");
    for (const message of [
      'La versione dei modelli si scrive anno di riferimento, punto, numero (es. 2026.1).',
      "La tolleranza rispetto all'anno precedente deve essere maggiore di 0% e al massimo 1000%.",
      'Quota: inserire una percentuale.',
      'COD: inserire un numero o lasciare vuoto.',
      'pH: il minimo (10) supera il massimo (9,5).',
    ])
      expect(body).toContain(message);
    expect(body).toMatch(/id="inquinanti-4-quota-error"[^>]*>Quota: inserire una percentuale\./);
    // What was typed comes back.
    expect(body).toContain('value="cinquecento"');
    expect((await ctx.store.readStream('campaign-2026')).version).toBe(0);

    const shares = await operator.post(
      '/operatori/campagne',
      campaignForm(2026, { 'inquinanti[0][quota]': '47' }),
    );
    expect(shares.statusCode).toBe(422);
    expect(shares.body).toContain('Le quote degli inquinanti sommano a 95%: devono fare 100%.');
  });

  it('opens the campaign with the version, tolerances, tariff, pollutants and limits typed', async () => {
    const operator = await signedIn(ctx, operatorLogin);
    await operator.get('/operatori/campagne');
    const response = await operator.post(
      '/operatori/campagne',
      campaignForm(2026, {
        versione: '2026.2',
        tolleranza: '3,5',
        tolleranzaAnnua: '30',
        td: '0,1',
        'inquinanti[0][quota]': '50',
        'inquinanti[4][parametro]': 'TENSIOATTIVI',
        'inquinanti[4][quota]': '2',
        'inquinanti[4][riferimento]': '4',
        [`limiti[${limitIndex('COD')}][massimo]`]: '400',
        [`limiti[${limitIndex('N')}][massimo]`]: '60',
      }),
    );
    expect(response.statusCode, response.body).toBe(303);
    expect(response.headers.location).toBe('/operatori/campagne/2026');
    await settle(ctx);
    const { events } = await ctx.store.readStream('campaign-2026');
    const settings = events[0]!.data.settings as unknown as CampaignSettings;
    expect(settings).toMatchObject({
      year: 2026,
      deadline: '2027-01-31',
      templateVersion: '2026.2',
      volumeTolerance: 0.035,
      yearOnYearTolerance: 0.3,
      tariff: {
        tf: 0.211803,
        td: 0.1,
        tdCap: 0.000210183,
        pollutants: [
          { parameter: 'COD', share: 0.5, referenceConcentration: 160 },
          { parameter: 'SST', share: 0.28, referenceConcentration: 80 },
          { parameter: 'N', share: 0.15, referenceConcentration: 10 },
          { parameter: 'P', share: 0.05, referenceConcentration: 1 },
          { parameter: 'TENSIOATTIVI', share: 0.02, referenceConcentration: 4 },
        ],
      },
    });
    expect(settings.limits.find((l) => l.parameter === 'COD')).toMatchObject({ max: 400 });
    expect(settings.limits.find((l) => l.parameter === 'N')).toMatchObject({ max: 60 });
    expect(settings.limits.find((l) => l.parameter === 'PH')).toMatchObject({ min: 5.5, max: 9.5 });
    expect(events[0]!.metadata.actor.role).toBe('operator');
    const campaign = await operator.get('/operatori/campagne/2026');
    expect(campaign.body).toContain('modelli versione 2026.2');
  });
});
