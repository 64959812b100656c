import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInStream, unknownAccount } from '../../domain/accounts/signIns.js';
import { waitAfter } from '../../src/accounts/signInThrottle.js';
import { TestClient } from '../support/client.js';
import {
  createOperator,
  operatorLogin,
  settle,
  startTestApp,
  type TestApp,
} from '../support/testApp.js';

/** A clock the tests move forward, shared by the app and its read models. */
const movableClock = () => {
  let now = new Date('2026-12-04T09:00:00.000Z');
  return {
    now: () => now,
    advance: (seconds: number) => (now = new Date(now.getTime() + seconds * 1000)),
  };
};

const attempt = (username: string, password = 'Sbagliata-2026') =>
  new TestClient(currentApp!.app).post('/accesso', { username, password });
let currentApp: TestApp | undefined;

describe('login limits: only failures count, and they slow an account down without locking it', () => {
  const clock = movableClock();
  beforeAll(async () => {
    currentApp = await startTestApp({ now: clock.now });
    await createOperator(currentApp);
  });
  afterAll(async () => currentApp?.close());

  it('lets in 40 good logins in a row from one address', async () => {
    for (let login = 0; login < 40; login++) {
      const response = await attempt(operatorLogin.username, operatorLogin.password);
      expect(response.statusCode).toBe(303);
    }
  });

  it('lets no more than the free failures through when 30 wrong passwords arrive at once', async () => {
    const statuses = await Promise.all(Array.from({ length: 30 }, () => attempt('in.parallelo')));
    expect(statuses.filter((response) => response.statusCode === 422)).toHaveLength(5);
    expect(statuses.filter((response) => response.statusCode === 429)).toHaveLength(25);
  });

  it('waits longer after each failure past the fourth, counted from the last one', () => {
    expect([1, 4, 5, 6, 7, 8].map(waitAfter)).toEqual([0, 0, 30, 60, 120, 240]);
    expect(waitAfter(40)).toBe(15 * 60);
  });

  it('holds a guessed username back, lets its owner in once the wait is over, and tells how many failed', async () => {
    for (let failure = 0; failure < 5; failure++) {
      expect((await attempt(operatorLogin.username)).statusCode).toBe(422);
    }
    const held = await attempt(operatorLogin.username, operatorLogin.password);
    expect(held.statusCode).toBe(429);
    expect(held.headers['retry-after']).toBe('30');
    expect(held.body).toContain('Troppi tentativi di accesso con questo nome utente');
    expect(held.body).toContain('riprova tra 30 secondi');

    clock.advance(31);
    const owner = new TestClient(currentApp!.app);
    const login = await owner.post('/accesso', operatorLogin);
    expect(login.statusCode).toBe(303);
    const firstPage = await owner.get(String(login.headers.location));
    expect(firstPage.body).toContain(
      'Dall’ultimo accesso ci sono stati 5 tentativi non riusciti con il tuo nome utente',
    );
    expect((await owner.get(String(login.headers.location))).body).not.toContain(
      'tentativi non riusciti',
    );
  });

  it('records every failure, and held attempts at the 1st and 10th of a minute', async () => {
    for (let failure = 0; failure < 5; failure++) await attempt('bersaglio.limiti');
    for (let held = 0; held < 12; held++) {
      expect((await attempt('bersaglio.limiti')).statusCode).toBe(429);
    }
    const { events } = await currentApp!.store.readStream(signInStream.id(unknownAccount));
    const mine = events.filter(
      (event) => (event.data as { username?: string }).username === 'bersaglio.limiti',
    );
    expect(mine.filter((event) => event.type === 'SignInFailed')).toHaveLength(5);
    const held = mine.filter((event) => event.type === 'SignInThrottled');
    expect(
      held.map((event) => (event.data as { attemptsThisMinute: number }).attemptsThisMinute),
    ).toEqual([1, 10]);
    expect(mine.at(-1)!.metadata.clientIp).toBe('127.0.0.1');
  });
  it('lists the refused attempts with their address for operators, and for no one else', async () => {
    await settle(currentApp!);
    const operator = new TestClient(currentApp!.app);
    expect((await operator.post('/accesso', operatorLogin)).statusCode).toBe(303);
    const page = await operator.get('/operatori/accessi?utente=Bersaglio.Limiti');
    expect(page.statusCode).toBe(200);
    const rows = page.body.split('<tr>').slice(2);
    expect(rows).toHaveLength(7);
    expect(rows.every((row) => row.includes('bersaglio.limiti') && row.includes('127.0.0.1'))).toBe(
      true,
    );
    expect(rows.filter((row) => row.includes('Nome utente inesistente'))).toHaveLength(5);
    expect(rows.filter((row) => row.includes('Bloccato: troppi errori'))).toHaveLength(2);
    expect(rows.filter((row) => row.includes('10 tentativi nel minuto'))).toHaveLength(1);
    const elsewhere = await operator.get('/operatori/accessi?indirizzo=10.0.0.1');
    expect(elsewhere.body).toContain('Nessun accesso rifiutato con questi filtri');

    const visitor = await new TestClient(currentApp!.app).get('/operatori/accessi');
    expect(visitor.statusCode).toBe(303);
    expect(visitor.headers.location).toBe('/accesso?dopo=%2Foperatori%2Faccessi');
  });
});

describe('login limits: a spray of usernames from one address is held back', () => {
  const clock = movableClock();
  beforeAll(async () => {
    currentApp = await startTestApp({ now: clock.now });
    await createOperator(currentApp);
    await settle(currentApp);
  });
  afterAll(async () => currentApp?.close());

  it('holds the address after 20 usernames fail from it, the good password included', async () => {
    const statuses: number[] = [];
    for (let user = 0; user < 40; user++) {
      statuses.push((await attempt(`utente.${user}`, 'Password-2026')).statusCode);
    }
    expect(statuses.slice(0, 20).every((status) => status === 422)).toBe(true);
    expect(statuses.slice(20).every((status) => status === 429)).toBe(true);
    const held = await attempt(operatorLogin.username, operatorLogin.password);
    expect(held.statusCode).toBe(429);
    expect(held.body).toContain('Troppi tentativi di accesso da questo indirizzo');

    clock.advance(15 * 60 + 1);
    expect((await attempt(operatorLogin.username, operatorLogin.password)).statusCode).toBe(303);
  });
});

describe('login limits: the owner of a held-back account can unlock it from the mailed link', () => {
  const clock = movableClock();
  beforeAll(async () => {
    currentApp = await startTestApp({ now: clock.now });
    await createOperator(currentApp);
  });
  afterAll(async () => currentApp?.close());

  const unlockMails = () =>
    currentApp!.test.database.db
      .selectFrom('mail_outbox')
      .select(['subject', 'text_body'])
      .where('to_address', '=', 'olga@gestore.example')
      .where('subject', 'like', '%temporaneamente bloccato%')
      .execute();

  it('mails one link an hour; it lets the owner in at once, and works only as sent and in time', async () => {
    for (let failure = 0; failure < 5; failure++) await attempt(operatorLogin.username);
    expect((await attempt(operatorLogin.username, operatorLogin.password)).statusCode).toBe(429);
    clock.advance(61);
    expect((await attempt(operatorLogin.username)).statusCode).toBe(422);
    expect((await attempt(operatorLogin.username)).statusCode).toBe(429);
    await settle(currentApp!);
    const mails = await unlockMails();
    expect(mails).toHaveLength(1);
    const link = /http:\/\/portale\.test(\/accesso\/sblocco\?\S+)/.exec(mails[0]!.text_body)?.[1];
    expect(link).toBeDefined();
    const fields = Object.fromEntries(new URL(`http://x${link!}`).searchParams);

    const owner = new TestClient(currentApp!.app);
    expect((await owner.get(`${link!}x`)).statusCode).toBe(410);
    const page = await owner.get(link!);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Sblocca l’accesso</button>');
    const forged = await owner.post('/accesso/sblocco', { ...fields, token: 'x'.repeat(43) });
    expect(forged.statusCode).toBe(410);
    expect((await attempt(operatorLogin.username, operatorLogin.password)).statusCode).toBe(429);

    const unlocked = await owner.post('/accesso/sblocco', fields);
    expect(unlocked.statusCode).toBe(303);
    expect(unlocked.headers.location).toBe('/accesso?esito=sbloccato');
    expect((await owner.post('/accesso/sblocco', fields)).statusCode).toBe(410);
    expect((await owner.get('/accesso?esito=sbloccato')).body).toContain('Accesso sbloccato');
    // The pass is the owner's browser's: anyone else still waits.
    expect((await attempt(operatorLogin.username, operatorLogin.password)).statusCode).toBe(429);
    const login = await owner.post('/accesso', operatorLogin);
    expect(login.statusCode).toBe(303);
    expect((await owner.get(String(login.headers.location))).body).toContain(
      'ci sono stati 6 tentativi non riusciti',
    );

    clock.advance(3600);
    expect((await owner.get(link!)).statusCode).toBe(410);
  });
});
