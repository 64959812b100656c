import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  demoObservatoryAdmin,
  demoCollectorDelegate,
  demoOfficerBari,
  demoOfficerTwoMunicipalities,
  demoUnassociated,
  demoWithoutFiscalCode,
} from '../../src/dev/demoIdentities.js';
import {
  fillFlowRow,
  logInWithDigitalIdentity,
  monthToFile,
} from '../support/observatoryJourney.js';
import { tick } from '../support/declarationSteps.js';
import { errorBeside, expectFocusOnSummary, pathOf, usePageStates } from '../support/pageStates.js';

/*
 * Every page state of the portal meets WCAG 2.1 A/AA (see pageStates.e2e.test.ts), continued:
 * the pages a mail's link opens (an invitation, the first access, an unlock, a new address, the
 * reminders), what follows from them up to a closed account, the auditors' pages and the
 * observatory's. A portal and a browser of its own.
 */

const ditta = { username: 'ditta.demo', password: 'Ditta-2026' };
const operator = { username: 'operatore', password: 'Operatore-2026' };
const auditor = { username: 'revisore', password: 'Revisore-2026' };
const contract = '3001234567';
const suffix = Date.now().toString(36);
/** The person the Ditta invites: she joins, is held back, changes address, then leaves. */
const member = {
  fullName: 'Marta Membro',
  username: `marta.${suffix}`,
  email: `marta.${suffix}@example.com`,
  newEmail: `marta.membro.${suffix}@example.com`,
  password: 'Membro-2026',
};
/** The states this file checks, whatever the day it runs (the reminder's depend on it). */
const statesCovered = 55;

describe('every page state of the portal meets WCAG 2.1 A/AA: links, audit, observatory', () => {
  const { url, person, logIn, openMail, check, expectCovered } = usePageStates(
    'accessibility-links-audit-observatory',
  );

  /** The link to the portal in a mail's text, as a path. */
  const linkIn = (mail: string, path: string): string => {
    const found = new RegExp(`${path}\\?\\S+`).exec(mail)?.[0];
    expect(found, `a link to ${path} in:\n${mail}`).toBeDefined();
    return found!;
  };

  /** Logs in with a wrong password and waits for the refusal. */
  async function failLogIn(page: Page, username: string): Promise<void> {
    await page.goto(url('/accesso'));
    await page.getByLabel(/^Nome utente/).fill(username);
    await page.getByLabel(/^Password/).fill('Sbagliata-2026');
    await page.getByRole('button', { name: 'Accedi', exact: true }).click();
    await page.getByText('Nome utente o password non corretti.').waitFor();
  }

  it('a person invited by the Ditta: the invitation and its errors, the link, the welcome', async () => {
    const admin = await person();
    await logIn(admin.page, ditta.username, ditta.password);
    await admin.page.goto(url('/area-riservata/persone'));
    await admin.page.getByRole('button', { name: 'Invia invito' }).click();
    const summary = await expectFocusOnSummary(admin.page);
    expect(await summary.getByRole('listitem').count()).toBe(3);
    await check(admin.page, 'persone, invito con errori');
    const invite = admin.page.locator('form[action="/area-riservata/persone/invita"]');
    await invite.getByLabel(/^Nome e cognome/).fill(member.fullName);
    await invite.getByLabel(/^E-mail/).fill(member.email);
    await invite.getByLabel(/^Ruolo/).selectOption('compilatore');
    await admin.page.getByRole('button', { name: 'Invia invito' }).click();
    await admin.page.waitForURL((u) => u.searchParams.get('esito') === 'invitato');
    await check(admin.page, 'persone, invito inviato');
    await admin.context.close();

    const { context, page } = await person();
    const mail = await openMail(
      page,
      member.email,
      'Dichiara – invito a far parte di Test SRL',
      'invito-persona',
    );
    const link = linkIn(mail, '/accesso/invito');
    await page.goto(url(link));
    await check(page, 'invito in un’organizzazione, vuoto');
    await page.getByRole('button', { name: 'Crea il mio account' }).click();
    await expectFocusOnSummary(page);
    expect(await errorBeside(page.getByLabel(/^Nome utente/))).not.toBe('');
    expect(await errorBeside(page.getByLabel(/^Password/))).not.toBe('');
    await check(page, 'invito in un’organizzazione, con errori');
    await page.getByLabel(/^Nome utente/).fill(member.username);
    await page.getByLabel(/^Password/).fill(member.password);
    await page.getByLabel(/^Conferma password/).fill(member.password);
    await page.getByRole('button', { name: 'Crea il mio account' }).click();
    await page.waitForURL((u) => u.searchParams.get('esito') === 'benvenuto');
    await check(page, 'accesso, account creato');
    expect((await page.goto(url(link)))?.status()).toBe(410);
    await check(page, 'invito in un’organizzazione, già usato');
    await context.close();
  });

  it('the person held back after failed logins: the refusal, the unlock link, unlocked', async () => {
    const { context, page } = await person();
    // Four failures are free, the fifth makes the next attempt wait: this one, right or not.
    for (let attempt = 0; attempt < 5; attempt += 1) await failLogIn(page, member.username);
    await page.getByLabel(/^Password/).fill(member.password);
    await page.getByRole('button', { name: 'Accedi', exact: true }).click();
    await page.getByText(/^Troppi tentativi di accesso con questo nome utente/).waitFor();
    await expectFocusOnSummary(page);
    await check(page, 'accesso, tentativi sospesi');

    const mailTab = await context.newPage();
    const mail = await openMail(
      mailTab,
      member.email,
      'Dichiara – accesso temporaneamente bloccato dopo tentativi non riusciti',
      'sblocco',
    );
    await mailTab.close();
    const link = linkIn(mail, '/accesso/sblocco');
    await page.goto(url(link));
    await check(page, 'sblocca l’accesso');
    await page.getByRole('button', { name: 'Sblocca l’accesso' }).click();
    await page.waitForURL((u) => u.searchParams.get('esito') === 'sbloccato');
    await check(page, 'accesso, sbloccato');
    expect((await page.goto(url(link)))?.status()).toBe(410);
    await check(page, 'sblocca l’accesso, link già usato');
    await logIn(page, member.username, member.password);
    expect(pathOf(page)).toBe('/area-riservata');
    await context.close();
  });

  it('the person: a new address and its link, removal asked, the account closed', async () => {
    const { context, page } = await person();
    await logIn(page, member.username, member.password);
    await page.goto(url('/profilo'));
    const profile = page.locator('form[action="/profilo"]');
    // An invited person gave no phone: the profile asks for one.
    await profile
      .getByLabel(/^Telefono/)
      .first()
      .fill('051 0000002');
    await profile.getByLabel(/^Nuovo indirizzo e-mail/).fill(member.newEmail);
    await profile.getByLabel(/^Conferma nuovo indirizzo e-mail/).fill(member.newEmail);
    await profile.getByLabel(/^Password attuale/).fill(member.password);
    await profile.getByRole('button', { name: 'Invia', exact: true }).click();
    await page.waitForURL((u) => u.searchParams.get('esito') === 'email');
    const mailTab = await context.newPage();
    const mail = await openMail(
      mailTab,
      member.newEmail,
      'Dichiara – conferma il nuovo indirizzo e-mail',
      'nuovo-indirizzo',
    );
    await mailTab.goto(url(linkIn(mail, '/profilo/conferma-email')));
    await check(mailTab, 'conferma del nuovo indirizzo e-mail');
    await mailTab.getByRole('button', { name: 'Conferma il nuovo indirizzo' }).click();
    await mailTab.getByRole('heading', { level: 1, name: 'Indirizzo confermato' }).waitFor();
    await check(mailTab, 'nuovo indirizzo e-mail confermato');
    await mailTab.close();

    // Leaving and removing are asked once more, on a page of their own: only asked here.
    await page.goto(url('/area-riservata/persone'));
    await page.getByRole('link', { name: 'Lascia l’organizzazione' }).click();
    await page.getByRole('heading', { level: 1, name: 'Lascia l’organizzazione' }).waitFor();
    await check(page, 'persone, lascia l’organizzazione');
    const admin = await person();
    await logIn(admin.page, ditta.username, ditta.password);
    await admin.page.goto(url('/area-riservata/persone'));
    await admin.page.getByRole('link', { name: `Rimuovi ${member.fullName}` }).click();
    await admin.page
      .getByRole('heading', { level: 1, name: `Rimuovi ${member.fullName}` })
      .waitFor();
    await check(admin.page, 'persone, rimuovi una persona');
    await admin.context.close();

    await page.goto(url('/profilo'));
    const closing = page.locator('#chiudi-account');
    const closingPassword = closing.getByLabel(/^Password, per confermare la chiusura/);
    const understood = /^Ho capito che l'account non potrà più accedere/;
    await closingPassword.fill('Sbagliata-2026');
    await tick(page, understood);
    await closing.getByRole('button', { name: "Chiudi l'account" }).click();
    await expectFocusOnSummary(page);
    expect(await errorBeside(closingPassword)).not.toBe('');
    await check(page, 'profilo, chiusura dell’account con errori');
    await closingPassword.fill(member.password);
    await tick(page, understood);
    await closing.getByRole('button', { name: "Chiudi l'account" }).click();
    await page.waitForURL(url('/account-chiuso'));
    await check(page, 'account chiuso');
    await context.close();
  });

  it('a company invited by the operator: the invitation sent, the first access and its errors', async () => {
    const pec = `amministrazione.${suffix}@pec.lavanderie.example`;
    const op = await person();
    await logIn(op.page, operator.username, operator.password);
    await op.page.goto(url('/operatori/inviti'));
    // Lavanderie Riunite: in the demo registry, its contract managed by the demo Studio.
    await op.page.getByLabel(/^Codice cliente/).fill('8907654321');
    await op.page.getByLabel(/^PEC aziendale/).fill(pec);
    await op.page.getByRole('button', { name: "Invia l'invito" }).click();
    await op.page
      .getByRole('status')
      .filter({ hasText: `Invito inviato a ${pec}` })
      .waitFor();
    await check(op.page, 'operatore, invito a una ditta inviato');
    await op.context.close();

    const { context, page } = await person();
    const mail = await openMail(
      page,
      pec,
      'Dichiara – invito al portale degli scarichi industriali',
      'invito-ditta',
    );
    const username = /^Nome utente: (\S+)$/m.exec(mail)?.[1];
    const firstPassword = /^Password: (\S+)$/m.exec(mail)?.[1];
    expect(username && firstPassword, mail).toBeTruthy();
    await logIn(page, username!, firstPassword!);
    expect(pathOf(page)).toBe('/primo-accesso');
    await check(page, 'primo accesso, vuoto');
    await page.getByRole('button', { name: 'Salva e continua' }).click();
    await expectFocusOnSummary(page);
    await check(page, 'primo accesso, con errori');
    await page.getByLabel(/^Nuova password/).fill('Lavanderie-2026');
    await page.getByLabel(/^Conferma nuova password/).fill('Lavanderie-2026');
    await page.getByRole('button', { name: 'Salva e continua' }).click();
    await page.waitForURL(url('/area-riservata'));
    await context.close();
  });

  it('the link that stops the optional reminders, if the demo sent a reminder at start', async () => {
    const { context, page } = await person();
    await page.goto(url('/dev/mailbox'));
    const reminders = await page
      .getByRole('row')
      .filter({ hasText: /promemoria|flussi di/ })
      .getByRole('link')
      .evaluateAll((links) => links.map((link) => link.getAttribute('href') ?? ''));
    let stop: string | undefined;
    for (const message of reminders) {
      const body = await (await page.request.get(url(message))).text();
      stop = /\/promemoria\/disattiva\?[^\s"<]+/.exec(body)?.[0].replaceAll('&amp;', '&');
      if (stop) break;
    }
    if (!stop) {
      console.info(
        'No optional reminder in the local mailbox today: /promemoria/disattiva skipped.',
      );
      await context.close();
      return;
    }
    await page.goto(url(stop));
    await check(page, 'promemoria, disattivare?');
    await page.getByRole('button', { name: 'Disattiva i promemoria facoltativi' }).click();
    await page.getByRole('heading', { level: 1, name: 'Promemoria disattivati' }).waitFor();
    await check(page, 'promemoria, disattivati');
    await page.getByRole('button', { name: 'Riattiva i promemoria' }).click();
    await page.getByRole('heading', { level: 1, name: 'Promemoria riattivati' }).waitFor();
    await check(page, 'promemoria, riattivati');
    await context.close();
  });

  it('the auditor: history, a stream, integrity and its verification, export, read models', async () => {
    const { context, page } = await person();
    await logIn(page, auditor.username, auditor.password);
    await page.goto(url('/revisione'));
    await check(page, 'revisione, cronologia');
    const stream = await page.locator('td.text-break a').first().getAttribute('href');
    await page.goto(url(stream!));
    await check(page, 'revisione, flusso');
    await page.goto(url('/revisione/verifica'));
    await check(page, 'revisione, verifica integrità');
    await page.getByRole('button', { name: 'Verifica il flusso' }).click();
    await expectFocusOnSummary(page);
    await check(page, 'revisione, verifica di un flusso senza identificativo');
    await page.getByLabel(/^Identificativo del flusso/).fill(`contract-${contract}`);
    await page.getByRole('button', { name: 'Verifica il flusso' }).click();
    await page.waitForURL((u) => /^\/revisione\/verifica\/[\da-f-]{36}$/.test(u.pathname));
    await check(page, 'revisione, verifica di un flusso');
    await page.goto(url('/revisione/esporta'));
    await check(page, 'revisione, esporta');
    const refused = await page.goto(url('/revisione/esporta/eventi.zip?dal=ieri'));
    expect(refused?.status()).toBe(422);
    await expectFocusOnSummary(page);
    await check(page, 'revisione, esporta con errori');
    await page.goto(url('/revisione/proiezioni'));
    await check(page, 'revisione, proiezioni');
    await page.goto(url('/revisione?dal=ieri'));
    await check(page, 'revisione, ricerca con errori');
    await context.close();
  });

  it('the observatory: home, open data, the officer’s months, identities not let in', async () => {
    const due = monthToFile(new Date());
    const monthPath = `/osservatorio/comune/${due.month}`;
    const visitor = await person();
    await visitor.page.goto(url('/osservatorio'));
    await check(visitor.page, 'osservatorio, home');
    await visitor.page.goto(url('/osservatorio/dati-aperti'));
    await check(visitor.page, 'osservatorio, dati aperti');
    await visitor.context.close();

    const { context, page } = await person();
    await logInWithDigitalIdentity(page, url, demoOfficerBari, (picker) =>
      check(picker, 'spid locale, scelta identità'),
    );
    expect(pathOf(page)).toBe('/osservatorio/comune');
    await check(page, 'osservatorio, cruscotto del comune');
    await page.goto(url(monthPath));
    await check(page, 'osservatorio, mese vuoto');
    const row = page.getByRole('group', { name: 'Riga 1', exact: true });
    await fillFlowRow(row, {
      eerCode: '200301',
      tonnes: '1,2345',
      method: 'porta-a-porta',
      transporter: 'Amiu Puglia S.p.A.',
      plant: 'Impianto TMB di Bari',
      operation: 'D8',
    });
    await page.getByRole('button', { name: 'Invia il mese' }).click();
    await page.getByRole('alert').filter({ hasText: 'Nulla è stato salvato' }).waitFor();
    await expectFocusOnSummary(page);
    await check(page, 'osservatorio, mese con errori');
    await row.getByLabel(/^Quantità/).fill('4230,5');
    await page.getByRole('button', { name: 'Invia il mese' }).click();
    await page.waitForURL(url(`${monthPath}?esito=inviato`));
    await check(page, 'osservatorio, mese inviato');
    await page.getByLabel(/^Motivo della richiesta/).fill('Quantità da correggere.');
    await page.getByRole('button', { name: 'Chiedi lo sblocco' }).click();
    await page.waitForURL(url(`${monthPath}?esito=richiesta`));
    await check(page, 'osservatorio, sblocco richiesto');
    await page.goto(url(`${monthPath}/versioni/1`));
    await check(page, 'osservatorio, versione inviata');
    // The month after this one: not begun yet.
    const [year, month] = due.today.split('-').map(Number) as [number, number];
    const next = new Date(Date.UTC(year, month, 1)).toISOString().slice(0, 7);
    await page.goto(url(`/osservatorio/comune/${next}`));
    await page.getByText(/non è ancora iniziato/).waitFor();
    await check(page, 'osservatorio, mese futuro');
    await context.close();

    const stranger = await person();
    await logInWithDigitalIdentity(stranger.page, url, demoUnassociated, async () => undefined);
    await stranger.page
      .getByRole('heading', { level: 1, name: /non è associata a un comune/ })
      .waitFor();
    await check(stranger.page, 'osservatorio, utenza non associata');
    await stranger.context.close();

    // An identity without a fiscal code (a foreign eID) is refused, with a way back.
    const foreign = await person();
    await foreign.page.goto(url('/osservatorio'));
    await foreign.page.getByRole('link', { name: 'Entra con SPID o CIE' }).click();
    const { givenName, familyName } = demoWithoutFiscalCode;
    await foreign.page
      .getByRole('button', { name: `Entra come ${givenName} ${familyName}` })
      .click();
    await foreign.page.getByRole('heading', { level: 1, name: 'Accesso non riuscito' }).waitFor();
    await check(foreign.page, 'osservatorio, accesso rifiutato');
    await foreign.context.close();
  });

  it('the observatory’s admin: the page, its forms’ errors, a municipality, a version', async () => {
    const { context, page } = await person();
    await logInWithDigitalIdentity(page, url, demoObservatoryAdmin, async () => undefined);
    await check(page, 'osservatorio, amministrazione');
    // Bari's unlock, asked for in the test before, refused without a reason.
    await page.getByRole('button', { name: 'Respingi', exact: true }).first().click();
    await expectFocusOnSummary(page);
    await check(page, 'osservatorio, amministrazione, rifiuto di uno sblocco senza motivo');
    await page.goto(url('/osservatorio/admin'));
    await page.getByRole('button', { name: 'Associa', exact: true }).click();
    const assignErrors = await expectFocusOnSummary(page);
    expect(await assignErrors.getByRole('listitem').count()).toBeGreaterThanOrEqual(2);
    await check(page, 'osservatorio, amministrazione, associazione con errori');
    await page.goto(url('/osservatorio/admin'));
    await page.getByLabel(/^Codice fiscale del nuovo amministratore/).fill('NON-UN-CODICE');
    await page.getByRole('button', { name: 'Aggiungi amministratore' }).click();
    await expectFocusOnSummary(page);
    expect(await errorBeside(page.getByLabel(/^Codice fiscale del nuovo amministratore/))).toBe(
      'Codice fiscale non valido.',
    );
    await check(page, 'osservatorio, amministrazione, nuovo amministratore con errori');

    await page.goto(url('/osservatorio/admin'));
    await page.getByRole('link', { name: 'Bari', exact: true }).first().click();
    await page.waitForLoadState('load');
    await check(page, 'osservatorio, storia di un comune');
    await page
      .getByRole('link', { name: /^vedi le righe della versione inviata/ })
      .first()
      .click();
    await page.waitForURL((u) => /\/versioni\/\d+$/.test(u.pathname));
    await check(page, 'osservatorio, amministrazione, versione di un mese');

    await page.goto(url('/osservatorio/admin'));
    await page.getByRole('link', { name: 'Validazione annuale', exact: true }).click();
    await page.waitForURL((u) => u.pathname === '/osservatorio/admin/validazione');
    await check(page, 'osservatorio, validazione annuale');
    await context.close();
  });

  // Pages another change is reworking or adding: checked last.
  it('the observatory’s people of several municipalities: the choice, delegations, a delegate', async () => {
    const anna = await person();
    await logInWithDigitalIdentity(
      anna.page,
      url,
      demoOfficerTwoMunicipalities,
      async () => undefined,
    );
    await anna.page.getByRole('heading', { level: 1, name: 'Scegli il comune' }).waitFor();
    await check(anna.page, 'osservatorio, scelta del comune');
    await anna.page.getByRole('button', { name: 'Opera per Gravina in Puglia' }).click();
    await anna.page.waitForURL(url('/osservatorio/comune'));
    await anna.page.getByRole('link', { name: 'Cambia comune' }).waitFor();
    await check(anna.page, 'osservatorio, cruscotto di uno tra più comuni');
    await anna.page.getByRole('link', { name: 'Deleghe al gestore della raccolta' }).click();
    await anna.page
      .getByRole('heading', { level: 1, name: 'Deleghe al gestore della raccolta' })
      .waitFor();
    await check(anna.page, 'osservatorio, deleghe');
    await anna.page.getByRole('button', { name: 'Delega', exact: true }).click();
    await expectFocusOnSummary(anna.page);
    await check(anna.page, 'osservatorio, deleghe con errori');
    await anna.context.close();

    const paolo = await person();
    await logInWithDigitalIdentity(paolo.page, url, demoCollectorDelegate, async () => undefined);
    await paolo.page.getByText('come delegato alla compilazione').waitFor();
    await check(paolo.page, 'osservatorio, cruscotto del delegato');
    await paolo.context.close();

    const admin = await person();
    await logInWithDigitalIdentity(admin.page, url, demoObservatoryAdmin, async () => undefined);
    await admin.page.getByRole('button', { name: 'Autorizza il secondo utente' }).click();
    await expectFocusOnSummary(admin.page);
    await check(admin.page, 'osservatorio, amministrazione, secondo utente con errori');
    await admin.context.close();
  });

  it('the auditor’s state at a date and its errors, the accessibility statement', async () => {
    const { context, page } = await person();
    await page.goto(url('/accessibilita'));
    await check(page, 'dichiarazione di accessibilità');
    await logIn(page, auditor.username, auditor.password);
    await page.goto(url('/revisione'));
    const streams = new Set(
      await page
        .locator('td.text-break a')
        .evaluateAll((links) => links.map((link) => link.getAttribute('href') ?? '')),
    );
    const state = page.getByRole('link', { name: /^Stato a una data/ });
    for (const stream of streams) {
      await page.goto(url(stream));
      if ((await state.count()) > 0) break;
    }
    await state.first().click();
    await page.waitForURL((u) => u.pathname.endsWith('/stato'));
    await check(page, 'revisione, stato a una data');
    const version = page.getByLabel(/^Versione \(da 0 a \d+\)/);
    const lastVersion = Number(await version.getAttribute('max'));
    await version.fill(String(lastVersion + 1));
    await version.press('Enter');
    await expectFocusOnSummary(page);
    expect(await errorBeside(version)).toBe(`Il flusso arriva alla versione ${lastVersion}.`);
    await check(page, 'revisione, stato a una versione che non c’è');
    await context.close();
  });

  it(`covers at least ${statesCovered} page states, without page errors`, () => {
    // The refusals this file asks for: the login held back after failures (429), the links
    // followed a second time (410), the identity without a fiscal code (403).
    expectCovered(statesCovered, [
      /\/osservatorio\/callback\?.*: Failed to load resource: .* status of 403/,
      /\/accesso\/(invito|sblocco)\?.*: Failed to load resource: .* status of 410/,
      /\/accesso: Response Status Error Code 429 from \/accesso/,
      /\/accesso: Failed to load resource: the server responded with a status of 429/,
    ]);
  });
});
