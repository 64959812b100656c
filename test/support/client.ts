import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

/**
 * A browser-like client over app.inject: keeps cookies, reads the CSRF token from the last page,
 * posts forms url-encoded as a browser does.
 */
export class TestClient {
  private readonly cookies = new Map<string, string>();
  private csrfToken = '';

  constructor(private readonly app: FastifyInstance) {}

  async get(url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const response = await this.app.inject({
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
    const response = await this.app.inject({
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
    const response = await this.app.inject({
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
