import type { FastifyInstance } from 'fastify';
import { setCookieOf } from './client.js';

export interface BrowserResponse {
  readonly url: string;
  readonly status: number;
  readonly location: string | null;
  readonly headers: Headers;
  readonly body: string;
}

interface StoredCookie {
  readonly value: string;
  readonly path: string;
}

/**
 * A browser over real HTTP (fetch): keeps cookies by name and path as a browser does, never
 * follows a redirect by itself (tests look at each hop), posts forms with the CSRF token of the
 * last page it read.
 */
export class HttpBrowser {
  private readonly cookies = new Map<string, StoredCookie>();
  private csrfToken = '';

  constructor(readonly baseUrl: string) {}

  get(url: string): Promise<BrowserResponse> {
    return this.request('GET', url);
  }

  /** Posts a form url-encoded, with `_csrf` from the last page (fetched from / if none yet). */
  async post(url: string, fields: Record<string, string> = {}): Promise<BrowserResponse> {
    if (!this.csrfToken) await this.get('/');
    const body = new URLSearchParams({ _csrf: this.csrfToken, ...fields }).toString();
    return this.request('POST', url, body);
  }

  /** GETs and follows redirects, hop by hop, until a page that is not a redirect. */
  async follow(url: string, maxHops = 10): Promise<BrowserResponse> {
    let response = await this.get(url);
    for (let hop = 0; response.location && hop < maxHops; hop++) {
      response = await this.get(response.location);
    }
    return response;
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name)?.value;
  }

  /** Takes another browser's cookie, as an attacker replaying it would. */
  copyCookie(name: string, from: HttpBrowser): void {
    const cookie = from.cookies.get(name);
    if (cookie) this.cookies.set(name, cookie);
    else this.cookies.delete(name);
  }

  absolute(url: string): URL {
    return new URL(url, this.baseUrl);
  }

  private async request(method: string, url: string, body?: string): Promise<BrowserResponse> {
    const target = this.absolute(url);
    const headers: Record<string, string> = { cookie: this.cookieHeader(target.pathname) };
    if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await fetch(target, { method, headers, body, redirect: 'manual' });
    const text = await response.text();
    this.remember(target, response.headers);
    const token = /name="_csrf" value="([^"]+)"/.exec(text)?.[1];
    if (token) this.csrfToken = token;
    const location = response.headers.get('location');
    return {
      url: target.href,
      status: response.status,
      location: location ? new URL(location, target).href : null,
      headers: response.headers,
      body: text,
    };
  }

  private cookieHeader(path: string): string {
    return [...this.cookies]
      .filter(([, cookie]) => pathMatches(path, cookie.path))
      .map(([name, cookie]) => `${name}=${cookie.value}`)
      .join('; ');
  }

  private remember(url: URL, headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const { name, value, path, gone } = setCookieOf(line);
      if (gone) this.cookies.delete(name);
      else
        this.cookies.set(name, {
          value,
          path: path ?? (url.pathname.replace(/\/[^/]*$/, '') || '/'),
        });
    }
  }
}

const pathMatches = (requestPath: string, cookiePath: string): boolean =>
  requestPath === cookiePath ||
  (requestPath.startsWith(cookiePath) &&
    (cookiePath.endsWith('/') || requestPath.charAt(cookiePath.length) === '/'));

/** Listens on a free port of 127.0.0.1 (the OIDC flow needs real HTTP); returns the base URL. */
export async function listenOnFreePort(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('Not listening');
  return `http://127.0.0.1:${address.port}`;
}

/**
 * Everything up to the provider's redirect back to the portal: the start of the login, the local
 * provider's picker, the choice of `sub` at a SPID level (2 unless told). Returns the callback URL
 * (code, state, iss), not yet visited.
 */
export async function reachCallback(
  browser: HttpBrowser,
  sub: string,
  startUrl = '/osservatorio/accesso',
  level: '1' | '2' | '3' = '2',
): Promise<string> {
  const start = await browser.get(startUrl);
  if (start.status !== 303 || !start.location) throw hopError('start', start);
  const toInteraction = await browser.get(start.location);
  if (!toInteraction.location) throw hopError('authorization', toInteraction);
  const picker = await browser.get(toInteraction.location);
  if (picker.status !== 200) throw hopError('picker', picker);
  const interaction = new URL(picker.url).pathname;
  const chosen = await browser.post(`${interaction}/accedi`, { identita: sub, livello: level });
  if (chosen.status !== 303 || !chosen.location) throw hopError('choice', chosen);
  let hop = await browser.get(chosen.location);
  for (let hops = 0; hop.location && !isCallback(hop.location) && hops < 5; hops++) {
    hop = await browser.get(hop.location);
  }
  if (!hop.location || !isCallback(hop.location)) throw hopError('resume', hop);
  return hop.location;
}

const isCallback = (url: string) => new URL(url).pathname === '/osservatorio/callback';

/** A full SPID/CIE login of a demo identity; the browser then holds the portal's session. */
export async function loginWithIdentity(
  browser: HttpBrowser,
  identity: { readonly sub: string },
): Promise<BrowserResponse> {
  const callback = await browser.get(await reachCallback(browser, identity.sub));
  if (callback.status !== 303) throw hopError('callback', callback);
  return callback;
}

/** A new browser on `baseUrl`, logged in as the identity. */
export async function browserLoggedInAs(
  baseUrl: string,
  identity: { readonly sub: string },
): Promise<HttpBrowser> {
  const browser = new HttpBrowser(baseUrl);
  await loginWithIdentity(browser, identity);
  return browser;
}

function hopError(step: string, response: BrowserResponse): Error {
  return new Error(
    `Identity login failed at ${step}: ${response.status} ${response.url} → ${response.location ?? ''}\n${response.body.slice(0, 500)}`,
  );
}
