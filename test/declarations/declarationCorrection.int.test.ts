import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAndApprove, registrationFields, seedRegistry } from '../support/accounts.js';
import type { TestClient } from '../support/client.js';
import {
  campaignYear,
  commandIdOf,
  fileDeclaration,
  filledTemplate,
  inviteCompanyByPec,
  openCampaign,
  sendDeclaration,
} from '../support/declarations.js';
import {
  createOperator,
  operatorLogin,
  settle,
  signedIn,
  startTestApp,
  type TestApp,
} from '../support/testApp.js';
import { backends } from '../support/testDatabase.js';
import { fieldError, pageText, rowText, sectionText } from '../observatory/pageText.js';
import { pdfText, squeezed } from './pdf/pdfText.js';

/**
 * A correction (rettifica) of a filed declaration, as the declarant meets it on the result page:
 * a reason, the wizard again from the filed files, INVIA and a new protocol number that replaces
 * the old one; an accepted declaration only after the utility reopens it.
 */
describe.each(backends())('%s: correcting a filed declaration', (backend) => {
  let ctx: TestApp;
  const sole = { username: 'lavanderia.sole', password: 'Segreta-2026' };
  const luna = { username: 'tintoria.luna', password: 'Segreta-2026' };
  const studio = { username: 'studio.verdi', password: 'Segreta-2026' };
  const invitedCompanyLogin = { username: 'ditta.2002220000', password: 'Tintoria-Savena_2026' };
  const companyPec = 'tintoria@pec.example';
  const baseOf = (contract: string) => `/dichiarazioni/${campaignYear}/${contract}`;
  // Filed in this order, so numbered 000001, 000002, 000003.
  const corrected = { contract: '3004441234', protocol: `${campaignYear}/000001` };
  const accepted = { contract: '3006665432', protocol: `${campaignYear}/000002` };
  const consulted = { contract: '3002220001', protocol: `${campaignYear}/000003` };

  const contractEvents = async (contract: string) =>
    (await ctx.store.readStream(`contract-${contract}`)).events;
  const typesOf = async (contract: string) =>
    (await contractEvents(contract)).map((event) => event.type);
  const draftTypes = async (contract: string) =>
    (await ctx.store.readStream(`declaration-draft-${contract}-${campaignYear}`)).events.map(
      (event) => event.type,
    );
  /** The commandId of the form posting to `action` (…/rettifica, …/riapri), null if none. */
  const formFor = (page: string, action: string) => {
    const form = new RegExp(`<form method="post" action="[^"]+/${action}"[\\s\\S]*?</form>`).exec(
      page,
    )?.[0];
    return form ? { commandId: commandIdOf(form) } : null;
  };

  /** AVANTI with a declaration workbook that declares `volume` m³ discharged (and 500 m³ more drawn). */
  async function uploadWithVolume(client: TestClient, base: string, volume: number) {
    const content = await filledTemplate(client, base, 'dichiarazione', {
      Dichiarazione: { B10: volume },
      'Fonti di approvvigionamento': { E2: 12000 + volume - 500, G2: volume - 500 },
    });
    return client.postMultipart(
      base,
      { visionato: 'si', 'email-notifica': 'ambiente@example.test' },
      { dichiarazione: { filename: 'dichiarazione-rettificata.xlsx', content } },
    );
  }
  async function startCorrection(client: TestClient, base: string, motivo: string) {
    const page = await client.get(`${base}/risultato`);
    const form = formFor(page.body, 'rettifica');
    expect(form, 'a «Rettifica» form on the result page').not.toBeNull();
    return client.post(`${base}/rettifica`, { commandId: form!.commandId, motivo });
  }

  beforeAll(async () => {
    ctx = await startTestApp({ backend, now: () => new Date('2026-01-20T09:30:00Z') });
    await createOperator(ctx);
    await seedRegistry(ctx.test.database.db, [
      ['4441234567', corrected.contract, 'Lavanderia Sole SRL'],
      ['6665432100', accepted.contract, 'Tintoria Luna SRL'],
      ['2002220000', consulted.contract, 'Tintoria Savena SRL'],
    ]);
    await registerAndApprove(
      ctx,
      'ditta',
      registrationFields({ ...sole, fullName: 'Sole Bianchi', email: 'sole@example.test' }, [
        { customerCode: '4441234567', contracts: [corrected.contract] },
      ]),
    );
    await registerAndApprove(
      ctx,
      'ditta',
      registrationFields({ ...luna, fullName: 'Luna Neri', email: 'luna@example.test' }, [
        { customerCode: '6665432100', contracts: [accepted.contract] },
      ]),
    );
    await registerAndApprove(
      ctx,
      'studio',
      registrationFields({ ...studio, fullName: 'Vera Verdi', email: 'verdi@example.test' }, [
        { customerCode: '2002220000', contracts: [consulted.contract] },
      ]),
    );
    await openCampaign(ctx);
    await fileDeclaration(
      ctx,
      await signedIn(ctx, sole),
      baseOf(corrected.contract),
      'ambiente@example.test',
    );
    await fileDeclaration(
      ctx,
      await signedIn(ctx, luna),
      baseOf(accepted.contract),
      'ambiente@example.test',
    );
    await fileDeclaration(
      ctx,
      await signedIn(ctx, studio),
      baseOf(consulted.contract),
      'ambiente@example.test',
    );
    await inviteCompanyByPec(ctx, {
      customerCode: '2002220000',
      pec: companyPec,
      ...invitedCompanyLogin,
    });
  });
  afterAll(async () => ctx.close());

  it('refuses a correction without a reason with 422 beside the field, and records nothing', async () => {
    const client = await signedIn(ctx, sole);
    const base = baseOf(corrected.contract);
    const before = await typesOf(corrected.contract);
    const drafted = await draftTypes(corrected.contract);
    for (const motivo of ['', '   \n ']) {
      const refused = await startCorrection(client, base, motivo);
      expect(refused.statusCode, JSON.stringify(motivo)).toBe(422);
      expect(fieldError(refused.body, 'Motivo della rettifica')).toBe(
        'Indica il motivo della rettifica.',
      );
    }
    await settle(ctx);
    expect(await typesOf(corrected.contract)).toEqual(before);
    expect(await draftTypes(corrected.contract)).toEqual(drafted);
    expect(before).not.toContain('DeclarationCorrectionStarted');
    // The wizard stays closed: the year is filed.
    expect(pageText((await client.get(base)).body)).not.toContain('Rettifica della dichiarazione');
  });

  it('files a correction: the wizard starts from the filed files, INVIA gives a new protocol, both versions are listed with their PDFs', async () => {
    const client = await signedIn(ctx, sole);
    const base = baseOf(corrected.contract);
    const reason = 'Volume scaricato letto dal contatore sbagliato.';

    const started = await startCorrection(client, base, reason);
    expect(started.statusCode, started.body).toBe(303);
    expect(started.headers.location).toBe(base);
    const [event, ...more] = (await contractEvents(corrected.contract)).filter(
      (each) => each.type === 'DeclarationCorrectionStarted',
    );
    expect(more).toHaveLength(0);
    expect(event!.data).toMatchObject({
      year: campaignYear,
      replaces: corrected.protocol,
      reason,
    });

    const wizard = await client.get(base);
    expect(wizard.statusCode).toBe(200);
    expect(pageText(wizard.body)).toContain(
      `Rettifica della dichiarazione protocollo ${corrected.protocol}`,
    );
    expect(wizard.body).toMatch(/Già caricato: <strong>dichiarazione\.xlsx<\/strong>/);

    // Before INVIA the filed version stays in force for the operators and in the declarant's list.
    await settle(ctx);
    const operator = await signedIn(ctx, operatorLogin);
    const dashboard = `/operatori/campagne/${campaignYear}`;
    expect(rowText((await operator.get(dashboard)).body, corrected.contract)).toContain(
      corrected.protocol,
    );
    const list = await client.get(`/dichiarazioni?anno=${campaignYear}`);
    expect(rowText(list.body, corrected.contract)).toContain(corrected.protocol);
    const pending = await client.get(`${base}/risultato`);
    expect(sectionText(pending.body, 'Rettifica')).toContain(
      `Rettifica del protocollo ${corrected.protocol} in corso`,
    );
    expect(formFor(pending.body, 'rettifica')).toBeNull();

    const avanti = await uploadWithVolume(client, base, 4200);
    expect(avanti.statusCode, pageText(avanti.body)).toBe(303);
    // A result page left open before the correction started posts again: the new workbook stays.
    const draftBefore = await draftTypes(corrected.contract);
    const stale = await client.post(`${base}/rettifica`, {
      commandId: randomUUID(),
      motivo: reason,
    });
    expect(stale.statusCode).toBe(303);
    expect(await draftTypes(corrected.contract)).toEqual(draftBefore);
    expect((await client.get(base)).body).toMatch(
      /Già caricato: <strong>dichiarazione-rettificata\.xlsx<\/strong>/,
    );
    await sendDeclaration(ctx, client, base);
    // An outcome from a page that still showed the first version is not put on the second.
    const staleOutcome = await operator.post(`${base}/esito`, {
      commandId: randomUUID(),
      esito: 'accettata',
      protocollo: corrected.protocol,
    });
    expect(staleOutcome.statusCode).toBe(409);
    expect(pageText(staleOutcome.body)).toContain(
      'Nel frattempo è stata inviata una nuova versione',
    );
    expect(await typesOf(corrected.contract)).not.toContain('DeclarationReviewed');

    const submissions = (await contractEvents(corrected.contract)).filter(
      (each) => each.type === 'DeclarationSubmitted',
    );
    expect(submissions).toHaveLength(2);
    expect(submissions[1]!.data).toMatchObject({
      corrects: { replaces: corrected.protocol, reason },
    });
    expect(submissions[0]!.data).not.toHaveProperty('corrects');
    const protocols = (await contractEvents(corrected.contract))
      .filter((each) => each.type === 'DeclarationProtocolled')
      .map((each) => each.data.protocolNumber as string);
    expect(protocols).toHaveLength(2);
    const [oldProtocol, newProtocol] = protocols as [string, string];
    expect(oldProtocol).toBe(corrected.protocol);
    expect(newProtocol).toMatch(/^2025\/\d{6}$/);
    expect(newProtocol).not.toBe(oldProtocol);

    const result = await client.get(`${base}/risultato`);
    expect(result.statusCode).toBe(200);
    const versions = sectionText(result.body, 'Versioni della dichiarazione');
    expect(versions).toContain(oldProtocol);
    const latest = rowText(result.body, newProtocol);
    expect(latest).toContain('in vigore');
    expect(latest).toContain(reason);
    expect(latest).toContain('Volume scaricato: da 4.000 m³ a 4.200 m³');
    expect(latest).toContain('Volume prelevato: da 5.000 m³ a 5.200 m³');
    expect(rowText(result.body, oldProtocol)).not.toContain('in vigore');

    const copy = async (query: string) => {
      const response = await client.get(`${base}/copia.pdf${query}`);
      expect(response.statusCode, query).toBe(200);
      expect(response.headers['content-type'], query).toMatch(/application\/pdf/);
      return squeezed(await pdfText(response.rawPayload));
    };
    const first = await copy(`?protocollo=${oldProtocol.replace('/', '-')}`);
    const second = await copy(`?protocollo=${newProtocol.replace('/', '-')}`);
    expect(result.body).toContain(`copia.pdf?protocollo=${oldProtocol.replace('/', '-')}`);
    expect(result.body).toContain(`copia.pdf?protocollo=${newProtocol.replace('/', '-')}`);
    expect(first).toContain(oldProtocol);
    expect(first).not.toContain('Sostituisce');
    expect(second).toContain(newProtocol);
    expect(second).toMatch(
      new RegExp(`Rettifica\\s+Sostituisce la dichiarazione protocollo ${oldProtocol}`),
    );
    expect(second).toMatch(/Motivo della rettifica\s+Volume scaricato letto dal contatore/);
    expect(await copy('')).toBe(second);
    expect((await client.get(`${base}/copia.pdf?protocollo=2025-999999`)).statusCode).toBe(404);

    await settle(ctx);
    const row = rowText((await operator.get(dashboard)).body, corrected.contract);
    expect(row).toContain(newProtocol);
    expect(row).not.toContain(oldProtocol);
    const listed = await client.get(`/dichiarazioni?anno=${campaignYear}`);
    expect(rowText(listed.body, corrected.contract)).toContain(newProtocol);
    // The correction is over: the page offers a new one.
    expect(formFor(result.body, 'rettifica')).not.toBeNull();
  });

  it('refuses to correct an accepted declaration until the operator reopens it, with a reason', async () => {
    const base = baseOf(accepted.contract);
    const operator = await signedIn(ctx, operatorLogin);
    const review = await operator.get(`${base}/risultato`);
    const esito = /<form method="post" action="[^"]+\/esito"[\s\S]*?<\/form>/.exec(review.body);
    const acceptedNow = await operator.post(`${base}/esito`, {
      commandId: commandIdOf(esito![0]),
      esito: 'accettata',
      nota: '',
      entro: '',
    });
    expect(acceptedNow.statusCode, acceptedNow.body).toBe(303);
    await settle(ctx);

    const client = await signedIn(ctx, luna);
    const page = await client.get(`${base}/risultato`);
    expect(sectionText(page.body, 'Rettifica')).toContain(
      'La dichiarazione è stata accettata: per rettificarla chiedi al gestore di riaprirla.',
    );
    expect(formFor(page.body, 'rettifica')).toBeNull();
    const recorded = (await contractEvents(accepted.contract)).length;
    const refused = await client.post(`${base}/rettifica`, {
      commandId: randomUUID(),
      motivo: 'Errore nel volume.',
    });
    expect(refused.statusCode).toBe(409);
    expect(pageText(refused.body)).toContain('per rettificarla chiedi al gestore di riaprirla');
    expect((await contractEvents(accepted.contract)).length).toBe(recorded);

    const operatorPage = await operator.get(`${base}/risultato`);
    const reopenForm = formFor(operatorPage.body, 'riapri');
    expect(reopenForm).not.toBeNull();
    const unexplained = await operator.post(`${base}/riapri`, {
      commandId: reopenForm!.commandId,
      motivo: '',
    });
    expect(unexplained.statusCode).toBe(422);
    expect(fieldError(unexplained.body, 'Motivo della riapertura')).toBe(
      'Indica il motivo della riapertura.',
    );
    expect(await typesOf(accepted.contract)).not.toContain('DeclarationReopened');

    const reopened = await operator.post(`${base}/riapri`, {
      commandId: reopenForm!.commandId,
      motivo: 'Il dichiarante segnala un errore di lettura.',
    });
    expect(reopened.statusCode, reopened.body).toBe(303);
    expect(reopened.headers.location).toBe(`${base}/risultato?esito=riaperta`);
    const reopenings = (await contractEvents(accepted.contract)).filter(
      (each) => each.type === 'DeclarationReopened',
    );
    expect(reopenings.map((each) => each.data)).toEqual([
      expect.objectContaining({
        year: campaignYear,
        protocolNumber: accepted.protocol,
        reason: 'Il dichiarante segnala un errore di lettura.',
      }),
    ]);
    await settle(ctx);

    const reopenedPage = await client.get(`${base}/risultato`);
    expect(pageText(reopenedPage.body)).not.toContain('è stata accettata: per rettificarla');
    const started = await startCorrection(client, base, 'Errore nel volume.');
    expect(started.statusCode, started.body).toBe(303);
    expect(pageText((await client.get(base)).body)).toContain(
      `Rettifica della dichiarazione protocollo ${accepted.protocol}`,
    );
  });

  it('lets only the managing declarant start a correction: the company a consultant manages and an operator get 403, a stranger 404', async () => {
    const base = baseOf(consulted.contract);
    const recorded = await typesOf(consulted.contract);
    const drafted = await draftTypes(consulted.contract);

    const company = await signedIn(ctx, invitedCompanyLogin);
    const companyPage = await company.get(`${base}/risultato`);
    expect(companyPage.statusCode).toBe(200);
    expect(formFor(companyPage.body, 'rettifica')).toBeNull();
    const byCompany = await company.post(`${base}/rettifica`, {
      commandId: randomUUID(),
      motivo: 'Correggo io.',
    });
    expect(byCompany.statusCode).toBe(403);

    const operator = await signedIn(ctx, operatorLogin);
    expect(formFor((await operator.get(`${base}/risultato`)).body, 'rettifica')).toBeNull();
    const byOperator = await operator.post(`${base}/rettifica`, {
      commandId: randomUUID(),
      motivo: 'Correggo io.',
    });
    expect(byOperator.statusCode).toBe(403);

    const stranger = await signedIn(ctx, sole);
    const byStranger = await stranger.post(`${base}/rettifica`, {
      commandId: randomUUID(),
      motivo: 'Correggo io.',
    });
    expect(byStranger.statusCode).toBe(404);

    await settle(ctx);
    expect(await typesOf(consulted.contract)).toEqual(recorded);
    expect(await draftTypes(consulted.contract)).toEqual(drafted);

    // The consultant who manages it may.
    const consultant = await signedIn(ctx, studio);
    expect(formFor((await consultant.get(`${base}/risultato`)).body, 'rettifica')).not.toBeNull();
  });
});
