import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type DomainErrorKind } from '../../../domain/shared/domainError.js';
import { isDatabaseUnavailable } from '../db/databaseUnavailable.js';
import { DuplicateEventIdError, WrongExpectedVersionError } from '../eventStore/eventStore.js';
import { limitMessage } from './requestLimits.js';
import { isHtmx } from './views.js';

const statusByKind: Record<DomainErrorKind, number> = {
  validation: 422,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
};

const titles: Record<number, string> = {
  400: 'Richiesta non valida',
  403: 'Accesso negato',
  404: 'Pagina non trovata',
  409: 'Operazione non possibile',
  411: 'Richiesta non valida',
  413: 'Limite superato',
  414: 'Indirizzo troppo lungo',
  415: 'Formato non supportato',
  422: 'Dati non validi',
  429: 'Troppi tentativi',
  500: 'Errore del servizio',
  503: 'Servizio non disponibile',
};

const defaultMessages: Record<number, string> = {
  400: 'La richiesta non è valida.',
  403: 'Non hai i permessi per questa operazione.',
  404: 'La pagina richiesta non esiste o non è più disponibile.',
  413: 'I dati o il file inviati superano la dimensione massima consentita.',
  415: 'Il formato dei dati inviati non è supportato.',
  429: 'Troppi tentativi ravvicinati: attendi qualche minuto e riprova.',
  503: 'Il servizio è momentaneamente non disponibile: riprova tra poco.',
};

const csrfCodes = new Set(['FST_CSRF_INVALID_TOKEN', 'FST_CSRF_MISSING_SECRET']);

// About as long as the database takes to restart or fail over.
const retryAfterSeconds = 30;

export type HandledError =
  FastifyError | DomainError | DuplicateEventIdError | WrongExpectedVersionError;

/** The status and the Italian sentence for an error: the pages' and the JSON API's alike. */
export function describeError(
  error: HandledError,
  request: FastifyRequest,
): { status: number; message: string } {
  if (error instanceof DomainError) {
    return { status: statusByKind[error.kind], message: error.message };
  }
  if (error instanceof DuplicateEventIdError) {
    // The form's command id already made events elsewhere: a form copied or posted twice.
    return {
      status: 409,
      message:
        'Questo modulo è già stato inviato per un’altra operazione: ricarica la pagina e riprova.',
    };
  }
  if (error instanceof WrongExpectedVersionError) {
    // Others kept changing the same record while the command handler retried.
    return {
      status: 409,
      message:
        'Altri stanno modificando gli stessi dati in questo momento: ricarica la pagina e riprova.',
    };
  }
  if (csrfCodes.has(error.code)) {
    return {
      status: 403,
      message:
        'Il modulo è scaduto o non proviene da questo portale: ricarica la pagina e riprova.',
    };
  }
  if (isDatabaseUnavailable(error)) return { status: 503, message: defaultMessages[503]! };
  const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
  const limit = status === 413 ? limitMessage(error, request) : null;
  if (limit) return { status, message: limit };
  const fallback = status >= 500 ? '' : defaultMessages[400]!;
  return { status, message: defaultMessages[status] ?? fallback };
}

/** The page (or, for htmx, the alert partial swapped into #flash) for a status and a message. */
export function renderError(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  message: string,
): FastifyReply {
  reply.code(status);
  if (status === 503) reply.header('Retry-After', String(retryAfterSeconds));
  const data = {
    status,
    title: titles[status] ?? titles[500]!,
    message:
      message ||
      `Si è verificato un errore imprevisto. Riprova più tardi; se il problema persiste, ` +
        `comunica al supporto il codice ${request.id}.`,
    requestId: request.id,
  };
  try {
    if (isHtmx(request)) {
      reply.header('HX-Retarget', '#flash').header('HX-Reswap', 'innerHTML');
      return reply.view('errors/_alert', data);
    }
    return reply.view('errors/error', data);
  } catch (error) {
    // The error page itself failed: say little, and nothing of the internals.
    request.log.error({ err: error }, 'Rendering the error page failed');
    return reply.type('text/plain; charset=utf-8').send(`${data.title}. ${data.message}`);
  }
}

/**
 * A URL the router refused before any hook ran (undecodable, a parameter too long): the reply
 * has none of the app's decorations, so the error page is rendered without a session or a form.
 */
export function renderRefusedUrl(
  request: FastifyRequest,
  reply: FastifyReply,
  status: 400 | 414,
): void {
  const html = request.server.renderBarePage('errors/error', {
    status,
    title: titles[status],
    message: 'L’indirizzo della pagina non è valido: controllare il link.',
    requestId: request.id,
  });
  void reply.code(status).type('text/html; charset=utf-8').send(html);
}

/** One place turns every error into a status and an Italian page: 5xx never shows internals. */
export function registerErrorPages(app: FastifyInstance): void {
  app.setErrorHandler((error: HandledError, request, reply) => {
    const { status, message } = describeError(error, request);
    if (status >= 500) request.log.error({ err: error }, 'Request failed');
    else
      request.log.info({ code: 'code' in error ? error.code : error.name, status }, error.message);
    return renderError(request, reply, status, message);
  });
  app.setNotFoundHandler((request, reply) =>
    renderError(request, reply, 404, defaultMessages[404]!),
  );
}
