import type { AccountEvent } from '../../domain/accounts/accountEvents.js';
import { companyLine } from '../../domain/accounts/changeCompanyDetails.js';
import { invitationDays } from '../../domain/accounts/manageMembers.js';
import { memberRoleDescriptions, memberRoleLabels } from '../../domain/accounts/members.js';
import { unlockLinkHours } from '../../domain/accounts/signIns.js';
import { italianDuration } from '../../domain/shared/italianDuration.js';
import { mailContent, type MailContent } from '../../src/platform/mail/mailContent.js';

export interface Recipient {
  readonly fullName: string;
  readonly email: string;
}

/** The mail an account event causes, if any. `code` is the OTP of an EmailOtpIssued event. */
export function accountMessage(
  event: AccountEvent,
  recipient: Recipient,
  links: {
    login: string;
    confirmEmail: (requestId: string) => string;
    firstAccessPassword: () => string;
    invitation: (inviteId: string) => string;
  },
  code: (challengeId: string) => string,
): MailContent | null {
  const hello = `Gentile ${recipient.fullName},`;
  switch (event.type) {
    case 'EmailOtpIssued':
      return event.data.purpose === 'registration'
        ? mailContent('codice di conferma della registrazione', [
            hello,
            `il codice per confermare il tuo indirizzo e-mail sul portale è:\n\n${code(event.data.challengeId)}\n\nInseriscilo nella pagina di registrazione entro 15 minuti.`,
            'Se non hai chiesto tu la registrazione, ignora questo messaggio.',
          ])
        : mailContent('codice per reimpostare la password', [
            hello,
            `il codice per reimpostare la password è:\n\n${code(event.data.challengeId)}\n\nInseriscilo nella pagina "Password dimenticata?" entro 15 minuti.`,
            'Se non hai chiesto tu di reimpostare la password, ignora questo messaggio: la password attuale resta valida.',
          ]);
    case 'RegistrationApproved':
      return mailContent('registrazione accettata', [
        hello,
        'la tua domanda di registrazione al portale degli scarichi industriali è stata accettata.',
        `Puoi entrare nell'area riservata con il tuo nome utente e la tua password: ${links.login}`,
        ...(event.data.note ? [`Nota dell'operatore: ${event.data.note}`] : []),
      ]);
    case 'RegistrationRejected':
      return mailContent('registrazione respinta', [
        hello,
        'la tua domanda di registrazione al portale degli scarichi industriali è stata respinta dagli operatori per il seguente motivo:',
        event.data.reason,
        'Puoi presentare una nuova domanda con i dati corretti.',
      ]);
    case 'AccountClosed':
      return mailContent('account chiuso', [
        hello,
        event.data.by === 'self'
          ? 'come hai chiesto, il tuo account del portale degli scarichi industriali è stato chiuso: non può più accedere.'
          : "il tuo account del portale degli scarichi industriali è stato chiuso dall'amministratore del portale per il seguente motivo:",
        ...(event.data.reason ? [event.data.reason] : []),
        'I contratti e le dichiarazioni restano alla ditta.',
        ...(event.data.by === 'self'
          ? ['Se non sei stato tu a chiederlo, contatta subito il gestore.']
          : []),
      ]);
    case 'PasswordReset':
      return mailContent('password modificata', [
        hello,
        'la password del tuo account è stata appena reimpostata e ogni sessione aperta è stata chiusa.',
        'Se non sei stato tu, contatta subito il gestore.',
      ]);
    case 'CompanyInvited':
      return mailContent('invito al portale degli scarichi industriali', [
        `Spettabile ${event.data.companyName},`,
        'il gestore del servizio idrico vi invita ad accedere al portale delle denunce degli scarichi industriali, dove potete consultare i vostri contratti di scarico e i documenti che vi riguardano, anche se le dichiarazioni sono gestite da un consulente.',
        `Credenziali per il primo accesso:\nNome utente: ${event.data.username}\nPassword: ${links.firstAccessPassword()}`,
        `Al primo accesso vi verrà chiesto di scegliere una nuova password: ${links.login}`,
      ]);
    case 'EmailChangeRequested':
      return mailContent('conferma il nuovo indirizzo e-mail', [
        hello,
        'hai chiesto di usare questo indirizzo per le comunicazioni del portale. Per confermarlo apri questo link entro 24 ore (oppure copialo nella barra degli indirizzi del browser):',
        links.confirmEmail(event.data.requestId),
        'Fino alla conferma le comunicazioni continuano ad arrivare all’indirizzo precedente. Se non hai chiesto tu la modifica, ignora questo messaggio.',
      ]);
    case 'EmailChanged':
      return mailContent('indirizzo e-mail modificato', [
        hello,
        `da ora le comunicazioni del portale verranno inviate a ${event.data.email} e non più a questo indirizzo.`,
        'Se non hai chiesto tu la modifica, contatta subito il gestore.',
      ]);
    case 'CompanyDetailsChanged':
      return mailContent(`dati della ditta ${event.data.details.name} convalidati`, [
        hello,
        `gli operatori hanno convalidato i nuovi dati della ditta con codice cliente ${event.data.customerCode}: ${companyLine(event.data.details)}.`,
        links.login,
      ]);
    case 'CompanyDetailsChangeRejected':
      return mailContent(`dati della ditta ${event.data.details.name} non convalidati`, [
        hello,
        `gli operatori non hanno convalidato i nuovi dati della ditta con codice cliente ${event.data.customerCode} (${companyLine(event.data.details)}) per il seguente motivo:`,
        event.data.reason,
        'Restano in vigore i dati precedenti.',
        links.login,
      ]);
    case 'PasswordChanged':
      return mailContent('password modificata', [
        hello,
        'la password del tuo account è stata modificata dalla pagina del profilo.',
        'Se non sei stato tu, usa subito "Password dimenticata?" e contatta il gestore.',
      ]);
    case 'MemberInvited':
      return mailContent(`invito a far parte di ${event.data.organisationName}`, [
        `Gentile ${event.data.fullName},`,
        `hai ricevuto un invito a far parte di ${event.data.organisationName} sul portale delle denunce degli scarichi industriali, con il ruolo di ${memberRoleLabels[event.data.role].toLowerCase()} (${memberRoleDescriptions[event.data.role]}).`,
        `Per accettare scegli il tuo nome utente e la tua password da questo link, entro ${invitationDays} giorni:\n\n${links.invitation(event.data.inviteId)}`,
        'Se non ti aspettavi questo invito, ignora questo messaggio: senza il link nessun account viene creato.',
      ]);
    default:
      return null;
  }
}

/** After failed logins held an account back: the owner may try again at once, from this link. */
export function unlockMessage(
  recipient: Recipient,
  retryAfterSeconds: number,
  unlockLink: string,
): MailContent {
  return mailContent('accesso temporaneamente bloccato dopo tentativi non riusciti', [
    `Gentile ${recipient.fullName},`,
    `ci sono stati diversi tentativi di accesso non riusciti con il tuo nome utente: per proteggere l'account, il portale attende ${italianDuration(retryAfterSeconds)} prima di accettarne altri.`,
    `Se eri tu, puoi riprovare subito da questo browser aprendo il link entro ${unlockLinkHours === 1 ? "un'ora" : `${unlockLinkHours} ore`}:\n\n${unlockLink}`,
    'Se non eri tu, nessuno è entrato: la password resta valida. Se temi che qualcuno la conosca, cambiala dal profilo.',
  ]);
}
