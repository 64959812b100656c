import type { FastifyRequest } from 'fastify';
import { accountDecider, accountStream } from '../../domain/accounts/accountDecider.js';
import { sameDetails } from '../../domain/accounts/changeCompanyDetails.js';
import type { UpdateProfile } from '../../domain/accounts/updateProfile.js';
import { samePlant } from '../../domain/contracts/changePlantAddress.js';
import { contractDecider, contractStream } from '../../domain/contracts/contractDecider.js';
import type { Decider, DomainEvent } from '../../domain/shared/decider.js';
import { DomainError } from '../../domain/shared/domainError.js';
import type { EventStore, GlobalPosition } from '../platform/eventStore/eventStore.js';
import {
  handleCommand,
  readState,
  type CommandContext,
} from '../platform/eventStore/commandHandler.js';
import { refuseIfAny, type Done } from '../platform/http/command.js';
import type { FieldErrors } from '../platform/http/forms.js';
import { actingOf } from './auth.js';
import type { ProfileForm } from './profile.schema.js';
import type { ProfileCompany } from './profileCompanies.js';

/** One command of the profile form, on its stream; its errors go beside the fields under `prefix`. */
interface Step {
  check(errors: FieldErrors): Promise<void>;
  run(context: CommandContext): Promise<{ position: GlobalPosition | null; types: string[] }>;
}

function step<S, C, E extends DomainEvent>(
  store: EventStore,
  decider: Decider<S, C, E>,
  streamId: string,
  command: C,
  prefix: string,
): Step {
  const fieldOf = (field: string | undefined) =>
    field === 'currentPassword' || !prefix ? (field ?? '_form') : `${prefix}[${field ?? 'name'}]`;
  return {
    async check(errors) {
      const { state } = await readState(store, decider, streamId);
      try {
        decider.decide(command, state);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        if (error.kind !== 'validation' && error.kind !== 'conflict') throw error;
        errors[fieldOf(error.field)] ??= error.message;
      }
    },
    async run(context) {
      const result = await handleCommand(store, decider, streamId, command, context);
      return { position: result.position, types: result.events.map((event) => event.type) };
    },
  };
}

const unknown = () =>
  new DomainError('PageUnknown', 'not-found', 'Ditta o contratto non trovato tra i tuoi.');

/**
 * «Modifica profilo» as commands: the referent's own details, then each company identity and each
 * plant address that differs from the one in force. Every rule is checked before anything is
 * recorded, so a refused form records nothing; a company or contract not the organisation's is
 * a 404.
 */
export function profileSteps(
  store: EventStore,
  request: FastifyRequest,
  form: ProfileForm,
  companies: readonly ProfileCompany[],
  commands: { readonly updateProfile: UpdateProfile; readonly currentPasswordOk: boolean },
): Step[] {
  const account = request.account!;
  const steps: Step[] = [];
  const acting = account.role === 'declarant' ? actingOf(request) : null;
  form.companies.forEach(({ customerCode, ...details }, i) => {
    const company = companies.find((c) => c.customerCode === customerCode && c.details);
    if (!company || !acting) throw unknown();
    if (sameDetails(company.details!, details)) return;
    const command = {
      type: 'RequestCompanyDetailsChange' as const,
      customerCode,
      details,
      requestedBy: acting.personId,
      role: acting.role,
      currentPasswordOk: commands.currentPasswordOk,
    };
    const stream = accountStream.id(acting.organisationId);
    steps.push(step(store, accountDecider, stream, command, `companies[${i}]`));
  });
  form.contracts.forEach(({ contractNumber, ...plant }, k) => {
    const contract = companies
      .flatMap((company) => company.contracts)
      .find((c) => c.contractNumber === contractNumber);
    if (!contract || !acting) throw unknown();
    if (samePlant(contract.plant, plant)) return;
    const command = {
      type: 'RequestPlantAddressChange' as const,
      accountId: acting.organisationId,
      role: acting.role,
      plant,
      currentPasswordOk: commands.currentPasswordOk,
    };
    const stream = contractStream.id(contractNumber);
    steps.push(step(store, contractDecider, stream, command, `contracts[${k}]`));
  });
  const referentChanged =
    form.fullName !== account.fullName ||
    form.phone !== account.phone ||
    form.newEmail !== null ||
    form.newPassword !== null;
  // With nothing else to do, the referent's command says why (wrong password, nothing changed).
  if (referentChanged || steps.length === 0) {
    const stream = accountStream.id(account.accountId);
    steps.unshift(step(store, accountDecider, stream, commands.updateProfile, ''));
  }
  return steps;
}

/** Checks every step, then records them one by one (each its own command id): the page waits for the last. */
export async function runSteps(
  steps: readonly Step[],
  context: () => CommandContext,
  redirect: (recorded: ReadonlySet<string>) => string,
): Promise<Done> {
  const errors: FieldErrors = {};
  for (const each of steps) await each.check(errors);
  refuseIfAny(errors);
  let position: GlobalPosition | null = null;
  const recorded = new Set<string>();
  for (const each of steps) {
    const result = await each.run(context());
    position = result.position ?? position;
    for (const type of result.types) recorded.add(type);
  }
  return { position, redirect: redirect(recorded) };
}
