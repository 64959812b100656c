import { declarationError } from './declarationErrors.js';

/*
 * The self-declaration made at INVIA (DPR 28 dicembre 2000, n. 445: artt. 46 and 47, and the
 * penalties of art. 76). Its text is fixed by version and copied whole into the submission and
 * onto the copy of record: a later wording never changes what a declarant certified.
 */

export const certificationVersion = 'DPR445-2026-1';

/** What the person who presses INVIA certifies, as recorded. */
export interface Certification {
  readonly version: string;
  readonly text: string;
  /** The company's legal representative, as the sender named them. */
  readonly legalRepresentative: string;
  /** The person who certified and sent. */
  readonly certifiedBy: string;
  /** A consultant sent on the company's behalf. */
  readonly onBehalf: boolean;
  /** ISO instant at which the sender confirmed it with their password. */
  readonly confirmedAt: string;
}

export interface CertificationParties {
  readonly sender: string;
  readonly companyName: string;
  readonly legalRepresentative: string;
  readonly onBehalf: boolean;
}

/** The wording of version `certificationVersion`, for these parties. */
export function certificationText(parties: CertificationParties): string {
  const { sender, companyName, legalRepresentative, onBehalf } = parties;
  const role = onBehalf
    ? `in qualità di consulente che presenta la dichiarazione per conto della ditta ${companyName}, il cui legale rappresentante è ${legalRepresentative}`
    : `per la ditta ${companyName}, il cui legale rappresentante è ${legalRepresentative}`;
  const sources = onBehalf ? 'fornita dalla ditta' : 'in possesso della ditta';
  return (
    `Il/La sottoscritto/a ${sender}, ${role}, consapevole delle sanzioni penali previste ` +
    'dall’art. 76 del D.P.R. 28 dicembre 2000, n. 445 in caso di dichiarazioni mendaci, di ' +
    'formazione o uso di atti falsi, dichiara ai sensi degli artt. 46 e 47 del medesimo decreto ' +
    'che i dati e le informazioni contenuti nella presente dichiarazione e nei file allegati sono ' +
    `veritieri, completi e conformi alla documentazione ${sources}.`
  );
}

/** The certification the sender accepted, or the refusal beside the field that lacks. */
export function certify(
  parties: CertificationParties,
  accepted: boolean,
  confirmedAt: Date,
): Certification {
  if (parties.legalRepresentative.trim() === '') {
    throw declarationError(
      'CertificationIncomplete',
      'validation',
      'Indica il nome e cognome del legale rappresentante della ditta.',
      'legale-rappresentante',
    );
  }
  if (!accepted) {
    throw declarationError(
      'CertificationIncomplete',
      'validation',
      'Per inviare occorre rendere la dichiarazione sostitutiva.',
      'dichiarazione-sostitutiva',
    );
  }
  return {
    version: certificationVersion,
    text: certificationText(parties),
    legalRepresentative: parties.legalRepresentative.trim(),
    certifiedBy: parties.sender,
    onBehalf: parties.onBehalf,
    confirmedAt: confirmedAt.toISOString(),
  };
}
