import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { FlowStatus } from '../../../domain/observatory/monthlyFlow.js';
import { flowStream, monthlyFlowDecider } from '../../../domain/observatory/monthlyFlowDecider.js';
import { isYearMonth } from '../../../domain/observatory/months.js';
import { DomainError } from '../../../domain/shared/domainError.js';
import { recordApiTokenUse } from '../../../projections/observatory/apiTokens.js';
import type { ObservatoryDeps } from '../../deps.js';
import { handleCommand } from '../../platform/eventStore/commandHandler.js';
import { describeError, type HandledError } from '../../platform/http/errorPages.js';
import { maxFormRows } from '../../platform/http/forms.js';
import { hitRateLimit } from '../../platform/http/rateLimit.js';
import { checkRows, type FlowField, type RowProblem } from '../flowRows.js';
import { authenticate, type ApiKeyHolder } from './apiTokenAuth.js';

/**
 * `POST /api/osservatorio/flussi/:istat/:mese`: software files a municipality's month with the
 * municipality's API token. The same rows, rules and events as the month's form (SaveFlowDraft,
 * or SubmitMonthlyFlow with `"invia": true`); answers in JSON, in Italian. No session and no
 * cookie is read, so no CSRF token is asked (`bearerToken`).
 */

/** Requests from one address in a minute: a program files a month at a time, a few times. */
const perAddress = { limit: 60, windowSeconds: 60 };

const apiParams = z.object({
  istat: z.string().regex(/^\d{6}$/),
  mese: z.string().refine((month) => isYearMonth(month) && month >= '2018-01'),
});

const cell = z
  .union([z.string(), z.number()], { error: 'Indicare un testo o un numero.' })
  .transform(String)
  .optional();

const apiRow = z.object(
  {
    eer: cell,
    tonnellate: cell,
    modalita: cell,
    trasportatore: cell,
    impianto: cell,
    operazione: cell,
  },
  { error: 'Ogni riga deve essere un oggetto JSON con i campi della riga.' },
);

const apiBody = z.object(
  {
    righe: z
      .array(apiRow, { error: '«righe» deve essere un elenco di righe.' })
      .max(maxFormRows, `Al massimo ${maxFormRows} righe per mese.`),
    invia: z.boolean({ error: '«invia» deve essere true o false.' }).default(false),
  },
  {
    error:
      'Il corpo della richiesta deve essere un oggetto JSON: { "righe": […], "invia": false }.',
  },
);

/** The API's name of each field of a row. */
const apiNames: Record<FlowField, keyof z.output<typeof apiRow>> = {
  eerCode: 'eer',
  tonnellate: 'tonnellate',
  modalita: 'modalita',
  trasportatore: 'trasportatore',
  impianto: 'impianto',
  operazione: 'operazione',
};

const statusNames: Record<FlowStatus, string> = {
  empty: 'vuoto',
  draft: 'bozza',
  submitted: 'inviato',
  'unlock-requested': 'sblocco-richiesto',
  unlocked: 'sbloccato',
};

const answer = (reply: FastifyReply, status: number, body: object) =>
  reply.code(status).header('Cache-Control', 'no-store').send(body);

const rowErrors = (problems: readonly RowProblem[]) =>
  problems.map((problem) => ({
    riga: problem.line,
    campo: apiNames[problem.field],
    messaggio: problem.message,
  }));

export function flowApiRoutes(app: FastifyInstance, deps: ObservatoryDeps): void {
  // JSON for every error of this scope, with the status and the words of the pages.
  app.setErrorHandler((error: HandledError, request, reply) => {
    const { status, message } = describeError(error, request);
    if (status >= 500) request.log.error({ err: error }, 'API request failed');
    const text = message || `Errore imprevisto: comunicare al supporto il codice ${request.id}.`;
    const field = error instanceof DomainError && error.field ? { campo: error.field } : {};
    return answer(reply, status, { messaggio: text, ...field });
  });

  /** Who calls, counted per address before the token is even looked at; null when let in. */
  async function gate(request: FastifyRequest, reply: FastifyReply): Promise<ApiKeyHolder | null> {
    const limit = await hitRateLimit(
      deps.database.db,
      `flow-api:ip:${request.ip}`,
      perAddress,
      deps.clock(),
    );
    if (!limit.allowed) {
      reply.header('Retry-After', String(limit.retryAfterSeconds));
      await answer(reply, 429, { messaggio: 'Troppe richieste: riprova tra un minuto.' });
      return null;
    }
    const authentication = await authenticate(deps, request);
    if (!authentication.ok) {
      reply.header('WWW-Authenticate', 'Bearer realm="osservatorio"');
      await answer(reply, 401, { messaggio: authentication.message });
      return null;
    }
    return authentication.key;
  }

  app.post('/flussi/:istat/:mese', { config: { bearerToken: true } }, async (request, reply) => {
    const key = await gate(request, reply);
    if (!key) return reply;
    const params = apiParams.safeParse(request.params);
    if (!params.success) return answer(reply, 404, { messaggio: 'Comune o mese non validi.' });
    const { istat, mese } = params.data;
    if (istat !== key.istatCode) {
      request.log.warn({ keyId: key.keyId, istat }, 'API token used for another municipality');
      return answer(reply, 403, {
        messaggio: `Il token è del comune ${key.istatCode}: non può inviare i dati del comune ${istat}.`,
      });
    }
    const body = apiBody.safeParse(request.body);
    if (!body.success) {
      const errors = body.error.issues.map((issue) => ({
        campo: issue.path.join('.') || 'corpo',
        messaggio: issue.message,
      }));
      return answer(reply, 422, { messaggio: 'Richiesta non valida.', errori: errors });
    }
    const check = checkRows(
      body.data.righe.map((row, index) => ({
        line: index + 1,
        values: {
          eerCode: row.eer,
          tonnellate: row.tonnellate,
          modalita: row.modalita,
          trasportatore: row.trasportatore,
          impianto: row.impianto,
          operazione: row.operazione,
        },
      })),
    );
    if (!check.ok)
      return answer(reply, 422, {
        messaggio: `Dati non validi: ${check.problems.length === 1 ? '1 errore' : `${check.problems.length} errori`}.`,
        errori: rowErrors(check.problems),
      });

    const actor = `api-token:${key.keyId}`;
    const now = deps.clock();
    const submit = body.data.invia;
    const command = {
      type: submit ? ('SubmitMonthlyFlow' as const) : ('SaveFlowDraft' as const),
      istatCode: istat,
      month: mese,
      officerId: actor,
      rows: check.rows,
      now,
    };
    const result = await handleCommand(
      deps.eventStore,
      monthlyFlowDecider,
      flowStream.id(istat, mese),
      command,
      {
        commandId:
          idempotencyKey(request, key, { istat, mese, submit, rows: check.rows }) ?? randomUUID(),
        correlationId: request.id,
        actor: { id: actor, role: 'municipality-api' },
        clientIp: request.ip,
        now,
      },
    );
    await recordApiTokenUse(deps.database.db, key.keyId, now, request.ip);
    await deps.projections.waitFor(result.position);
    // What was recorded, the first time for a retried request: never what this one asked for.
    const submitted = result.events.some((event) => event.type === 'MonthlyFlowSubmitted');
    return answer(reply, submitted ? 201 : 200, {
      messaggio: submitted ? 'Mese inviato.' : 'Bozza salvata.',
      comune: istat,
      mese,
      stato: statusNames[result.state.status],
      versione: result.state.versions,
      righe: result.state.rows.length,
    });
  });
}

/**
 * The client's `Idempotency-Key`, so that a request retried after a timeout counts once: scoped
 * to the key that sent it, the month and what was asked, so two programs cannot collide and a key
 * reused for another request is another command.
 */
function idempotencyKey(request: FastifyRequest, key: ApiKeyHolder, asked: object): string | null {
  const header = request.headers['idempotency-key'];
  if (typeof header !== 'string' || !/^[\w-]{8,64}$/.test(header)) return null;
  const digest = createHash('sha256').update(JSON.stringify(asked)).digest('hex').slice(0, 32);
  return `api-${key.keyId}-${header}-${digest}`;
}
