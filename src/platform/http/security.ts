import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import helmet from '@fastify/helmet';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The route acts only on what a signed token in its own URL names, never on cookies (a mail
     * client's one-click POST carries none): a cross-site request gains nothing from it, so no
     * CSRF token is asked.
     */
    signedLink?: boolean;
    /**
     * The route acts only for the holder of the token in its Authorization header (software, not
     * a browser), never on cookies: a cross-site form cannot set that header, so no CSRF token is
     * asked either.
     */
    bearerToken?: boolean;
  }
}

/**
 * Security headers (strict CSP: no inline script or style), signed cookies, and CSRF checked on
 * every unsafe method: forms post the token as `_csrf`, htmx sends it as `x-csrf-token` (a route
 * authorised by a signed link alone is the exception, marked `signedLink`, and so is one
 * authorised by a bearer token alone, marked `bearerToken`).
 */
export const securityPlugin = fp(
  async (app: FastifyInstance, options: { cookieSecret: string; secureCookies: boolean }) => {
    await app.register(helmet, {
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          baseUri: ["'self'"],
          objectSrc: ["'none'"],
        },
      },
      hsts: options.secureCookies,
      crossOriginEmbedderPolicy: false,
    });
    await app.register(cookie, { secret: options.cookieSecret });
    await app.register(csrf, {
      cookieKey: 'dichiara-csrf',
      cookieOpts: {
        path: '/',
        signed: true,
        httpOnly: true,
        sameSite: 'lax',
        secure: options.secureCookies,
      },
      getToken: (request: FastifyRequest) => {
        // Url-encoded forms give a string; multipart forms (attachFieldsToBody) a { value } field.
        const field = (request.body as Record<string, unknown> | undefined)?._csrf;
        const value =
          typeof field === 'object' && field !== null
            ? (field as { value?: unknown }).value
            : field;
        const fromBody = typeof value === 'string' ? value : undefined;
        const fromHeader = request.headers['x-csrf-token'];
        return fromBody ?? (typeof fromHeader === 'string' ? fromHeader : undefined);
      },
    });
    app.addHook('preHandler', (request, reply, done) => {
      const { signedLink, bearerToken } = request.routeOptions.config;
      if (unsafeMethods.has(request.method) && signedLink !== true && bearerToken !== true)
        app.csrfProtection(request, reply, done);
      else done();
    });
    app.addHook('onSend', async (request, reply, payload) => {
      // Pages and their htmx fragments share URLs: caches must keep them apart.
      if (String(reply.getHeader('content-type') ?? '').startsWith('text/html')) {
        reply.header('Vary', 'HX-Request');
      }
      // What a signed-in person sees is theirs: no browser history or shared proxy may keep it.
      // A download that set its own Cache-Control keeps it.
      if ((request.account || request.identity) && !reply.hasHeader('cache-control')) {
        reply.header('Cache-Control', 'no-store');
      }
      return payload;
    });
  },
);
