import type { Plant } from '../../domain/contracts/contractEvents.js';
import { isValidCodiceFiscale } from '../../domain/shared/italianIdentifiers.js';
import { pugliaMunicipalities } from '../../domain/observatory/reference/municipalities.js';
import type { Random } from './auditLogRandom.js';

/** Names, companies, identifiers and addresses that read like the utility's own records. */

const firstNames = (
  'Giuseppe|Antonio|Francesco|Vito|Nicola|Michele|Giovanni|Luigi|Angelo|Domenico|Pasquale|' +
  'Cosimo|Donato|Marco|Luca|Andrea|Paolo|Savino|Maria|Anna|Giovanna|Rosa|Angela|Lucia|' +
  'Francesca|Antonella|Grazia|Teresa|Carmela|Annamaria|Rossella|Daniela|Sabrina|Ilaria|' +
  'Marisa|Chiara'
).split('|');
const surnames = (
  'De Santis|Lorusso|Colucci|Mastrangelo|Difonzo|Loiacono|Caputo|Greco|Russo|Marino|Lamanna|' +
  'Amoruso|Pugliese|Leone|Cassano|Schiavone|Deflorio|Lattanzio|Sblendorio|Tritto|Montrone|' +
  "Giannuzzi|Fanelli|Carrieri|Santoro|De Palma|Lopez|Cirillo|Nardone|Ventola|D'Ambrosio|" +
  'Chiarappa|Abbracciavento'
).split('|');
const trades = (
  'Caseificio|Oleificio|Cantina|Pastificio|Tintoria|Lavanderia Industriale|Autolavaggio|' +
  'Conceria|Galvanica|Frantoio|Molino|Salumificio|Mangimificio|Birrificio|' +
  'Industria Conserve|Stampaggio Plastiche|Verniciatura|Lavorazione Marmi|Ospedale Privato|' +
  'Macello|Distilleria|Tessitura|Cartiera|Officine Meccaniche'
).split('|');
const legalForms = ['S.r.l.', 'S.r.l.', 'S.r.l.s.', 'S.p.A.', 'S.n.c.', 'S.a.s.', 'Soc. Coop.'];
const streets = (
  'Via dell’Industria|Via dell’Artigianato|Zona Industriale, Lotto|Via Bari|Via Foggia|' +
  'Strada Provinciale 231, km|Via Giovanni XXIII|Via Vittorio Veneto|Via Roma|Via Mola|' +
  'Via dei Mestieri|Contrada Pezze|Via Appia|Via Taranto'
).split('|');
const mailDomains = ['gmail.com', 'libero.it', 'pec.it', 'legalmail.it', 'tiscali.it', 'alice.it'];
const capPrefix: Record<string, string> = {
  BA: '700',
  BT: '761',
  BR: '721',
  FG: '711',
  LE: '731',
  TA: '741',
};

export interface Person {
  readonly givenName: string;
  readonly familyName: string;
  readonly fullName: string;
}

export function person(random: Random): Person {
  const givenName = random.pick(firstNames);
  const familyName = random.pick(surnames);
  return { givenName, familyName, fullName: `${givenName} ${familyName}` };
}

const slug = (text: string) =>
  text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');

export const emailOf = (random: Random, who: Person, domain?: string): string =>
  `${slug(who.givenName)}.${slug(who.familyName)}${random.int(1, 99)}@${domain ?? random.pick(mailDomains)}`;

export const companyName = (random: Random): string =>
  `${random.pick(trades)} ${random.pick(surnames)} ${random.pick(legalForms)}`;

export const phone = (random: Random): string => `3${random.int(20, 49)}${random.digits(7)}`;

/** An Italian mobile or fixed-line address of a declarant; staff work from the utility's LAN. */
export const publicIp = (random: Random): string =>
  `${random.pick([2, 5, 37, 79, 87, 93, 151, 176, 188, 212])}.${random.int(0, 255)}.${random.int(0, 255)}.${random.int(1, 254)}`;

export const officeIp = (random: Random): string =>
  `10.20.${random.int(1, 9)}.${random.int(2, 250)}`;

/** What argon2id stores, in its format and length; no hash is computed (it costs ~50 ms). */
export const fakeArgon2Hash = (random: Random): string =>
  `$argon2id$v=19$m=19456,t=2,p=1$${random.base64(22)}$${random.base64(43)}`;

/** 11 digits with a valid check digit. */
export function partitaIva(random: Random): string {
  const body = `0${random.digits(6)}07${random.digits(1)}`;
  let sum = 0;
  for (let i = 0; i < 10; i++) {
    const digit = Number(body[i]);
    sum += i % 2 === 0 ? digit : digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
  }
  return `${body}${(10 - (sum % 10)) % 10}`;
}

const months = 'ABCDEHLMPRST';
const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** A personal codice fiscale with its check character (found by trying the 26 letters). */
export function codiceFiscale(random: Random, who: Person): string {
  const three = (text: string) =>
    (slug(text).replace(/[aeiou]/g, '') + slug(text).replace(/[^aeiou]/g, '') + 'xxx')
      .slice(0, 3)
      .toUpperCase();
  const day = String(random.int(1, 28) + (random.chance(0.45) ? 40 : 0)).padStart(2, '0');
  const place = `${random.pick(['A', 'F', 'L', 'E', 'H'])}${random.digits(3)}`;
  const body = `${three(who.familyName)}${three(who.givenName)}${random.int(50, 99)}${random.pick([...months])}${day}${place}`;
  for (const check of letters) if (isValidCodiceFiscale(body + check)) return body + check;
  throw new Error(`No check character for ${body}`);
}

export function plantIn(random: Random): Plant {
  const municipality = random.pick(pugliaMunicipalities);
  return {
    street: random.pick(streets),
    civic: String(random.int(1, 180)),
    cap: `${capPrefix[municipality.province] ?? '700'}${random.digits(2)}`,
    province: municipality.province,
    municipality: municipality.name,
  };
}

export const plantAddress = (plant: Plant): string =>
  `${plant.street} ${plant.civic}, ${plant.cap} ${plant.municipality} (${plant.province})`;
