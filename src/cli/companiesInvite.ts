import { parseArgs } from 'node:util';
import { DomainError } from '../../domain/shared/domainError.js';
import { isEmailAddress } from '../../domain/shared/email.js';
import { isTenDigitCode } from '../../domain/shared/italianIdentifiers.js';
import { systemContext } from '../accounts/staffAccounts.js';
import { inviteCompany } from '../accounts/inviteCompany.js';
import type { Runtime } from '../runtime.js';

/** companies:invite --customer-code 1001234567 --pec ditta@pec.it */
export async function companiesInvite(
  runtime: Runtime,
  argv: readonly string[],
  out: (line: string) => void,
): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: { 'customer-code': { type: 'string' }, pec: { type: 'string' } },
  });
  const customerCode = values['customer-code'] ?? '';
  const pec = values.pec ?? '';
  if (!isTenDigitCode(customerCode) || !isEmailAddress(pec)) {
    out('Uso: companies:invite --customer-code <10 cifre> --pec <indirizzo PEC>');
    return 2;
  }
  try {
    const { username } = await inviteCompany(
      { db: runtime.database.db, store: runtime.eventStore, cookieSecret: runtime.cookieSecret },
      { customerCode, pec },
      systemContext(new Date()),
    );
    out(
      `Invitata la ditta ${customerCode}: nome utente ${username}; le credenziali partono per PEC a ${pec}.`,
    );
    return 0;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    out(error.message);
    return 1;
  }
}
