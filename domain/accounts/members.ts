import { DomainError } from '../shared/domainError.js';

/**
 * The people of an organisation (a Ditta, or a Studio/Consulente/Associazione) and what each role
 * may do. Every person has their own login; the organisation owns the contracts and the filings.
 */
export const memberRoles = ['amministratore', 'compilatore', 'firmatario', 'lettore'] as const;
export type MemberRole = (typeof memberRoles)[number];

export const memberRoleLabels: Record<MemberRole, string> = {
  amministratore: 'Amministratore',
  compilatore: 'Compilatore',
  firmatario: 'Firmatario',
  lettore: 'Lettore',
};

export const memberRoleDescriptions: Record<MemberRole, string> = {
  amministratore: 'gestisce le persone, il profilo e i contratti; può anche compilare e inviare',
  compilatore: 'prepara le dichiarazioni e i contratti, ma non li invia',
  firmatario: 'prepara, certifica e invia le dichiarazioni',
  lettore: 'consulta contratti e dichiarazioni senza modificarli',
};

/** What a role lets a person do: read, prepare drafts and contracts, sign (INVIA), manage. */
export type MemberPower = 'prepare' | 'sign' | 'manage';

const powers: Record<MemberRole, readonly MemberPower[]> = {
  amministratore: ['prepare', 'sign', 'manage'],
  firmatario: ['prepare', 'sign'],
  compilatore: ['prepare'],
  lettore: [],
};

const refusals: Record<MemberPower, string> = {
  prepare: 'Il tuo ruolo permette solo di consultare: chiedi a un amministratore di cambiarlo.',
  sign: 'Solo un firmatario o un amministratore può inviare la dichiarazione.',
  manage: 'Solo un amministratore dell’organizzazione può farlo.',
};

/** A person acting for their organisation, with the role they hold there now. */
export interface Acting {
  readonly organisationId: string;
  readonly personId: string;
  readonly role: MemberRole;
}

export const holds = (role: MemberRole, power: MemberPower): boolean =>
  powers[role].includes(power);

/** The decider's check: a person without the power gets the refusal, and nothing is recorded. */
export function mustHold(role: MemberRole, power: MemberPower): void {
  if (!holds(role, power)) throw new DomainError('RoleForbids', 'forbidden', refusals[power]);
}

/** A command a declarant gives carries the role of the person giving it, for the decider. */
export interface ByMember {
  readonly role: MemberRole;
}
