import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { renderError } from './errorPages.js';
import { uploadLimits } from './requestLimits.js';

/** All the files and fields of one request together: the wizard's ten files stay well below. */
export const maxUploadBytes = 50 * 1024 * 1024;

// Anywhere in the header, in any case: fastify's parser forgives spaces before the type.
const isMultipart = (request: FastifyRequest) =>
  /multipart\/form-data/i.test(request.headers['content-type'] ?? '');

/**
 * Before a byte of the body is read: files only from a signed-in account or digital identity
 * (the observatory's), with a declared length (Node stops the body there) no larger than the
 * scope's maximum.
 */
const refuseUnwantedUploads =
  (maxBytes: number) => async (request: FastifyRequest, reply: FastifyReply) => {
    if (!isMultipart(request)) return;
    if (!request.account && !request.identity)
      return renderError(
        request,
        reply,
        403,
        'Per inviare file occorre aver effettuato l’accesso: accedi e riprova.',
      );
    const length = Number(request.headers['content-length']);
    if (!request.headers['content-length'] || !Number.isSafeInteger(length))
      return renderError(request, reply, 411, 'Invio dei file non valido: riprova dal modulo.');
    if (length > maxBytes)
      return renderError(
        request,
        reply,
        413,
        `I file inviati superano in totale la dimensione massima di ${maxBytes / 1024 / 1024} MB.`,
      );
  };

/**
 * Registers `routes` in a scope of their own, the only one that reads multipart bodies: posted
 * anywhere else, a multipart body is a 415 and is never read. Uploads are read into memory with
 * hard limits, before the CSRF check reads their fields: `maxBytes` in all for one request.
 */
export async function withUploads(
  app: FastifyInstance,
  routes: (scope: FastifyInstance) => void,
  maxBytes = maxUploadBytes,
): Promise<void> {
  await app.register(async (scope) => {
    scope.addHook('onRequest', refuseUnwantedUploads(maxBytes));
    await scope.register(multipart, {
      attachFieldsToBody: true,
      limits: uploadLimits,
    });
    routes(scope);
  });
}
