import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlCharactersMessage } from '../../src/platform/http/text.js';
import { createStaffAccount, systemContext } from '../../src/accounts/staffAccounts.js';
import { registerAndApprove, registrationFields, seedRegistry } from '../support/accounts.js';
import { TestClient } from '../support/client.js';
import {
  campaignYear,
  commandIdOf,
  fileDeclaration,
  inviteCompanyByPec,
  openCampaign,
  outboxMails,
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

/**
 * The utility's review of a filed declaration, as the operator records it and as the declarant
 * and the company hear of it: on the result page, in their list, by e-mail, on the campaign
 * dashboard and in its CSV.
 */
describe.each(backends())('%s: the utility reviews a filed declaration', (backend) => {
  let ctx: TestApp;
  const studio = { username: 'studio.verdi', password: 'Segreta-2026' };
  const ditta = { username: 'lavanderia.sole', password: 'Segreta-2026' };
  const auditor = { username: 'aldo', password: 'Revisore-2026' };
  const invitedCompanyLogin = { username: 'ditta.2002220000', password: 'Tintoria-Savena_2026' };
  // Filed by the consultant for Tintoria Savena, which the operator then invites.
  const consulted = { contract: '3002220001', protocol: `${campaignYear}/000001` };
  const consultedBase = `/dichiarazioni/${campaignYear}/${consulted.contract}`;
  const studioNotice = 'pratiche@studio.example';
  const companyPec = 'tintoria@pec.example';
  // Filed by the company itself, with a notification address other than its account's.
  const selfFiled = { contract: '3004441234', protocol: `${campaignYear}/000002` };
  const selfBase = `/dichiarazioni/${campaignYear}/${selfFiled.contract}`;
  const selfNotice = 'ambiente@lavanderia.example';
  const selfAccountEmail = 'sole@lavanderia.example';

  const reviews = async (contract: string) =>
    (await ctx.store.readStream(`contract-${contract}`)).events.filter(
      (event) => event.type === 'DeclarationReviewed',
    );
  const streamLength = async (contract: string) =>
    (await ctx.store.readStream(`contract-${contract}`)).events.length;
  const mails = (subjectPart: string) => outboxMails(ctx, subjectPart);
  const mailCount = async () =>
    Number(
      (
        await ctx.test.database.db
          .selectFrom('mail_outbox')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  /** The commandId of the «Registra l’esito» form, as the page hands it out. */
  const reviewForm = (page: string) => {
    const form = /<form method="post" action="[^"]+\/esito"[\s\S]*?<\/form>/.exec(page)?.[0];
    return form ? { commandId: commandIdOf(form) } : null;
  };
  /** The outcome radios: the error the fieldset is described by, and each radio marked invalid. */
  const outcomeError = (page: string) => {
    const fieldset =
      /<fieldset([^>]*)>\s*<legend[^>]*>Registra l’esito<\/legend>([\s\S]*?)<\/fieldset>/.exec(
        page,
      );
    if (!fieldset) throw new Error('No «Registra l’esito» fieldset on the page');
    const errorId = /aria-describedby="([^"]+)"/.exec(fieldset[1]!)?.[1];
    const radios = [...fieldset[2]!.matchAll(/<input[^>]*type="radio"[^>]*>/g)].map((m) => m[0]);
    const message = errorId
      ? pageText(new RegExp(`<div id="${errorId}"[^>]*>([\\s\\S]*?)</div>`).exec(page)?.[1] ?? '')
      : null;
    return {
      message,
      radios: radios.length,
      invalidRadios: radios.filter((radio) => radio.includes('aria-invalid="true"')).length,
    };
  };
  const reviewSection = (page: string) => sectionText(page, 'Esito dell’esame del gestore');

  beforeAll(async () => {
    // 23:30 UTC on 20 January is already the 21st in Rome: "today" for the due date is the 21st.
    ctx = await startTestApp({ backend, now: () => new Date('2026-01-20T23:30:00Z') });
    await createOperator(ctx);
    await createStaffAccount(
      ctx.store,
      { role: 'auditor', ...auditor, fullName: 'Aldo Revisore', email: 'aldo@gestore.example' },
      systemContext(new Date()),
    );
    await seedRegistry(ctx.test.database.db, [
      ['2002220000', consulted.contract, 'Tintoria Savena SRL'],
      ['4441234567', selfFiled.contract, 'Lavanderia Sole SRL'],
    ]);
    await registerAndApprove(
      ctx,
      'studio',
      registrationFields({ ...studio, fullName: 'Vera Verdi', email: 'verdi@studio.example' }, [
        { customerCode: '2002220000', contracts: [consulted.contract] },
      ]),
    );
    await registerAndApprove(
      ctx,
      'ditta',
      registrationFields({ ...ditta, fullName: 'Sole Bianchi', email: selfAccountEmail }, [
        { customerCode: '4441234567', contracts: [selfFiled.contract] },
      ]),
    );
    await openCampaign(ctx);
    await fileDeclaration(ctx, await signedIn(ctx, studio), consultedBase, studioNotice);
    await fileDeclaration(ctx, await signedIn(ctx, ditta), selfBase, selfNotice);
    await inviteCompanyByPec(ctx, {
      customerCode: '2002220000',
      pec: companyPec,
      ...invitedCompanyLogin,
    });
  });
  afterAll(async () => ctx.close());

  it('records «Integrazione richiesta»: the declarant sees it on the result page and in the list, the notification address and the company each get one mail', async () => {
    const consultant = await signedIn(ctx, studio);
    const before = await consultant.get(`${consultedBase}/risultato`);
    expect(before.statusCode).toBe(200);
    expect(reviewSection(before.body)).toContain('in attesa di esame da parte del gestore');
    expect(reviewForm(before.body)).toBeNull();

    const operator = await signedIn(ctx, operatorLogin);
    const page = await operator.get(`${consultedBase}/risultato`);
    expect(reviewSection(page.body)).toContain('in attesa di esame');
    const form = reviewForm(page.body);
    expect(form?.commandId).toMatch(/^[\w-]{8,}$/);
    const fields = {
      commandId: form!.commandId,
      esito: 'integrazione-richiesta',
      nota: 'Manca il rapporto di prova del campione di ottobre.',
      entro: '2026-02-05',
    };
    const recorded = await operator.post(`${consultedBase}/esito`, fields);
    expect(recorded.statusCode, recorded.body).toBe(303);
    expect(recorded.headers.location).toBe(`${consultedBase}/risultato?esito=esame-registrato`);
    // A double click posts the same form again: still one outcome.
    const again = await operator.post(`${consultedBase}/esito`, fields);
    expect(again.statusCode).toBe(303);
    const [review, ...more] = await reviews(consulted.contract);
    expect(more).toHaveLength(0);
    expect(review).toMatchObject({
      data: {
        year: campaignYear,
        protocolNumber: consulted.protocol,
        outcome: 'integrazione-richiesta',
        note: 'Manca il rapporto di prova del campione di ottobre.',
        dueBy: '2026-02-05',
        reviewedBy: { name: 'Olga Operatrice' },
        notified: [studioNotice, companyPec],
      },
      metadata: { actor: { role: 'operator' } },
    });

    const notice = await operator.get(recorded.headers.location as string);
    expect(pageText(notice.body)).toContain(
      'Esito registrato: il dichiarante è stato avvisato per e-mail.',
    );
    // An integration leaves the review open: the operator may still record the final outcome.
    expect(reviewForm(notice.body)).not.toBeNull();

    const result = reviewSection((await consultant.get(`${consultedBase}/risultato`)).body);
    expect(result).toContain('Integrazione richiesta entro il 05/02/2026');
    expect(result).toContain('registrato da Olga Operatrice');
    expect(result).toContain(
      'Nota del gestore: Manca il rapporto di prova del campione di ottobre.',
    );
    expect(result).not.toContain('in attesa di esame');
    const resultPage = await consultant.get(`${consultedBase}/risultato`);
    expect(reviewForm(resultPage.body)).toBeNull();
    expect(pageText(resultPage.body)).not.toContain('Esito registrato');
    const list = await consultant.get(`/dichiarazioni?anno=${campaignYear}`);
    expect(rowText(list.body, consulted.protocol)).toContain(
      'Integrazione richiesta entro il 05/02/2026',
    );
    const company = await signedIn(ctx, invitedCompanyLogin);
    expect(reviewSection((await company.get(`${consultedBase}/risultato`)).body)).toContain(
      'Integrazione richiesta entro il 05/02/2026',
    );

    await settle(ctx);
    const sent = await mails(`protocollo ${consulted.protocol}: integrazione richiesta`);
    expect(sent.map((mail) => mail.to_address)).toEqual([companyPec, studioNotice].sort());
    for (const mail of sent) {
      expect(mail.text, mail.to_address).toContain(
        `la dichiarazione degli scarichi industriali ${campaignYear} del contratto ${consulted.contract} (protocollo ${consulted.protocol}) richiede un’integrazione`,
      );
      expect(mail.text, mail.to_address).toContain(
        'Nota del gestore: Manca il rapporto di prova del campione di ottobre.',
      );
      expect(mail.text, mail.to_address).toContain('entro il 05/02/2026');
      expect(mail.text, mail.to_address).toContain(`${consultedBase}/risultato`);
    }
  });

  it('then accepts: the form disappears, an outcome from a page opened before is refused as a conflict, and nothing more is recorded or mailed', async () => {
    const operator = await signedIn(ctx, operatorLogin);
    // Two tabs on the same declaration, each with its own form.
    const first = reviewForm((await operator.get(`${consultedBase}/risultato`)).body);
    const second = reviewForm((await operator.get(`${consultedBase}/risultato`)).body);
    expect(first && second && first.commandId !== second.commandId).toBe(true);

    const accepted = await operator.post(`${consultedBase}/esito`, {
      commandId: first!.commandId,
      esito: 'accettata',
      nota: 'Documentazione completa.',
      entro: '',
    });
    expect(accepted.statusCode, accepted.body).toBe(303);
    const page = await operator.get(accepted.headers.location as string);
    expect(reviewSection(page.body)).toContain('Accettata');
    expect(reviewSection(page.body)).not.toContain('entro il 05/02/2026');
    expect(reviewSection(page.body)).toContain('Nota del gestore: Documentazione completa.');
    expect(reviewForm(page.body)).toBeNull();
    expect(page.body).not.toContain('Registra l’esito');

    await settle(ctx);
    const recorded = await streamLength(consulted.contract);
    const mailed = await mailCount();
    const refused = await operator.post(`${consultedBase}/esito`, {
      commandId: second!.commandId,
      esito: 'respinta',
      nota: 'Ripensamento.',
      entro: '',
    });
    expect(refused.statusCode).toBe(409);
    expect(pageText(refused.body)).toContain('La dichiarazione ha già l’esito «Accettata».');
    await settle(ctx);
    expect(await streamLength(consulted.contract)).toBe(recorded);
    expect(await mailCount()).toBe(mailed);
    expect((await reviews(consulted.contract)).map((event) => event.data.outcome)).toEqual([
      'integrazione-richiesta',
      'accettata',
    ]);

    const sent = await mails(`protocollo ${consulted.protocol}: accettata`);
    expect(sent.map((mail) => mail.to_address)).toEqual([companyPec, studioNotice].sort());
    expect(sent[0]!.text).toContain('è stata accettata');
    expect(await mails(`protocollo ${consulted.protocol}: respinta`)).toHaveLength(0);

    const consultant = await signedIn(ctx, studio);
    const list = await consultant.get(`/dichiarazioni?anno=${campaignYear}`);
    expect(rowText(list.body, consulted.protocol)).toContain('Accettata');
    expect(rowText(list.body, consulted.protocol)).not.toContain('Integrazione richiesta');
    const company = await signedIn(ctx, invitedCompanyLogin);
    const history = pageText((await company.get(`/contratti/${consulted.contract}/storia`)).body);
    expect(history).toContain(
      'esito «Integrazione richiesta» (entro il 05/02/2026) registrato da Olga Operatrice: Manca il rapporto di prova del campione di ottobre.',
    );
    expect(history).toContain('esito «Accettata» registrato da Olga Operatrice');
  });

  it('shows the operators what is left to review, filters by outcome, and exports the outcome in the CSV', async () => {
    const operator = await signedIn(ctx, operatorLogin);
    const campaignUrl = `/operatori/campagne/${campaignYear}`;
    const all = await operator.get(campaignUrl);
    expect(all.statusCode).toBe(200);
    expect(pageText(all.body)).toContain('1 da esaminare');
    const waiting = rowText(all.body, selfFiled.contract);
    expect(waiting).toContain('Da esaminare');
    expect(waiting).toContain('Esamina');
    expect(all.body).toContain(`href="${selfBase}/risultato"`);
    const reviewed = rowText(all.body, consulted.contract);
    expect(reviewed).toContain('Accettata');
    expect(reviewed).toContain('Apri');
    expect(reviewed).not.toContain('Esamina');

    const toReview = await operator.get(`${campaignUrl}?stato=da-esaminare`);
    expect(toReview.statusCode).toBe(200);
    expect(pageText(toReview.body)).toContain(selfFiled.contract);
    expect(pageText(toReview.body)).not.toContain(consulted.contract);
    const accepted = await operator.get(`${campaignUrl}?stato=accettate`);
    expect(pageText(accepted.body)).toContain(consulted.contract);
    expect(pageText(accepted.body)).not.toContain(selfFiled.contract);
    const integrations = await operator.get(`${campaignUrl}?stato=integrazione-richiesta`);
    expect(pageText(integrations.body)).not.toContain(consulted.contract);
    expect(pageText(integrations.body)).not.toContain(selfFiled.contract);

    const csvRows = async (query: string) => {
      const csv = await operator.get(`${campaignUrl}/dichiarazioni.csv${query}`);
      expect(csv.statusCode).toBe(200);
      return parse<Record<string, string>>(csv.body, { bom: true, columns: true, delimiter: ';' });
    };
    const rows = await csvRows('');
    expect(rows.find((row) => row.contratto === consulted.contract)).toMatchObject({
      esito: 'Accettata',
      nota_esito: 'Documentazione completa.',
      integrare_entro: '',
      esito_registrato_il: '2026-01-20T23:30:00.000Z',
    });
    expect(rows.find((row) => row.contratto === selfFiled.contract)).toMatchObject({
      esito: 'da esaminare',
      nota_esito: '',
      integrare_entro: '',
      esito_registrato_il: '',
    });
    const toReviewRows = await csvRows('?stato=da-esaminare');
    expect(toReviewRows.map((row) => row.contratto)).toEqual([selfFiled.contract]);
  });

  it('refuses an incomplete outcome with 422, the message beside the field, and records nothing', async () => {
    const operator = await signedIn(ctx, operatorLogin);
    const form = reviewForm((await operator.get(`${selfBase}/risultato`)).body)!;
    const recorded = await streamLength(selfFiled.contract);
    const post = (fields: Record<string, string>) =>
      operator.post(`${selfBase}/esito`, {
        commandId: form.commandId,
        nota: '',
        entro: '',
        ...fields,
      });

    const noOutcome = await post({});
    expect(noOutcome.statusCode).toBe(422);
    expect(outcomeError(noOutcome.body)).toEqual({
      message: 'Scegli l’esito dell’esame.',
      radios: 3,
      invalidRadios: 3,
    });
    expect(fieldError(noOutcome.body, 'Nota per il dichiarante')).toBeNull();

    const unexplained = await post({ esito: 'respinta' });
    expect(unexplained.statusCode).toBe(422);
    expect(fieldError(unexplained.body, 'Nota per il dichiarante')).toBe(
      'Indica il motivo per cui la dichiarazione è respinta.',
    );
    expect(fieldError(unexplained.body, 'Integrazione entro il')).toBeNull();
    expect(outcomeError(unexplained.body).invalidRadios).toBe(0);
    // What was chosen stays chosen.
    expect(unexplained.body).toMatch(/<input[^>]*id="esito-respinta"[^>]*checked/);

    const unsaid = await post({ esito: 'integrazione-richiesta', entro: '2026-02-05' });
    expect(unsaid.statusCode).toBe(422);
    expect(fieldError(unsaid.body, 'Nota per il dichiarante')).toBe(
      'Indica che cosa deve essere integrato.',
    );
    expect(fieldError(unsaid.body, 'Integrazione entro il')).toBeNull();

    const undated = await post({ esito: 'integrazione-richiesta', nota: 'Manca la planimetria.' });
    expect(undated.statusCode).toBe(422);
    expect(fieldError(undated.body, 'Integrazione entro il')).toBe(
      'Indica la data entro cui integrare.',
    );
    expect(fieldError(undated.body, 'Nota per il dichiarante')).toBeNull();
    expect(undated.body).toContain('>Manca la planimetria.</textarea>');

    // Neither the note nor the date: both said at once, in the focused summary too.
    const neither = await post({ esito: 'integrazione-richiesta' });
    expect(neither.statusCode).toBe(422);
    expect(fieldError(neither.body, 'Nota per il dichiarante')).toBe(
      'Indica che cosa deve essere integrato.',
    );
    expect(fieldError(neither.body, 'Integrazione entro il')).toBe(
      'Indica la data entro cui integrare.',
    );
    expect(pageText(neither.body)).toContain('Ci sono 2 campi da correggere');

    // Today in Rome is the 21st (the clock says 23:30 UTC on the 20th).
    for (const today of ['2026-01-21', '2026-01-20']) {
      const due = await post({
        esito: 'integrazione-richiesta',
        nota: 'Manca la planimetria.',
        entro: today,
      });
      expect(due.statusCode, today).toBe(422);
      expect(fieldError(due.body, 'Integrazione entro il'), today).toBe(
        'La data entro cui integrare deve essere successiva a oggi.',
      );
    }
    const nonsense = await post({
      esito: 'integrazione-richiesta',
      nota: 'x',
      entro: '31/02/2026',
    });
    expect(nonsense.statusCode).toBe(422);
    expect(fieldError(nonsense.body, 'Integrazione entro il')).toBe('Indica una data valida.');

    // A note the field cannot take is refused beside it, never dropped.
    const tooLong = await post({ esito: 'accettata', nota: 'x'.repeat(2001) });
    expect(tooLong.statusCode).toBe(422);
    expect(fieldError(tooLong.body, 'Nota per il dichiarante')).toMatch(/2000 caratteri/);
    const hidden = await post({ esito: 'respinta', nota: 'Campione\u000Bnon valido' });
    expect(hidden.statusCode).toBe(422);
    expect(fieldError(hidden.body, 'Nota per il dichiarante')).toBe(controlCharactersMessage);

    expect(await reviews(selfFiled.contract)).toHaveLength(0);
    expect(await streamLength(selfFiled.contract)).toBe(recorded);
  });

  it('lets only operators record an outcome: the declarants, the company and an auditor get 403, a post without CSRF token is refused', async () => {
    const recorded = await streamLength(selfFiled.contract);
    const fields = { esito: 'accettata', nota: '', entro: '' };
    const people = [
      ['the company that filed', ditta, selfBase],
      ['the consultant who filed', studio, consultedBase],
      ['the company a consultant filed for', invitedCompanyLogin, consultedBase],
      ['an auditor', auditor, selfBase],
    ] as const;
    for (const [who, login, base] of people) {
      const client = await signedIn(ctx, login);
      const page = await client.get(`${base}/risultato`);
      expect(page.statusCode, who).toBe(200);
      expect(reviewForm(page.body), who).toBeNull();
      const posted = await client.post(`${base}/esito`, { commandId: randomUUID(), ...fields });
      expect(posted.statusCode, who).toBe(403);
    }
    const outsider = await new TestClient(ctx.app).post(`${selfBase}/esito`, fields);
    expect(outsider.statusCode).toBe(303);
    expect(outsider.headers.location).toMatch(/^\/accesso\?dopo=/);

    // The operator's own session and a valid form, but no token: a post made from another site.
    const operator = await signedIn(ctx, operatorLogin);
    const form = reviewForm((await operator.get(`${selfBase}/risultato`)).body)!;
    const session = operator.cookie('dichiara-session');
    const csrfSecret = operator.cookie('dichiara-csrf');
    expect(session && csrfSecret).toBeTruthy();
    const tokenless = await ctx.app.inject({
      method: 'POST',
      url: `${selfBase}/esito`,
      payload: new URLSearchParams({ commandId: form.commandId, ...fields }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      cookies: { 'dichiara-session': session!, 'dichiara-csrf': csrfSecret! },
    });
    expect(tokenless.statusCode).toBe(403);
    expect(pageText(tokenless.body)).toContain('Il modulo è scaduto');
    const forged = await operator.post(`${selfBase}/esito`, {
      _csrf: 'not-the-token',
      commandId: form.commandId,
      ...fields,
    });
    expect(forged.statusCode).toBe(403);

    await settle(ctx);
    expect(await reviews(selfFiled.contract)).toHaveLength(0);
    expect(await streamLength(selfFiled.contract)).toBe(recorded);
    expect(await reviews(consulted.contract)).toHaveLength(2);
  });

  it('mails a company that filed itself once, at the address it gave, and counts nothing left to review', async () => {
    const operator = await signedIn(ctx, operatorLogin);
    const form = reviewForm((await operator.get(`${selfBase}/risultato`)).body)!;
    const otherTab = reviewForm((await operator.get(`${selfBase}/risultato`)).body)!;
    const rejected = await operator.post(`${selfBase}/esito`, {
      commandId: form.commandId,
      esito: 'respinta',
      nota: 'Il campione non è rappresentativo dello scarico.',
      entro: '2026-03-01',
    });
    expect(rejected.statusCode, rejected.body).toBe(303);
    const [review, ...more] = await reviews(selfFiled.contract);
    expect(more).toHaveLength(0);
    expect(review!.data).toMatchObject({
      outcome: 'respinta',
      dueBy: null,
      notified: [selfNotice],
    });
    await settle(ctx);
    const sent = await mails(`protocollo ${selfFiled.protocol}: respinta`);
    expect(sent.map((mail) => mail.to_address)).toEqual([selfNotice]);
    expect(sent[0]!.text).toContain('è stata respinta');
    expect(sent[0]!.text).toContain(
      'Nota del gestore: Il campione non è rappresentativo dello scarico.',
    );
    expect(sent[0]!.text).not.toContain('entro il');
    expect(
      await ctx.test.database.db
        .selectFrom('mail_outbox')
        .select('subject')
        .where('to_address', '=', selfAccountEmail)
        .where('subject', 'like', '%respinta%')
        .execute(),
    ).toHaveLength(0);

    const company = await signedIn(ctx, ditta);
    const result = await company.get(`${selfBase}/risultato`);
    expect(reviewSection(result.body)).toContain('Respinta');
    expect(reviewSection(result.body)).toContain(
      'Nota del gestore: Il campione non è rappresentativo dello scarico.',
    );
    expect(reviewForm((await operator.get(`${selfBase}/risultato`)).body)).toBeNull();
    const late = await operator.post(`${selfBase}/esito`, {
      commandId: otherTab.commandId,
      esito: 'accettata',
      nota: '',
      entro: '',
    });
    expect(late.statusCode).toBe(409);
    expect(pageText(late.body)).toContain('La dichiarazione ha già l’esito «Respinta».');
    expect(await reviews(selfFiled.contract)).toHaveLength(1);
    const campaign = await operator.get(`/operatori/campagne/${campaignYear}`);
    expect(pageText(campaign.body)).toContain('0 da esaminare');
    const rejectedOnes = await operator.get(`/operatori/campagne/${campaignYear}?stato=respinte`);
    expect(pageText(rejectedOnes.body)).toContain(selfFiled.contract);
    expect(pageText(rejectedOnes.body)).not.toContain(consulted.contract);
  });
});
