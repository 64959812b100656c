import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import {
  observatoryAdminsDecider,
  observatoryAdminsStream,
  type AdminCommand,
} from '../../domain/observatory/observatoryAdmins.js';
import { municipalityByIstat } from '../../domain/observatory/reference/municipalities.js';
import { DomainError } from '../../domain/shared/domainError.js';
import { isValidCodiceFiscale } from '../../domain/shared/italianIdentifiers.js';
import { systemContext } from '../accounts/staffAccounts.js';
import type { Config } from '../config.js';
import { handleCommand } from '../platform/eventStore/commandHandler.js';
import { municipalityCommand } from '../observatory/municipalityCommand.js';
import type { Runtime } from '../runtime.js';

type Out = (line: string) => void;

async function refusedOrDone(out: Out, work: () => Promise<string>): Promise<number> {
  try {
    out(await work());
    return 0;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    out(error.message);
    return 1;
  }
}

const adminsCommand = (runtime: Runtime, command: AdminCommand) =>
  handleCommand(
    runtime.eventStore,
    observatoryAdminsDecider,
    observatoryAdminsStream.id(),
    command,
    {
      ...systemContext(new Date()),
      commandId: randomUUID(),
    },
  );

/** observatory:grant-admin --fiscal-code RSSMRA80A01A662A — the first admin, or any later one. */
export async function observatoryGrantAdmin(
  runtime: Runtime,
  argv: readonly string[],
  out: Out,
): Promise<number> {
  const { values } = parseArgs({ args: [...argv], options: { 'fiscal-code': { type: 'string' } } });
  const fiscalCode = (values['fiscal-code'] ?? '').toUpperCase();
  if (!isValidCodiceFiscale(fiscalCode)) {
    out('Uso: observatory:grant-admin --fiscal-code <codice fiscale valido>');
    return 2;
  }
  return refusedOrDone(out, async () => {
    await adminsCommand(runtime, { type: 'GrantObservatoryAdmin', fiscalCode, by: 'system' });
    return `${fiscalCode} è ora amministratore dell'Osservatorio Rifiuti.`;
  });
}

/** observatory:revoke-admin --fiscal-code … --reason "…" — never the last admin. */
export async function observatoryRevokeAdmin(
  runtime: Runtime,
  argv: readonly string[],
  out: Out,
): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: { 'fiscal-code': { type: 'string' }, reason: { type: 'string' } },
  });
  const fiscalCode = (values['fiscal-code'] ?? '').toUpperCase();
  if (!isValidCodiceFiscale(fiscalCode) || !values.reason) {
    out('Uso: observatory:revoke-admin --fiscal-code <codice fiscale> --reason "<motivo>"');
    return 2;
  }
  return refusedOrDone(out, async () => {
    await adminsCommand(runtime, {
      type: 'RevokeObservatoryAdmin',
      fiscalCode,
      by: 'system',
      reason: values.reason!,
    });
    return `${fiscalCode} non è più amministratore dell'Osservatorio Rifiuti.`;
  });
}

/** observatory:assign --istat 072006 --fiscal-code … --email ambiente@comune.bari.it */
export async function observatoryAssign(
  runtime: Runtime,
  argv: readonly string[],
  out: Out,
  config: Config,
): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      istat: { type: 'string' },
      'fiscal-code': { type: 'string' },
      email: { type: 'string' },
      reason: { type: 'string' },
    },
  });
  const municipality = municipalityByIstat(values.istat ?? '');
  const fiscalCode = (values['fiscal-code'] ?? '').toUpperCase();
  if (!municipality || !isValidCodiceFiscale(fiscalCode) || !values.email || !values.reason) {
    out(
      'Uso: observatory:assign --istat <codice ISTAT di un comune pugliese> --fiscal-code <codice fiscale> --email <e-mail istituzionale> --reason <motivo>',
    );
    return 2;
  }
  return refusedOrDone(out, async () => {
    await municipalityCommand(
      runtime.eventStore,
      {
        type: 'AssignOfficer',
        istatCode: municipality.istatCode,
        fiscalCode,
        email: values.email!,
        reason: values.reason!,
        adminId: 'system',
        institutionalDomains: config.OBSERVATORY_EMAIL_DOMAINS,
      },
      { ...systemContext(new Date()), commandId: randomUUID() },
    );
    return `${fiscalCode} è ora l'utente del Comune di ${municipality.name}.`;
  });
}
