import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  certifiedSending,
  registerAndApprove,
  registrationFields,
  seedRegistry,
} from '../support/accounts.js';
import {
  campaignYear,
  commandIdOf,
  filledTemplate,
  openCampaign,
} from '../support/declarations.js';
import { createOperator, signedIn, startTestApp, type TestApp } from '../support/testApp.js';
import { backends } from '../support/testDatabase.js';

const contracts = ['3001110001', '3001110002', '3001110003', '3001110004'];

describe.each(backends())('%s: a claim racing the consultant’s submission', (backend) => {
  let ctx: TestApp;
  const studio = { username: 'studio.bianchi', password: 'Segreta-2026' };
  const ditta = { username: 'tintoria.po', password: 'Segreta-2026' };

  beforeAll(async () => {
    ctx = await startTestApp({ backend, now: () => new Date('2026-01-20T09:30:00Z') });
    await createOperator(ctx);
    await seedRegistry(
      ctx.test.database.db,
      contracts.map(
        (contract) => ['1001110000', contract, 'Tintoria Po SRL'] as [string, string, string],
      ),
    );
    const company = [{ customerCode: '1001110000', contracts }];
    await registerAndApprove(
      ctx,
      'studio',
      registrationFields({ ...studio, email: 'bianchi@studio.example' }, company),
    );
    await registerAndApprove(
      ctx,
      'ditta',
      registrationFields({ ...ditta, email: 'po@tintoria.example' }, company),
    );
    await openCampaign(ctx);
  });
  afterAll(async () => ctx.close());

  it('ends with one consistent outcome per contract: filed before the takeover, or refused after it', async () => {
    const consultant = await signedIn(ctx, studio);
    const commandIds = new Map<string, string>();
    for (const contract of contracts) {
      const base = `/dichiarazioni/${campaignYear}/${contract}`;
      await consultant.get(base);
      const declaration = await filledTemplate(consultant, base, 'dichiarazione');
      const uploaded = await consultant.postMultipart(
        base,
        { visionato: 'si', 'email-notifica': 'bianchi@studio.example' },
        { dichiarazione: { filename: 'dichiarazione.xlsx', content: declaration } },
      );
      expect(uploaded.statusCode, uploaded.body).toBe(303);
      commandIds.set(contract, commandIdOf((await consultant.get(`${base}/validazione`)).body));
    }
    const company = await signedIn(ctx, ditta);
    await company.get('/contratti');

    const outcomes = await Promise.all(
      contracts.map(async (contract) => {
        const [submit, claim] = await Promise.all([
          consultant.post(`/dichiarazioni/${campaignYear}/${contract}/invia`, {
            commandId: commandIds.get(contract)!,
            ...certifiedSending(),
          }),
          company.post(`/contratti/${contract}/gestisci`, {}),
        ]);
        return { contract, submit, claim };
      }),
    );

    for (const { contract, submit, claim } of outcomes) {
      expect(claim.statusCode, contract).toBe(303);
      const { events } = await ctx.store.readStream(`contract-${contract}`);
      const types = events.map((event) => event.type);
      const claimedAt = types.indexOf('ContractClaimed');
      const submittedAt = types.indexOf('DeclarationSubmitted');
      expect(types.filter((type) => type === 'ContractClaimed')).toHaveLength(1);
      if (submit.statusCode === 303) {
        // Filed while the consultant still managed the contract.
        expect(submittedAt).toBeGreaterThan(-1);
        expect(submittedAt).toBeLessThan(claimedAt);
      } else {
        expect(submit.statusCode).toBe(403);
        expect(submit.body).toContain('Non gestisci più le dichiarazioni di questo contratto');
        expect(submittedAt).toBe(-1);
      }
    }

    // The company reads what the consultant filed for it; the consultant can no longer file.
    const filed = outcomes.filter(({ submit }) => submit.statusCode === 303).length;
    const companyPage = (await company.get('/dichiarazioni')).body;
    expect(companyPage.match(/<td>2025\/\d{6}/g) ?? []).toHaveLength(filed);
    const consultantPage = (await consultant.get('/dichiarazioni')).body;
    expect(consultantPage).not.toMatch(/href="\/dichiarazioni\/2025\/\d{10}"/);
  });
});
