import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInStream } from '../../domain/accounts/signIns.js';
import {
  certificationVersion,
  type Certification,
} from '../../domain/declarations/certification.js';
import {
  certifiedSending,
  registerAndApprove,
  registrationFields,
  seedRegistry,
} from '../support/accounts.js';
import { TestClient } from '../support/client.js';
import { commandIdOf, filledTemplate, openCampaign } from '../support/declarations.js';
import {
  createOperator,
  settle,
  signedIn,
  startTestApp,
  type TestApp,
} from '../support/testApp.js';
import { backends } from '../support/testDatabase.js';
import { pdfText, squeezed } from './pdf/pdfText.js';
import { sectionText } from '../observatory/pageText.js';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const unescaped = (html: string) =>
  html.replaceAll('&#39;', "'").replaceAll('&quot;', '"').replaceAll('&amp;', '&');

/**
 * The control a label names, as a person (or a screen reader) finds it: the input, its value,
 * whether it is marked invalid, and the message it is described by, shown beside it.
 */
function field(html: string, label: string) {
  const id = new RegExp(`<label for="([^"]+)"[^>]*>\\s*${escapeRegExp(label)}`).exec(html)?.[1];
  if (!id) throw new Error(`No field labelled «${label}»`);
  const input = new RegExp(`<input id="${id}"[^>]*>`).exec(html)?.[0];
  if (!input) throw new Error(`No input #${id}`);
  const attribute = (name: string) => new RegExp(` ${name}="([^"]*)"`).exec(input)?.[1];
  const describedBy = (attribute('aria-describedby') ?? '').split(' ');
  // The message counts only if the control is described by it: shown, and read, beside it.
  const errorId = `${id}-error`;
  const error = describedBy.includes(errorId)
    ? (new RegExp(`<div id="${errorId}"[^>]*>([^<]*)</div>`).exec(html)?.[1] ?? '')
    : null;
  return {
    name: attribute('name'),
    type: attribute('type'),
    value: attribute('value'),
    checked: / checked[ >]/.test(input),
    invalid: attribute('aria-invalid') === 'true',
    error: error === null ? null : unescaped(error.trim()),
  };
}

/** The certification as the event stores it: JSON, hence a type literal rather than the interface. */
type RecordedCertification = Pick<Certification, keyof Certification>;

const legalRepresentativeLabel = 'Legale rappresentante della ditta (nome e cognome)';
const certifyLabel = 'Rendo la dichiarazione sostitutiva qui sopra';
const passwordLabel = 'Password del tuo account';
const sectionTitle = 'Dichiarazione sostitutiva (artt. 46 e 47 del D.P.R. 445/2000)';

/** The self-declaration's wording as the page shows it, in its blockquote. */
const shownText = (html: string) =>
  unescaped(
    /<blockquote id="testo-dichiarazione"[^>]*>\s*<p[^>]*>([^<]*)<\/p>/.exec(html)?.[1] ?? '',
  );

/**
 * November 2026: the 2025 campaign is past its deadline (still open, late) and the 2026 one on
 * time, so a second year follows the first. A company files for itself; a consultant (studio)
 * files on behalf of another; a third account is held back by the login limits.
 */
describe.each(backends())('%s: the self-declaration made at INVIA', (backend) => {
  let ctx: TestApp;
  const ditta = { username: 'conceria.santerno', password: 'Segreta-2026' };
  const studio = { username: 'studio.verdi', password: 'Studio-Verdi-2026' };
  const guessed = { username: 'officine.reno', password: 'Officine-Reno-2026' };
  const companies = {
    conceria: { number: '3007771234', name: 'Conceria Santerno SPA' },
    cartiera: { number: '3002220001', name: 'Cartiera Verdi SRL' },
    officine: { number: '3005557654', name: 'Officine Reno SRL' },
  };
  const accountIds: Record<'ditta' | 'studio' | 'guessed', string> = {
    ditta: '',
    studio: '',
    guessed: '',
  };
  const base = (contract: string, year = 2025) => `/dichiarazioni/${year}/${contract}`;

  const events = async (streamId: string) => (await ctx.store.readStream(streamId)).events;
  const submissions = async (contract: string) =>
    (await events(`contract-${contract}`)).filter((event) => event.type === 'DeclarationSubmitted');
  const failedSignIns = async (accountId: string) =>
    (await events(signInStream.id(accountId))).filter((event) => event.type === 'SignInFailed');

  /** AVANTI with a filled declaration workbook: the "Validazione" page, with INVIA. */
  async function validationPage(client: TestClient, contract: string, year = 2025) {
    const url = base(contract, year);
    await client.get(url);
    const uploaded = await client.postMultipart(
      url,
      { visionato: 'si', 'email-notifica': 'ambiente@example.com' },
      {
        dichiarazione: {
          filename: `dichiarazione-${year}.xlsx`,
          content: await filledTemplate(client, url, 'dichiarazione'),
        },
      },
    );
    expect(uploaded.statusCode, uploaded.body).toBe(303);
    expect(uploaded.headers.location).toBe(`${url}/validazione`);
    const page = await client.get(`${url}/validazione`);
    expect(page.statusCode).toBe(200);
    return page.body;
  }

  beforeAll(async () => {
    ctx = await startTestApp({ backend, now: () => new Date('2026-11-20T09:30:00Z') });
    await createOperator(ctx);
    await seedRegistry(ctx.test.database.db, [
      ['7771234567', companies.conceria.number, companies.conceria.name],
      ['1002220000', companies.cartiera.number, companies.cartiera.name],
      ['5557654321', companies.officine.number, companies.officine.name],
    ]);
    const register = (
      kind: 'ditta' | 'studio',
      login: { username: string; password: string },
      person: { fullName: string; email: string },
      company: { number: string; name: string },
      customerCode: string,
    ) =>
      registerAndApprove(
        ctx,
        kind,
        registrationFields({ ...login, ...person, 'companies[0][name]': company.name }, [
          { customerCode, contracts: [company.number] },
        ]),
      );
    accountIds.ditta = await register(
      'ditta',
      ditta,
      { fullName: 'Carla Santerno', email: 'carla@conceria.example' },
      companies.conceria,
      '7771234567',
    );
    accountIds.studio = await register(
      'studio',
      studio,
      { fullName: 'Vera Verdi', email: 'verdi@studio.example' },
      companies.cartiera,
      '1002220000',
    );
    accountIds.guessed = await register(
      'ditta',
      guessed,
      { fullName: 'Oreste Reno', email: 'oreste@reno.example' },
      companies.officine,
      '5557654321',
    );
    await openCampaign(ctx, 2025);
    await openCampaign(ctx, 2026);
  });
  afterAll(async () => ctx.close());

  it('asks the company for its legal representative, shows the text naming company and sender, the box and the password', async () => {
    const client = await signedIn(ctx, ditta);
    const page = await validationPage(client, companies.conceria.number);
    expect(page).toContain(sectionTitle);

    const representative = field(page, legalRepresentativeLabel);
    expect(representative).toMatchObject({ name: 'legale-rappresentante', type: 'text' });
    // No earlier filing with a self-declaration: nothing to offer.
    expect(representative.value).toBe('');
    const box = field(page, certifyLabel);
    expect(box).toMatchObject({ name: 'dichiarazione-sostitutiva', type: 'checkbox', value: 'si' });
    expect(box.checked).toBe(false);
    const password = field(page, passwordLabel);
    expect(password).toMatchObject({ name: 'password', type: 'password', value: '' });

    const text = shownText(page);
    expect(text).toContain(
      `Il/La sottoscritto/a Carla Santerno, per la ditta ${companies.conceria.name}, il cui legale rappresentante è …`,
    );
    expect(text).toContain('artt. 46 e 47');
    expect(text).not.toContain('per conto della ditta');
    expect(page).toContain(`versione ${certificationVersion}`);

    // The estimate from the declared 4,000 m³ (4,000 × 0.211803 = 847.212 €), no analyses sent.
    const estimate = sectionText(page, 'Stima della tariffa (stima non vincolante)');
    expect(estimate).toContain('Quota variabile QV calcolata dai dati dichiarati');
    expect(estimate).toContain('V × Tf = 4.000 m³ × 0,211803 €/m³ 847,21 €');
    expect(estimate).toContain(
      'Mancano le analisi dell’anno per COD, Solidi sospesi totali (SST), Azoto totale (N), Fosforo totale (P)',
    );
    expect(estimate).toContain('Non comprende la quota fissa QF');
  });

  it('tells a consultant that the declaration is made on behalf of the company', async () => {
    const consultant = await signedIn(ctx, studio);
    const page = await validationPage(consultant, companies.cartiera.number);
    const text = shownText(page);
    expect(text).toContain(
      `Il/La sottoscritto/a Vera Verdi, in qualità di consulente che presenta la dichiarazione per conto della ditta ${companies.cartiera.name}`,
    );
    expect(field(page, legalRepresentativeLabel).value).toBe('');
  });

  it('refuses INVIA without the legal representative, the box or the password, each beside its field, checking no password and filing nothing', async () => {
    const client = await signedIn(ctx, ditta);
    const url = `${base(companies.conceria.number)}/invia`;
    const commandId = commandIdOf(await validationPage(client, companies.conceria.number));
    const cases = [
      {
        label: legalRepresentativeLabel,
        // Blank is missing: the name is trimmed. The password, wrong, is not even checked.
        fields: { ...certifiedSending('Sbagliata-2026'), 'legale-rappresentante': '   ' },
        message: 'Indica il nome e cognome del legale rappresentante della ditta.',
      },
      {
        label: certifyLabel,
        fields: { 'legale-rappresentante': 'Giulia Santerno', password: ditta.password },
        message: 'Per inviare occorre rendere la dichiarazione sostitutiva.',
      },
      {
        label: passwordLabel,
        fields: { ...certifiedSending(''), 'legale-rappresentante': 'Giulia Santerno' },
        message: 'Inserisci la password del tuo account per confermare l’invio.',
      },
    ];
    const others = [legalRepresentativeLabel, certifyLabel, passwordLabel];
    for (const { label, fields, message } of cases) {
      const response = await client.post(url, { commandId, ...fields });
      expect(response.statusCode, label).toBe(422);
      expect(field(response.body, label), label).toMatchObject({ invalid: true, error: message });
      for (const other of others.filter((name) => name !== label))
        expect(field(response.body, other), `${label}: ${other}`).toMatchObject({
          invalid: false,
          error: null,
        });
      // What was typed comes back, but never the password.
      expect(field(response.body, passwordLabel).value, label).toBe('');
      expect(commandIdOf(response.body), label).toBe(commandId);
    }
    const noBox = await client.post(url, { commandId, ...cases[1]!.fields });
    expect(field(noBox.body, legalRepresentativeLabel).value).toBe('Giulia Santerno');
    const noPassword = await client.post(url, { commandId, ...cases[2]!.fields });
    expect(field(noPassword.body, certifyLabel).checked).toBe(true);

    expect(await submissions(companies.conceria.number)).toHaveLength(0);
    expect(await failedSignIns(accountIds.ditta)).toHaveLength(0);
  });

  it('refuses a wrong password beside the field, files nothing, and records a failed sign-in', async () => {
    const client = await signedIn(ctx, ditta);
    const commandId = commandIdOf(await validationPage(client, companies.conceria.number));
    const response = await client.post(`${base(companies.conceria.number)}/invia`, {
      commandId,
      ...certifiedSending('Sbagliata-2026'),
      'legale-rappresentante': 'Giulia Santerno',
    });
    expect(response.statusCode).toBe(422);
    expect(response.body).toContain('<h1 class="mb-3">Validazione</h1>');
    expect(field(response.body, passwordLabel)).toMatchObject({
      invalid: true,
      error: 'La password non è corretta.',
      value: '',
    });
    expect(field(response.body, legalRepresentativeLabel)).toMatchObject({
      invalid: false,
      value: 'Giulia Santerno',
    });
    expect(field(response.body, certifyLabel)).toMatchObject({ invalid: false, checked: true });
    expect(shownText(response.body)).toContain(
      'il cui legale rappresentante è Giulia Santerno, consapevole',
    );

    expect(await submissions(companies.conceria.number)).toHaveLength(0);
    const failed = await failedSignIns(accountIds.ditta);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({
      data: { username: ditta.username, reason: 'wrong-password', reauthentication: true },
      metadata: { clientIp: '127.0.0.1' },
    });
  });

  it('holds INVIA back after five wrong passwords, the right one included, apart from the login', async () => {
    const client = await signedIn(ctx, guessed);
    const contract = companies.officine.number;
    const url = `${base(contract)}/invia`;
    const commandId = commandIdOf(await validationPage(client, contract));
    const send = (password: string) =>
      client.post(url, {
        commandId,
        ...certifiedSending(password),
        'legale-rappresentante': 'Oreste Reno',
      });
    // Someone guessing at the login does not hold the owner back at INVIA.
    for (let attempt = 1; attempt <= 6; attempt++)
      await new TestClient(ctx.app).post('/accesso', {
        ...guessed,
        password: `Indovina-${attempt}`,
      });
    expect((await new TestClient(ctx.app).post('/accesso', guessed)).statusCode).toBe(429);
    for (let attempt = 1; attempt <= 5; attempt++) {
      const wrong = await send(`Sbagliata-${attempt}`);
      expect(wrong.statusCode, `attempt ${attempt}`).toBe(422);
      expect(field(wrong.body, passwordLabel).error, `attempt ${attempt}`).toBe(
        'La password non è corretta.',
      );
    }
    const held = await send(guessed.password);
    expect(held.statusCode).toBe(422);
    expect(field(held.body, passwordLabel)).toMatchObject({
      invalid: true,
      error: 'Troppe password errate: riprova tra 15 minuti.',
    });
    const heldAgain = await send(guessed.password);
    expect(field(heldAgain.body, passwordLabel).error).toMatch(/^Troppe password errate/);

    expect(await submissions(contract)).toHaveLength(0);
    const failed = (await failedSignIns(accountIds.guessed)).filter(
      (event) => event.data.reauthentication === true,
    );
    expect(failed).toHaveLength(5);
  });

  it('files once with the right password, the self-declaration in the event and in the copy of record', async () => {
    const client = await signedIn(ctx, ditta);
    const contract = companies.conceria.number;
    const commandId = commandIdOf(await validationPage(client, contract));
    const sending = {
      commandId,
      ...certifiedSending(ditta.password),
      'legale-rappresentante': '  Giulia Santerno ',
    };
    const [first, second] = await Promise.all([
      client.post(`${base(contract)}/invia`, sending),
      client.post(`${base(contract)}/invia`, sending),
    ]);
    expect([first.statusCode, second.statusCode]).toEqual([303, 303]);
    expect(first.headers.location).toBe(`${base(contract)}/risultato`);

    const filed = await submissions(contract);
    expect(filed).toHaveLength(1);
    const { text, ...certified } = filed[0]!.data.certification as RecordedCertification;
    expect(certified).toEqual({
      version: certificationVersion,
      legalRepresentative: 'Giulia Santerno',
      certifiedBy: 'Carla Santerno',
      onBehalf: false,
      confirmedAt: '2026-11-20T09:30:00.000Z',
    });
    expect(text).toContain(
      `Il/La sottoscritto/a Carla Santerno, per la ditta ${companies.conceria.name}, il cui legale rappresentante è Giulia Santerno,`,
    );
    expect(text).toContain('art. 76 del D.P.R. 28 dicembre 2000, n. 445');
    expect(text).not.toContain('per conto della ditta');
    // The right password failed nothing (the one wrong try before it is the only failure).
    expect(await failedSignIns(accountIds.ditta)).toHaveLength(1);

    await settle(ctx);
    const stored = (await events(`contract-${contract}`)).filter(
      (event) => event.type === 'CopyOfRecordStored',
    );
    expect(stored).toHaveLength(1);
    const copy = await client.get(`${base(contract)}/copia.pdf`);
    expect(copy.statusCode).toBe(200);
    const printed = squeezed(await pdfText(copy.rawPayload));
    const flat = printed.replace(/\s+/g, ' ');
    expect(printed).toContain(sectionTitle);
    expect(printed).toContain('Resa da Carla Santerno');
    expect(printed).toContain('In qualità di incaricato della ditta');
    expect(printed).toContain('Legale rappresentante Giulia Santerno');
    expect(printed).toContain('Confermata con la password 20/11/2026 10:30:00 (ora italiana)');
    expect(printed).toContain(`Versione del testo ${certificationVersion}`);
    expect(flat).toContain('il cui legale rappresentante è Giulia Santerno');
    expect(flat).toContain(companies.conceria.name);

    // A refresh of the text that arrives after INVIA (typed just before) changes nothing: 204.
    const late = await client.get(
      `${base(contract)}/dichiarazione-sostitutiva?legale-rappresentante=Giulia`,
    );
    expect(late.statusCode).toBe(204);
    expect(late.body).toBe('');
  });

  it('files a consultant’s declaration as made on behalf of the company', async () => {
    const consultant = await signedIn(ctx, studio);
    const contract = companies.cartiera.number;
    const commandId = commandIdOf(await validationPage(consultant, contract));
    const sent = await consultant.post(`${base(contract)}/invia`, {
      commandId,
      ...certifiedSending(studio.password),
      'legale-rappresentante': 'Vittorio Verdi',
    });
    expect([sent.statusCode, sent.headers.location]).toEqual([303, `${base(contract)}/risultato`]);

    const filed = await submissions(contract);
    expect(filed).toHaveLength(1);
    expect(filed[0]!.data.certification).toMatchObject({
      legalRepresentative: 'Vittorio Verdi',
      certifiedBy: 'Vera Verdi',
      onBehalf: true,
      version: certificationVersion,
    });
    expect((filed[0]!.data.certification as RecordedCertification).text).toContain(
      `in qualità di consulente che presenta la dichiarazione per conto della ditta ${companies.cartiera.name}, il cui legale rappresentante è Vittorio Verdi`,
    );

    await settle(ctx);
    const printed = squeezed(
      await pdfText((await consultant.get(`${base(contract)}/copia.pdf`)).rawPayload),
    );
    expect(printed).toContain(sectionTitle);
    expect(printed).toContain('Resa da Vera Verdi');
    expect(printed).toContain('In qualità di consulente, per conto della ditta');
    expect(printed).toContain('Legale rappresentante Vittorio Verdi');
  });

  it('offers next year the legal representative named in the last filing', async () => {
    const client = await signedIn(ctx, ditta);
    const page = await validationPage(client, companies.conceria.number, 2026);
    expect(field(page, legalRepresentativeLabel).value).toBe('Giulia Santerno');
    expect(shownText(page)).toContain(
      'il cui legale rappresentante è Giulia Santerno, consapevole',
    );
    // The box is ticked and the password typed anew each time.
    expect(field(page, certifyLabel).checked).toBe(false);
    expect(field(page, passwordLabel).value).toBe('');
  });
});
