import { accountStream } from '../../domain/accounts/accountDecider.js';
import { invitationSubject } from '../../domain/accounts/erasePersonalData.js';
import { contractStream } from '../../domain/contracts/contractDecider.js';
import {
  digitalIdentityStream,
  identityAccountId,
} from '../../domain/observatory/digitalIdentityEvents.js';
import { municipalityStream } from '../../domain/observatory/municipalityOfficer.js';
import type {
  FieldPath,
  PersonalDataRules,
  PersonalField,
  StoredEventContent,
} from '../platform/personalData/sealedEventStore.js';

const text = (data: object, name: string): string | null => {
  const value = (data as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : null;
};

const fieldsOf = (subject: string | null, ...paths: FieldPath[]): PersonalField[] =>
  subject ? paths.map((path) => ({ subject, path })) : [];

/**
 * Where the log holds a person's data (name, phone, e-mail) and whose it is: a referent, a
 * consultant, an organisation's member, a utility's staff, a municipality's officer. Company data
 * stays in clear: name, tax id, PEC, legal representative, and the addresses its filings and
 * notices go to (a contract's notification address, the addresses a receipt, a review or a
 * reminder was mailed to), even where a person chose their own; so do the identifiers the log is
 * keyed by (usernames, fiscal codes in stream ids).
 */
function personalFields({ streamId, type, data }: StoredEventContent): PersonalField[] {
  const account = accountStream.parse(streamId);
  if (account !== null) {
    switch (type) {
      case 'ReferentRegistered':
        return fieldsOf(account, ['fullName'], ['phone'], ['email']);
      case 'StaffAccountCreated':
      case 'MemberAccountCreated':
        return fieldsOf(account, ['fullName'], ['email']);
      case 'EmailOtpIssued':
      case 'EmailVerified':
        return fieldsOf(account, ['email']);
      case 'ReferentDetailsChanged':
        return fieldsOf(account, ['fullName'], ['phone']);
      case 'EmailChangeRequested':
        return fieldsOf(account, ['newEmail']);
      case 'EmailChanged':
        return fieldsOf(account, ['previousEmail'], ['email']);
      case 'MemberInvited': {
        const inviteId = text(data, 'inviteId');
        return fieldsOf(inviteId && invitationSubject(inviteId), ['fullName'], ['email']);
      }
      case 'MemberJoined':
      case 'OrganisationContactChanged':
        return fieldsOf(text(data, 'personId'), ['fullName'], ['email']);
    }
    return [];
  }
  if (contractStream.parse(streamId) !== null) {
    const person = (name: string) => {
      const value = data[name];
      return value && typeof value === 'object' && !Array.isArray(value) ? value : {};
    };
    if (type === 'DeclarationSubmitted') {
      const signatory = person('signatory');
      const subject = text(signatory, 'personId') ?? text(signatory, 'accountId');
      // The self-declaration names who made it; the company's legal representative stays.
      const certified = data.certification
        ? [
            ['certification', 'certifiedBy'],
            ['certification', 'text'],
          ]
        : [];
      return fieldsOf(subject, ['signatory', 'name'], ['signatory', 'email'], ...certified);
    }
    // The utility's staff who reopened or reviewed it.
    if (type === 'DeclarationReopened') {
      return fieldsOf(text(person('reopenedBy'), 'accountId'), ['reopenedBy', 'name']);
    }
    if (type === 'DeclarationReviewed') {
      return fieldsOf(text(person('reviewedBy'), 'accountId'), ['reviewedBy', 'name']);
    }
    return [];
  }
  const fiscalCode = text(data, 'fiscalCode');
  const officer = fiscalCode && identityAccountId(fiscalCode);
  if (type === 'DigitalIdentityLoggedIn' && digitalIdentityStream.parse(streamId) !== null) {
    return fieldsOf(officer, ['givenName'], ['familyName'], ['email']);
  }
  if (municipalityStream.parse(streamId) !== null) {
    if (type === 'OfficerAssigned') return fieldsOf(officer, ['email']);
    if (type === 'OfficerEmailChanged') return fieldsOf(officer, ['email'], ['previousEmail']);
    if (
      type === 'SecondUserAuthorised' ||
      type === 'FilingDelegated' ||
      type === 'FilingDelegationRevoked'
    ) {
      return fieldsOf(officer, ['email']);
    }
  }
  return [];
}

/** The subjects a `PersonalDataErased` event erases (erasePersonalData.ts). */
function erasedSubjects({ streamId, type, data }: StoredEventContent): readonly string[] {
  if (type !== 'PersonalDataErased' || accountStream.parse(streamId) === null) return [];
  const subjects = data.subjects;
  return Array.isArray(subjects) ? subjects.filter((s): s is string => typeof s === 'string') : [];
}

export const personalDataRules: PersonalDataRules = {
  fields: personalFields,
  erased: erasedSubjects,
};
