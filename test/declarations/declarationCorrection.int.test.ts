import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaffAccount, systemContext } from '../../src/accounts/staffAccounts.js';
import { registerAndApprove, registrationFields, seedRegistry } from '../support/accounts.js';
import type { TestClient } from '../support/client.js';
import {
  campaignYear,
  commandIdOf,
  fileDeclaration,
  filledTemplate,
  inviteCompanyByPec,
  openCampaign,
  outboxMails,
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
  const auditorLogin = { username: 'aldo', password: 'Revisore-2026' };
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

  /** The protocol numbers the contract's versions were given, oldest first. */
  const protocolsOf = async (contract: string) =>
    (await contractEvents(contract))
      .filter((each) => each.type === 'DeclarationProtocolled')
      .map((each) => each.data.protocolNumber as string);
  const mails = (subjectPart: string) => outboxMails(ctx, subjectPart);
  /** The text of the folded list of versions (<details>) whose summary is `summary`. */
  const foldedText = (page: string, summary: string) => {
    const folded = [...page.matchAll(/<details[^>]*>([\s\S]*?)<\/details>/g)].find((match) =>
      pageText(match[1]!).startsWith(summary),
    );
    if (!folded) throw new Error(`No <details> «${summary}» on the page`);
    return pageText(folded[1]!);
  };
  /** The operator records an outcome with the «Registra l’esito» form the result page hands out. */
  async function recordOutcome(base: string, fields: Record<string, string>) {
    const operator = await signedIn(ctx, operatorLogin);
    const form = formFor((await operator.get(`${base}/risultato`)).body, 'esito');
    expect(form, 'a «Registra l’esito» form on the result page').not.toBeNull();
    const recorded = await operator.post(`${base}/esito`, {
      commandId: form!.commandId,
      ...fields,
    });
    expect(recorded.statusCode, recorded.body).toBe(303);
    await settle(ctx);
  }

  /**
   * A contract of its own that a consultant files for; then the company, invited by PEC, takes it
   * back with «Gestisci contratto». Its own numbers leave the other tests' contracts alone.
   */
  async function handOver(given: {
    customerCode: string;
    contract: string;
    companyName: string;
    consultant: { username: string; fullName: string; email: string };
    company: { username: string; password: string; pec: string };
  }) {
    const { contract, customerCode } = given;
    const base = baseOf(contract);
    const former = { username: given.consultant.username, password: 'Segreta-2026' };
    await seedRegistry(ctx.test.database.db, [[customerCode, contract, given.companyName]]);
    await registerAndApprove(
      ctx,
      'studio',
      registrationFields({ ...given.consultant, password: former.password }, [
        { customerCode, contracts: [contract] },
      ]),
    );
    const consultant = await signedIn(ctx, former);
    await fileDeclaration(ctx, consultant, base, given.consultant.email);
    const companyLogin = { username: given.company.username, password: given.company.password };
    await inviteCompanyByPec(ctx, { customerCode, pec: given.company.pec, ...companyLogin });

    const company = await signedIn(ctx, companyLogin);
    await company.get('/contratti');
    const claimed = await company.post(`/contratti/${contract}/gestisci`, {});
    expect(claimed.statusCode, claimed.body).toBe(303);
    await settle(ctx);
    const types = await typesOf(contract);
    expect(types).toContain('DeclarationProtocolled');
    expect(types.at(-1)).toBe('ContractClaimed');
    return { contract, base, consultant, company };
  }

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
    await createStaffAccount(
      ctx.store,
      {
        role: 'auditor',
        ...auditorLogin,
        fullName: 'Aldo Revisore',
        email: 'aldo@gestore.example',
      },
      systemContext(new Date()),
    );
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
    expect(latest).toContain('Da esaminare');
    // Replaced before the utility examined it: no outcome of its own.
    expect(rowText(result.body, oldProtocol)).not.toContain('in vigore');
    expect(rowText(result.body, oldProtocol)).toContain('sostituita');
    expect(rowText(result.body, oldProtocol)).not.toContain('Da esaminare');

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

  it("lists a corrected year in the declarant's list as its version, with each correction's reason and the figures it changed", async () => {
    const [oldProtocol, newProtocol] = (await protocolsOf(corrected.contract)) as [string, string];
    const client = await signedIn(ctx, sole);
    const list = await client.get(`/dichiarazioni?anno=${campaignYear}`);
    const row = rowText(list.body, corrected.contract);
    expect(row).toMatch(new RegExp(`^${newProtocol} Versione 2: vedi le rettifiche`));
    expect(row).not.toContain('sostituita da una rettifica');
    const folded = foldedText(list.body, 'Versione 2: vedi le rettifiche');
    expect(folded).toContain(`${oldProtocol} del 20/01/2026`);
    expect(folded).toContain(
      `${newProtocol} del 20/01/2026 — rettifica: Volume scaricato letto dal contatore sbagliato.`,
    );
    expect(folded).toContain('Volume scaricato: da 4.000 m³ a 4.200 m³');
    expect(folded).toContain('Volume prelevato: da 5.000 m³ a 5.200 m³');
    // A year filed once has nothing to fold.
    const other = await signedIn(ctx, luna);
    expect((await other.get(`/dichiarazioni?anno=${campaignYear}`)).body).not.toContain('<details');
  });

  it("sends the versions table out of band with the copy's links, so the correction's row gets its PDF without a reload", async () => {
    const [oldProtocol, newProtocol] = (await protocolsOf(corrected.contract)) as [string, string];
    const base = baseOf(corrected.contract);
    const client = await signedIn(ctx, sole);
    const response = await client.get(`${base}/risultato/copia`, { 'HX-Request': 'true' });
    expect(response.statusCode).toBe(200);
    expect(response.body).not.toContain('<html');
    expect(response.headers.vary).toContain('HX-Request');
    expect(response.body).toContain('id="copia-dichiarazione"');
    const versions = /<section id="versioni"[^>]*>[\s\S]*?<\/section>/.exec(response.body)?.[0];
    expect(versions, 'a versions section in the fragment').toBeDefined();
    expect(/^<section[^>]*>/.exec(versions!)![0]).toContain('hx-swap-oob="true"');
    expect(versions).toContain(oldProtocol);
    expect(versions).toContain(newProtocol);
    expect(versions).toContain(`${base}/copia.pdf?protocollo=${newProtocol.replace('/', '-')}`);
    // The page itself swaps nothing out of band.
    const page = await client.get(`${base}/risultato`);
    expect(page.body).toContain('<section id="versioni"');
    expect(page.body).not.toContain('hx-swap-oob');
  });

  it("shows the auditor a contract's declaration versions on its timeline, each linked to the event that filed it", async () => {
    const [oldProtocol, newProtocol] = (await protocolsOf(corrected.contract)) as [string, string];
    const streamId = `contract-${corrected.contract}`;
    const filings = (await contractEvents(corrected.contract))
      .filter((each) => each.type === 'DeclarationSubmitted')
      .map((each) => each.version);
    expect(filings).toHaveLength(2);
    const auditor = await signedIn(ctx, auditorLogin);
    const timeline = await auditor.get(`/revisione/stream/${streamId}`);
    expect(timeline.statusCode).toBe(200);
    const section = sectionText(timeline.body, 'Versioni delle dichiarazioni');
    expect(section).toContain(`Dichiarazione ${campaignYear}`);
    expect(rowText(timeline.body, oldProtocol)).toMatch(/^Versione 1 della dichiarazione 2025/);
    const latest = rowText(timeline.body, newProtocol);
    expect(latest).toMatch(/^Versione 2 della dichiarazione 2025 ?: evento \d+ in vigore/);
    expect(latest).toContain(
      `sostituisce ${oldProtocol} — Volume scaricato letto dal contatore sbagliato.`,
    );
    expect(latest).toContain('Volume scaricato: da 4.000 m³ a 4.200 m³');
    expect(latest).toContain('da esaminare');
    for (const [i, version] of filings.entries()) {
      expect(timeline.body).toContain(
        `href="/revisione/stream/${streamId}#v${version}">Versione ${i + 1}`,
      );
      // The link leads to the filing on the same page.
      const entry = new RegExp(`<li id="v${version}"[\\s\\S]*?<h2[^>]*>([\\s\\S]*?)</h2>`).exec(
        timeline.body,
      );
      expect(pageText(entry![1]!)).toMatch(
        new RegExp(`^Versione ${version} · Dichiarazione inviata`),
      );
    }
    // Any other stream has no declarations to show.
    const other = await auditor.get(`/revisione/stream/campaign-${campaignYear}`);
    expect(other.body).not.toContain('Versioni delle dichiarazioni');
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
    // The company filed it itself: one mail, to the address it gave with the declaration.
    const mailed = await mails(`protocollo ${accepted.protocol}: riaperta`);
    expect(mailed.map((mail) => mail.to_address)).toEqual(['ambiente@example.test']);
    expect(mailed[0]!.text).toContain(
      'Motivo della riapertura: Il dichiarante segnala un errore di lettura.',
    );

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

  it('asks the consultant for an integration, sent as a correction; accepting and then reopening it mails both addresses the reason and lists both steps under that version', async () => {
    const base = baseOf(consulted.contract);
    await recordOutcome(base, {
      esito: 'integrazione-richiesta',
      protocollo: consulted.protocol,
      nota: 'Manca la lettura del contatore di dicembre.',
      entro: '2026-02-05',
    });
    const consultant = await signedIn(ctx, studio);
    const started = await startCorrection(consultant, base, 'Integrazione: lettura di dicembre.');
    expect(started.statusCode, started.body).toBe(303);
    const avanti = await uploadWithVolume(consultant, base, 4100);
    expect(avanti.statusCode, pageText(avanti.body)).toBe(303);
    await sendDeclaration(ctx, consultant, base);
    const [, integrated] = (await protocolsOf(consulted.contract)) as [string, string];

    // The first version keeps the outcome that asked for the correction.
    const corrected = await consultant.get(`${base}/risultato`);
    const first = rowText(corrected.body, consulted.protocol);
    expect(first).toMatch(/^1 /);
    expect(first).toContain('Integrazione richiesta');
    expect(first).not.toContain('sostituita');
    const second = rowText(corrected.body, integrated);
    expect(second).toMatch(/^2 in vigore/);
    expect(second).toContain('Da esaminare');
    // The new version has no outcome of its own yet: nothing earlier to list.
    expect(corrected.body).not.toContain('Esiti precedenti di questa versione');

    await recordOutcome(base, { esito: 'accettata', protocollo: integrated });
    const operator = await signedIn(ctx, operatorLogin);
    const reopenForm = formFor((await operator.get(`${base}/risultato`)).body, 'riapri');
    expect(reopenForm).not.toBeNull();
    const reason = 'La ditta segnala un volume prelevato da pozzo non dichiarato.';
    const reopened = await operator.post(`${base}/riapri`, {
      commandId: reopenForm!.commandId,
      motivo: reason,
      protocollo: integrated,
    });
    expect(reopened.statusCode, reopened.body).toBe(303);
    await settle(ctx);

    const reopening = (await contractEvents(consulted.contract)).filter(
      (each) => each.type === 'DeclarationReopened',
    );
    expect(reopening.map((each) => each.data.notified)).toEqual([
      ['ambiente@example.test', companyPec],
    ]);
    const sent = await mails(`protocollo ${integrated}: riaperta`);
    expect(sent.map((mail) => mail.to_address)).toEqual(['ambiente@example.test', companyPec]);
    for (const mail of sent) {
      expect(mail.subject, mail.to_address).toMatch(/: riaperta$/);
      expect(mail.text, mail.to_address).toContain(`Motivo della riapertura: ${reason}`);
      expect(mail.text, mail.to_address).toContain(`${base}/risultato`);
    }
    expect(await mails(`protocollo ${consulted.protocol}: riaperta`)).toHaveLength(0);

    const page = await consultant.get(`${base}/risultato`);
    expect(sectionText(page.body, 'Esito dell’esame del gestore')).toContain(
      'in attesa di esame da parte del gestore',
    );
    const steps = sectionText(page.body, 'Esiti precedenti di questa versione');
    expect(steps).toMatch(
      /^Accettata registrato da Olga Operatrice il .+ Riaperta da Olga Operatrice il .+ — motivo: /,
    );
    expect(steps).toContain(`motivo: ${reason}`);
    // The integration was asked of the first version, not of this one.
    expect(steps).not.toContain('Integrazione richiesta');
    expect(rowText(page.body, consulted.protocol)).toContain('Integrazione richiesta');
  });

  it('refuses a correction to the consultant who filed once the company has taken the contract back, recording nothing', async () => {
    const { contract, base, consultant, company } = await handOver({
      customerCode: '7007770000',
      contract: '3007770001',
      companyName: 'Tintoria Reno SRL',
      consultant: { username: 'studio.neri', fullName: 'Nora Neri', email: 'neri@example.test' },
      company: {
        username: 'ditta.7007770000',
        password: 'Tintoria-Reno_2026',
        pec: 'reno@pec.example',
      },
    });
    const recorded = (await contractEvents(contract)).length;
    const drafted = await draftTypes(contract);
    const refused = await consultant.post(`${base}/rettifica`, {
      commandId: randomUUID(),
      motivo: 'Volume scaricato da correggere.',
    });
    // It still reads the year it filed, so it is told why: no longer the manager.
    expect(refused.statusCode).toBe(403);
    expect(pageText(refused.body)).toContain(
      'Solo chi gestisce il contratto può rettificarne la dichiarazione.',
    );
    await settle(ctx);
    expect((await contractEvents(contract)).length).toBe(recorded);
    expect(await typesOf(contract)).not.toContain('DeclarationCorrectionStarted');
    expect(await draftTypes(contract)).toEqual(drafted);

    // The company, its manager now, is offered the correction the consultant was refused.
    expect(formFor((await company.get(`${base}/risultato`)).body, 'rettifica')).not.toBeNull();
  });

  it('once the company has corrected the year it took back, the consultant who filed reads only its own version: page, copy, files, re-send and list', async () => {
    const { contract, base, consultant, company } = await handOver({
      customerCode: '8008880000',
      contract: '3008880001',
      companyName: 'Lavanderia Po SRL',
      consultant: {
        username: 'studio.bruni',
        fullName: 'Bruno Bruni',
        email: 'bruni@example.test',
      },
      // INVIA is confirmed with the password sendDeclaration types.
      company: {
        username: 'ditta.8008880000',
        password: 'Segreta-2026',
        pec: 'po@pec.example',
      },
    });
    const reason = 'La ditta rilegge il contatore dello scarico.';
    const started = await startCorrection(company, base, reason);
    expect(started.statusCode, started.body).toBe(303);
    const avanti = await uploadWithVolume(company, base, 4300);
    expect(avanti.statusCode, pageText(avanti.body)).toBe(303);
    await sendDeclaration(ctx, company, base);

    const protocols = await protocolsOf(contract);
    expect(protocols, 'both versions protocolled').toHaveLength(2);
    const [own, correction] = protocols as [string, string];
    const [ownFiles, correctionFiles] = (await contractEvents(contract))
      .filter((each) => each.type === 'DeclarationSubmitted')
      .map((each) =>
        (each.data.files as { sha256: string; filename: string }[]).map((f) => f.sha256),
      );
    const ownWorkbook = ownFiles![0]!;
    const correctionOnly = correctionFiles!.filter((sha) => !ownFiles!.includes(sha));
    expect(correctionOnly).toHaveLength(1);
    const [sentByCompany] = correctionOnly as [string];

    // The consultant: its own version, told that a later one it cannot see is in force.
    const page = await consultant.get(`${base}/risultato`);
    expect(page.statusCode).toBe(200);
    expect(pageText(page.body)).toContain(`Numero di protocollo: ${own} .`);
    expect(pageText(page.body)).toContain(
      'Questa è l’ultima versione che hai inviato. Chi gestisce ora il contratto ha inviato in seguito una rettifica, che non è visibile a te.',
    );
    expect(page.body).not.toContain(correction);
    expect(page.body).not.toContain(reason);
    // Replaced before anyone examined it: no outcome will come for this version.
    expect(sectionText(page.body, 'Esito dell’esame del gestore')).toContain(
      'Questa versione è stata sostituita da una rettifica prima dell’esame',
    );
    expect(pageText(page.body)).not.toContain('in attesa di esame');
    expect(formFor(page.body, 'reinvia')).toBeNull();
    const refreshed = await consultant.get(`${base}/risultato/copia`, { 'HX-Request': 'true' });
    expect(refreshed.statusCode).toBe(200);
    expect(refreshed.body).not.toContain(correction);

    const copy = await consultant.get(`${base}/copia.pdf`);
    expect(copy.statusCode).toBe(200);
    expect(copy.headers['content-disposition']).toContain(
      `dichiarazione-${own.replace('/', '-')}.pdf`,
    );
    const copyText = squeezed(await pdfText(copy.rawPayload));
    expect(copyText).toContain(own);
    expect(copyText).not.toContain(correction);
    const asked = await consultant.get(
      `${base}/copia.pdf?protocollo=${correction.replace('/', '-')}`,
    );
    expect(asked.statusCode).toBe(404);
    expect((await consultant.get(`${base}/file/${sentByCompany}`)).statusCode).toBe(404);
    const workbook = await consultant.get(`${base}/file/${ownWorkbook}`);
    expect(workbook.statusCode).toBe(200);
    expect(workbook.headers['content-disposition']).toContain('dichiarazione.xlsx');

    const recorded = (await contractEvents(contract)).length;
    const resent = await consultant.post(`${base}/reinvia`, {});
    expect(resent.statusCode).toBe(403);
    expect(pageText(resent.body)).toContain('la copia può chiederla solo chi la legge');
    await settle(ctx);
    expect((await contractEvents(contract)).length).toBe(recorded);

    const list = await consultant.get(`/dichiarazioni?anno=${campaignYear}`);
    const listed = rowText(list.body, contract);
    expect(listed).toContain(own);
    expect(listed).toContain('sostituita da una rettifica di chi gestisce ora il contratto');
    expect(listed).not.toContain(correction);
    expect(listed).not.toContain('Da esaminare');

    // The company, which manages the contract now: both versions, and the files of each.
    const companyPage = await company.get(`${base}/risultato`);
    expect(pageText(companyPage.body)).not.toContain('non è visibile a te');
    expect(sectionText(companyPage.body, 'Versioni della dichiarazione')).toContain(own);
    const inForce = rowText(companyPage.body, correction);
    expect(inForce).toContain('in vigore');
    expect(inForce).toContain(reason);
    expect(rowText(companyPage.body, own)).not.toContain('in vigore');
    const companyFile = await company.get(`${base}/file/${sentByCompany}`);
    expect(companyFile.statusCode).toBe(200);
    expect(companyFile.headers['content-disposition']).toContain('dichiarazione-rettificata.xlsx');
    expect((await company.get(`${base}/file/${ownWorkbook}`)).statusCode).toBe(200);
  });
});
