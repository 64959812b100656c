import { Eta } from 'eta';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { fileURLToPath } from 'node:url';

const viewsDir = fileURLToPath(new URL('../../../views', import.meta.url));

declare module 'fastify' {
  interface FastifyInstance {
    /** A page for a request no hook has seen (a URL the router refused): no session, no form. */
    renderBarePage(template: string, data: object): string;
  }
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

declare module 'fastify' {
  interface FastifyRequest {
    /** What an area's preHandler adds to every page of the request, e.g. its header's facts. */
    viewLocals: Readonly<Record<string, unknown>> | null;
  }
}

/**
 * eta templates, escaped by default (`<%= %>`); every template gets the CSRF token and the path.
 * Each is compiled once per process (compiling took a quarter of a page's CPU): `npm run dev`
 * restarts the portal when a template changes.
 */
export const viewsPlugin = fp(async (app: FastifyInstance) => {
  const eta = new Eta({ views: viewsDir, cache: true, autoEscape: true, autoTrim: false });

  app.decorateRequest('viewLocals', null);
  app.decorate('renderBarePage', (template: string, data: object) =>
    eta.render(template, { csrfToken: '', path: '/', ...data }),
  );
  app.decorateReply('view', function (this: FastifyReply, template: string, data: object = {}) {
    const html = eta.render(template, {
      flash: takeFlash(this.request, this),
      csrfToken: this.generateCsrf(),
      account: this.request.account,
      identity: this.request.identity,
      path: this.request.url.split('?')[0],
      ...this.request.viewLocals,
      ...data,
    });
    return this.type('text/html; charset=utf-8').send(html);
  });
});

const flashCookie = 'dichiara-avviso';

/** A notice for the next full page the browser shows, after a redirect: a signed cookie. */
export function flash(reply: FastifyReply, message: string, { secure }: { secure: boolean }): void {
  reply.setCookie(flashCookie, message, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    signed: true,
    secure,
    maxAge: 300,
  });
}

/** The notice, once: a page shows it and clears it; an htmx fragment leaves it for the page. */
function takeFlash(request: FastifyRequest, reply: FastifyReply): string | null {
  const cookie = request.cookies[flashCookie];
  if (!cookie || isHtmx(request)) return null;
  reply.clearCookie(flashCookie, { path: '/' });
  const unsigned = request.unsignCookie(cookie);
  return unsigned.valid ? unsigned.value : null;
}

/**
 * After a successful POST: 303 to the next page; for htmx, HX-Redirect so the browser loads the
 * whole page (following a 303 itself, htmx would swap the next page into the form).
 */
export function seeOther(request: FastifyRequest, reply: FastifyReply, url: string): FastifyReply {
  if (isHtmx(request)) return reply.header('HX-Redirect', url).code(204).send();
  return reply.redirect(url, 303);
}
