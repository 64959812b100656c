import { Eta } from 'eta';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { fileURLToPath } from 'node:url';

const viewsDir = fileURLToPath(new URL('../../views', import.meta.url));

declare module 'fastify' {
  interface FastifyReply {
    /**
     * Renders a template: a page when it calls layout(), a partial (what htmx swaps in place)
     * when it does not.
     */
    view(template: string, data?: object): FastifyReply;
  }
}

export const isHtmx = (request: FastifyRequest): boolean =>
  request.headers['hx-request'] === 'true' &&
  request.headers['hx-history-restore-request'] !== 'true';

/** eta templates, escaped by default (`<%= %>`); every template gets the CSRF token and the path. */
export const viewsPlugin = fp(async (app: FastifyInstance, options: { cache: boolean }) => {
  const eta = new Eta({ views: viewsDir, cache: options.cache, autoEscape: true, autoTrim: false });

  app.decorateReply('view', function (this: FastifyReply, template: string, data: object = {}) {
    const html = eta.render(template, {
      csrfToken: this.generateCsrf(),
      account: this.request.account,
      path: this.request.url.split('?')[0],
      ...data,
    });
    return this.type('text/html; charset=utf-8').send(html);
  });
});
