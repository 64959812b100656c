import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';

/** A Set-Cookie line read as a browser reads it: the pair, and when and where it holds. */
export function setCookieOf(line: string): {
  name: string;
  value: string;
  path: string | undefined;
  gone: boolean;
} {
  const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
  const equals = pair.indexOf('=');
  const attribute = (key: string) =>
    attributes.find((part) => part.toLowerCase().startsWith(`${key}=`))?.slice(key.length + 1);
  const expires = attribute('expires');
  return {
    name: pair.slice(0, equals),
    value: pair.slice(equals + 1),
    path: attribute('path'),
    gone: attribute('max-age') === '0' || Boolean(expires && Date.parse(expires) < Date.now()),
  };
}

/** A request as app.inject takes it, sent over real HTTP, its answer as app.inject gives it. */
async function overHttp(baseUrl: string, options: InjectOptions): Promise<LightMyRequestResponse> {
  const response = await fetch(new URL(options.url as string, baseUrl), {
    method: options.method as string,
    headers: options.headers as Record<string, string>,
    body:
      typeof options.payload === 'string' || options.payload === undefined
        ? options.payload
        : new Uint8Array(options.payload as Buffer),
    redirect: 'manual',
  });
  const rawPayload = Buffer.from(await response.arrayBuffer());
  const body = rawPayload.toString('utf8');
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => (headers[name] = value));
  return {
    statusCode: response.status,
    headers,
    rawPayload,
    body,
    payload: body,
    json: () => JSON.parse(body) as unknown,
    cookies: response.headers.getSetCookie().map((line) => {
      const { name, value, gone } = setCookieOf(line);
      return { name, value, ...(gone ? { maxAge: 0 } : {}) };
    }),
  } as unknown as LightMyRequestResponse;
}

/**
 * A browser-like client over app.inject, or over HTTP to a portal of its own process (a base
 * URL): keeps cookies, reads the CSRF token from the last page, posts forms url-encoded as a
 * browser does.
 */
export class TestClient {
  private readonly cookies = new Map<string, string>();
  private csrfToken = '';

  constructor(private readonly app: FastifyInstance | string) {}

  private inject(options: InjectOptions): Promise<LightMyRequestResponse> {
    return typeof this.app === 'string' ? overHttp(this.app, options) : this.app.inject(options);
  }

  async get(url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const response = await this.inject({
      method: 'GET',
      url,
      headers: { ...headers, cookie: this.cookieHeader() },
    });
    this.remember(response);
    return response;
  }

  /** Posts a form; fields may repeat the bracket names the pages use (companies[0][name]). */
  async post(
    url: string,
    fields: Record<string, string>,
    headers: Record<string, string> = {},
  ): Promise<LightMyRequestResponse> {
    if (!this.csrfToken) await this.get('/');
    const body = new URLSearchParams({ _csrf: this.csrfToken, ...fields }).toString();
    const response = await this.inject({
      method: 'POST',
      url,
      payload: body,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...headers,
        cookie: this.cookieHeader(),
      },
    });
    this.remember(response);
    return response;
  }

  /** A multipart/form-data post, as a browser sends a form with a file input. */
  async postMultipart(
    url: string,
    fields: Record<string, string>,
    files: Record<string, { filename: string; content: Buffer; contentType?: string }>,
  ): Promise<LightMyRequestResponse> {
    if (!this.csrfToken) await this.get('/');
    const boundary = `----dichiara${Date.now()}`;
    const parts: Buffer[] = [];
    for (const [name, value] of Object.entries({ _csrf: this.csrfToken, ...fields })) {
      parts.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
        ),
      );
    }
    for (const [name, file] of Object.entries(files)) {
      const type = file.contentType ?? 'application/octet-stream';
      parts.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${file.filename}"\r\nContent-Type: ${type}\r\n\r\n`,
        ),
        file.content,
        Buffer.from('\r\n'),
      );
    }
    parts.push(Buffer.from(`--${boundary}--\r\n`));
    const response = await this.inject({
      method: 'POST',
      url,
      payload: Buffer.concat(parts),
      headers: {
        'content-type': `multipart/form-data; boundary=${boundary}`,
        cookie: this.cookieHeader(),
      },
    });
    this.remember(response);
    return response;
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  private remember(response: LightMyRequestResponse): void {
    for (const cookie of response.cookies) {
      if (cookie.maxAge === 0 || (cookie.expires && cookie.expires.getTime() < Date.now()))
        this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
    const token =
      /name="_csrf" value="([^"]+)"/.exec(response.body)?.[1] ??
      /"x-csrf-token": "([^"]+)"/.exec(response.body)?.[1];
    if (token) this.csrfToken = token;
  }
}
