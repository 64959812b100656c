import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { accountStream } from '../../domain/accounts/accountDecider.js';
import type { AccountEvent, Role } from '../../domain/accounts/accountEvents.js';
import { romeDay } from '../../domain/shared/italianDate.js';
import type { AccountsDeps } from '../deps.js';
import { recordEvents } from '../platform/eventStore/commandHandler.js';
import { contentDisposition } from '../platform/http/contentDisposition.js';
import { renderError } from '../platform/http/errorPages.js';
import { hitRateLimit } from '../platform/http/rateLimit.js';
import { commandContext, requireRole } from './auth.js';
import { personalDataOf, type PersonalData } from './personalData.js';
import { renderPersonalDataPdfOffThread } from './personalDataPdf.js';

const everyone: Role[] = ['declarant', 'operator', 'auditor', 'admin'];
const downloadLimit = { limit: 10, windowSeconds: 60 * 60 };

type Format = Extract<AccountEvent, { type: 'PersonalDataExported' }>['data']['format'];

const formats: Record<
  Format,
  { readonly contentType: string; readonly body: (data: PersonalData) => Promise<Buffer | string> }
> = {
  json: {
    contentType: 'application/json; charset=utf-8',
    body: async (data) => `${JSON.stringify(data, null, 2)}\n`,
  },
  pdf: { contentType: 'application/pdf', body: renderPersonalDataPdfOffThread },
};

/**
 * «Scarica i miei dati» (GDPR art. 15 access, art. 20 portability): what the portal holds about
 * the logged-in person, as JSON or as a PDF to read. Each download is recorded on the person's
 * account stream; ten an hour at most, since each one reads much of the log.
 */
export function personalDataRoutes(app: FastifyInstance, deps: AccountsDeps): void {
  const loggedIn = { preHandler: requireRole(...everyone) };
  app.get('/profilo/i-miei-dati.json', loggedIn, (request, reply) =>
    download(request, reply, 'json'),
  );
  app.get('/profilo/i-miei-dati.pdf', loggedIn, (request, reply) =>
    download(request, reply, 'pdf'),
  );

  async function download(request: FastifyRequest, reply: FastifyReply, format: Format) {
    const account = request.account!;
    const now = deps.clock();
    const { db } = deps.database;
    const limit = await hitRateLimit(db, `personal-data:${account.accountId}`, downloadLimit, now);
    if (!limit.allowed) {
      reply.header('Retry-After', String(limit.retryAfterSeconds));
      const minutes = Math.ceil(limit.retryAfterSeconds / 60);
      return renderError(
        request,
        reply,
        429,
        `Hai già scaricato i tuoi dati ${downloadLimit.limit} volte nell’ultima ora: riprova tra ${minutes} ${minutes === 1 ? 'minuto' : 'minuti'}.`,
      );
    }
    const { contentType, body } = formats[format];
    const content = await body(await personalDataOf(deps, account, now));
    const exported: AccountEvent = { type: 'PersonalDataExported', data: { format } };
    await recordEvents(
      deps.eventStore,
      accountStream.id(account.accountId),
      [exported],
      commandContext(request, now),
    );
    const filename = `dati-personali-${account.username}-${romeDay(now)}.${format}`;
    return reply
      .header('Cache-Control', 'no-store')
      .header('Content-Disposition', contentDisposition('attachment', filename))
      .type(contentType)
      .send(content);
  }
}
