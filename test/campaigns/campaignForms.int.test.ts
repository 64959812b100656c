import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sewerLimits } from '../../domain/campaigns/defaultCampaignSettings.js';
import { bidiCharactersMessage, controlCharactersMessage } from '../../src/platform/http/text.js';
import { registerAndApprove, registrationFields, seedRegistry } from '../support/accounts.js';
import { openCampaign } from '../support/declarations.js';
import {
  createOperator,
  operatorLogin,
  signedIn,
  startTestApp,
  type TestApp,
} from '../support/testApp.js';

const nul = 'Mario\u0000Rossi';
const bidi = '\u202Eabc';
const script = '<script>alert(1)</script>';
const escapedScript = '&lt;script&gt;alert(1)&lt;/script&gt;';

/** The message shown beside the input with this id, or null. */
const errorBeside = (body: string, id: string): string | null =>
  new RegExp(`id="${id}-error"[^>]*>([^<]*)<`).exec(body)?.[1] ?? null;

/** The "Apri campagna" form of 2026 as the page posts it, with `change` typed over it. */
const campaignForm = (change: Record<string, string>) => ({
  anno: '2026',
  scadenza: '2027-01-31',
  versione: '2026.1',
  tf: '0,211803',
  td: '0,097548',
  tdCap: '0,000210183',
  tolleranza: '5',
  ...change,
});

describe("hostile text in the operators' campaign forms", () => {
  let ctx: TestApp;
  const version = async (streamId: string) => (await ctx.store.readStream(streamId)).version;

  beforeAll(async () => {
    ctx = await startTestApp({ now: () => new Date('2026-11-20T09:30:00Z') });
    await createOperator(ctx);
    await seedRegistry(ctx.test.database.db, [['7771234567', '3007771234', 'Conceria SPA']]);
    await registerAndApprove(
      ctx,
      'ditta',
      registrationFields({ username: 'conceria', email: 'conceria@example.com' }, [
        { customerCode: '7771234567', contracts: ['3007771234'] },
      ]),
    );
    await openCampaign(ctx, 2025);
  });
  afterAll(async () => ctx.close());

  it('refuses a control or bidi character in a campaign field, beside it, opening nothing', async () => {
    const operator = await signedIn(ctx, operatorLogin);
    await operator.get('/operatori/campagne');
    const withNul = await operator.post('/operatori/campagne', campaignForm({ versione: nul }));
    expect(withNul.statusCode).toBe(422);
    expect(errorBeside(withNul.body, 'versione')).toBe(controlCharactersMessage);
    const withBidi = await operator.post(
      '/operatori/campagne',
      campaignForm({ 'inquinanti[4][parametro]': bidi }),
    );
    expect(withBidi.statusCode).toBe(422);
    expect(errorBeside(withBidi.body, 'inquinanti-4-parametro')).toBe(bidiCharactersMessage);
    expect(await version('campaign-2026')).toBe(0);
  });

  it('shows a figure typed as HTML back escaped', async () => {
    const operator = await signedIn(ctx, operatorLogin);
    await operator.get('/operatori/campagne');
    const response = await operator.post('/operatori/campagne', campaignForm({ tf: script }));
    expect(response.statusCode).toBe(422);
    expect(errorBeside(response.body, 'tf')).toBe('Tf: inserire un numero.');
    expect(response.body).toContain(`value="${escapedScript}"`);
    expect(response.body).not.toContain(script);
    expect(await version('campaign-2026')).toBe(0);
  });

  describe("a contract's own limits", () => {
    const limitsPage = '/operatori/campagne/2025/contratti/3007771234/limiti';
    const cod = sewerLimits.findIndex((limit) => limit.parameter === 'COD');
    const form = (motivo: string) => ({
      [`limiti[${cod}][parametro]`]: 'COD',
      [`limiti[${cod}][massimo]`]: '300',
      motivo,
    });

    it('refuses a control or bidi character in the reason, beside it, recording nothing', async () => {
      const operator = await signedIn(ctx, operatorLogin);
      await operator.get(limitsPage);
      for (const [typed, message] of [
        [nul, controlCharactersMessage],
        [bidi, bidiCharactersMessage],
      ] as const) {
        const response = await operator.post(limitsPage, form(typed));
        expect(response.statusCode).toBe(422);
        expect(errorBeside(response.body, 'motivo')).toBe(message);
      }
      expect(await version('discharge-limits-3007771234')).toBe(0);
    });

    it('keeps a reason written as HTML and shows it escaped in the history', async () => {
      const operator = await signedIn(ctx, operatorLogin);
      await operator.get(limitsPage);
      const saved = await operator.post(limitsPage, form(`Autorizzazione ${script}`));
      expect(saved.statusCode).toBe(303);
      const page = await operator.get(`${limitsPage}?esito=salvati`);
      expect(page.body).toContain('Limiti del contratto salvati.');
      expect(page.body).toContain(
        `1 parametri con limite proprio · Autorizzazione ${escapedScript}`,
      );
      expect(page.body).not.toContain(script);
    });
  });
});
