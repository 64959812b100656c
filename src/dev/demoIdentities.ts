/**
 * The people of the local SPID/CIE stand-in. Their fiscal codes carry valid check characters;
 * which municipality (or the admin role) each one gets is decided elsewhere, by association.
 */
export interface DemoIdentity {
  /** The subject at the local provider (SPID's is opaque too: the fiscal code is a claim). */
  readonly sub: string;
  /** Null for the one test person whose provider gives no fiscal code (e.g. a foreign eID). */
  readonly fiscalCode: string | null;
  readonly givenName: string;
  readonly familyName: string;
  readonly email: string;
  /** What the picker page says about them. */
  readonly description: string;
}

export const demoOfficerBari = {
  sub: 'mario-rossi',
  fiscalCode: 'RSSMRA80A01A662A',
  givenName: 'Mario',
  familyName: 'Rossi',
  email: 'mario.rossi@comune.bari.it',
  description: 'Funzionario del Comune di Bari',
} as const satisfies DemoIdentity;

export const demoOfficerLecce = {
  sub: 'lucia-bianchi',
  fiscalCode: 'BNCLCU85M41E506C',
  givenName: 'Lucia',
  familyName: 'Bianchi',
  email: 'lucia.bianchi@comune.lecce.it',
  description: 'Funzionaria del Comune di Lecce',
} as const satisfies DemoIdentity;

export const demoObservatoryAdmin = {
  sub: 'giuseppe-verdi',
  fiscalCode: 'VRDGPP70C15F205N',
  givenName: 'Giuseppe',
  familyName: 'Verdi',
  email: 'giuseppe.verdi@regione.puglia.it',
  description: 'Amministratore dell’Osservatorio rifiuti',
} as const satisfies DemoIdentity;

export const demoUnassociated = {
  sub: 'elena-neri',
  fiscalCode: 'NRELNE90E50L109T',
  givenName: 'Elena',
  familyName: 'Neri',
  email: 'elena.neri@example.it',
  description: 'Cittadina senza alcuna associazione',
} as const satisfies DemoIdentity;

export const demoWithoutFiscalCode = {
  sub: 'jane-doe',
  fiscalCode: null,
  givenName: 'Jane',
  familyName: 'Doe',
  email: 'jane.doe@example.eu',
  description: 'Identità estera senza codice fiscale (l’accesso viene rifiutato)',
} as const satisfies DemoIdentity;

export const demoOfficerTwoMunicipalities = {
  sub: 'anna-conti',
  fiscalCode: 'CNTNNA82D45A225A',
  givenName: 'Anna',
  familyName: 'Conti',
  email: 'anna.conti@comune.altamura.ba.it',
  description: 'Utente dei Comuni di Altamura e Gravina in Puglia («Cambia comune»)',
} as const satisfies DemoIdentity;

export const demoCollectorDelegate = {
  sub: 'paolo-ferri',
  fiscalCode: 'FRRPLA78H12A662B',
  givenName: 'Paolo',
  familyName: 'Ferri',
  email: 'paolo.ferri@igieneurbana.example',
  description: 'Gestore della raccolta, delegato dal Comune di Bari',
} as const satisfies DemoIdentity;

/** Every identity the local provider offers, in the picker's order. */
export const demoIdentities: readonly DemoIdentity[] = [
  demoOfficerBari,
  demoOfficerLecce,
  demoOfficerTwoMunicipalities,
  demoCollectorDelegate,
  demoObservatoryAdmin,
  demoUnassociated,
  demoWithoutFiscalCode,
];

export const findDemoIdentity = (sub: string): DemoIdentity | undefined =>
  demoIdentities.find((identity) => identity.sub === sub);

/** The start-up banner's lines for the local provider's people. */
export function printDemoIdentities(url: string): void {
  console.log('Identità digitali dimostrative (SPID/CIE locale, senza password):');
  for (const identity of demoIdentities) {
    const name = `${identity.givenName} ${identity.familyName}`;
    console.log(
      `  ${name.padEnd(16)} ${(identity.fiscalCode ?? '—').padEnd(17)} ${identity.description}`,
    );
  }
  console.log(`Accesso all'Osservatorio: ${url}/osservatorio/accesso\n`);
}
