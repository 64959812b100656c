import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { DomainError } from '../../../domain/shared/domainError.js';
import type { GlobalPosition } from '../eventStore/eventStore.js';
import { nestFields, parseForm, type FieldErrors } from './forms.js';
import { seeOther } from './views.js';

/** What a form's work hands back: the position its pages must show, and the page to go to. */
export interface Done {
  readonly position: GlobalPosition | null;
  readonly redirect: string;
}

/** The projection runner: waits until the read models have applied the log up to a position. */
export interface ReadModels {
  waitFor(position: GlobalPosition | null): Promise<unknown>;
}

export interface FormSubmission<S extends z.ZodType> {
  /** The form's schema: the only way a posted value reaches a command. */
  readonly schema: S;
  /** Runs the command(s) with the parsed form. */
  readonly run: (form: z.output<S>) => Promise<Done>;
  /** The form again (the reply already carries 422), each error beside its field. */
  readonly invalid: (
    errors: FieldErrors,
    values: Record<string, unknown>,
  ) => FastifyReply | Promise<FastifyReply>;
}

/** The posted form, nested (`companies[0][name]`), parsed by its schema; `values` to show again. */
export function parseBody<S extends z.ZodType>(schema: S, request: FastifyRequest) {
  const values = nestFields(request.body);
  return { ...parseForm(schema, values), values };
}

/** Thrown by `run` when checks against the log or the read models refuse several fields at once. */
export class FormRefused extends Error {
  constructor(readonly errors: FieldErrors) {
    super('Form refused');
  }
}

/** Throws the errors found, if any: after every check has had its say. */
export function refuseIfAny(errors: FieldErrors): void {
  if (Object.keys(errors).length > 0) throw new FormRefused(errors);
}

/**
 * A domain error naming a field is shown beside it; any other goes to the error page, with its
 * status (409 for a conflict) and its message.
 */
function fieldErrorOf(error: unknown): FieldErrors | null {
  if (error instanceof FormRefused) return error.errors;
  if (!(error instanceof DomainError) || !error.field) return null;
  if (error.kind !== 'validation' && error.kind !== 'conflict') return null;
  return { [error.field]: error.message };
}

/**
 * The one path from a posted form to a command: the body is parsed by the form's schema, the work
 * runs, the pages are brought up to date (read-your-writes), and the answer is a 303 (HX-Redirect
 * for htmx) or the form again with 422 and each error beside its field. `run` may throw a
 * DomainError naming a field for checks only the log or the read models can make.
 */
export async function submitForm<S extends z.ZodType>(
  request: FastifyRequest,
  reply: FastifyReply,
  readModels: ReadModels,
  submission: FormSubmission<S>,
): Promise<FastifyReply> {
  const form = parseBody(submission.schema, request);
  if (!form.ok) {
    reply.code(422);
    return submission.invalid(form.errors, form.values);
  }
  let done: Done;
  try {
    done = await submission.run(form.data);
  } catch (error) {
    const errors = fieldErrorOf(error);
    if (!errors) throw error;
    reply.code(422);
    return submission.invalid(errors, form.values);
  }
  await readModels.waitFor(done.position);
  return seeOther(request, reply, done.redirect);
}

/**
 * The command id a form carries, so that posting it twice makes one command (the store refuses
 * the second); a missing or malformed one is a new id.
 */
export const commandIdField = z
  .string()
  .regex(/^[\w-]{8,64}$/)
  .catch(() => randomUUID());

/** The schema of a form that posts nothing but its CSRF token (a button). */
export const noFields = z.object({});

const notFound = () =>
  new DomainError(
    'PageUnknown',
    'not-found',
    'La pagina richiesta non esiste o non è più disponibile.',
  );

/** The route's path parameters by its schema: anything else names no page (404). */
export function paramsOf<S extends z.ZodType>(schema: S, request: FastifyRequest): z.output<S> {
  const parsed = schema.safeParse(request.params);
  if (!parsed.success) throw notFound();
  return parsed.data;
}

/** The query by the route's schema: a value outside it is a 404 (schemas `.catch()` what is optional). */
export function queryOf<S extends z.ZodType>(schema: S, request: FastifyRequest): z.output<S> {
  const parsed = schema.safeParse(request.query ?? {});
  if (!parsed.success) throw notFound();
  return parsed.data;
}

const outcomeQuery = z.object({ esito: z.string().max(40).optional().catch(undefined) });

/** The notice a page shows after a redirect with ?esito=…: only an outcome the page knows. */
export function noticeOf(
  request: FastifyRequest,
  outcomes: Readonly<Record<string, string>>,
): string | undefined {
  const { esito } = queryOf(outcomeQuery, request);
  return esito !== undefined && Object.hasOwn(outcomes, esito) ? outcomes[esito] : undefined;
}
