import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionCookie } from '../../../src/accounts/sessions.js';
import { maxUploadBytes } from '../../../src/platform/http/uploads.js';
import {
  createOperator,
  operatorLogin,
  signedIn,
  startTestApp,
  type TestApp,
} from '../../support/testApp.js';

const boundary = '----dichiara-upload-test';
const multipartBody = Buffer.from(
  `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="anagrafica.csv"\r\n` +
    `Content-Type: text/csv\r\n\r\ncodice;contratto\r\n--${boundary}--\r\n`,
);

/** A multipart body that tells whether the server started reading it. */
function watchedBody() {
  const body = {
    read: false,
    stream: new Readable({
      read() {
        body.read = true;
        this.push(multipartBody);
        this.push(null);
      },
    }),
  };
  return body;
}

describe('multipart bodies', () => {
  let ctx: TestApp;
  let session: string;
  beforeAll(async () => {
    ctx = await startTestApp();
    await createOperator(ctx);
    session = (await signedIn(ctx, operatorLogin)).cookie(sessionCookie)!;
  });
  afterAll(async () => ctx.close());

  const post = (
    url: string,
    options: { session?: string; headers?: Record<string, string> } = {},
  ) => {
    const body = watchedBody();
    const response = ctx.app.inject({
      method: 'POST',
      url,
      payload: body.stream,
      headers: {
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': String(multipartBody.length),
        ...(options.session ? { cookie: `${sessionCookie}=${options.session}` } : {}),
        ...options.headers,
      },
    });
    return response.then((reply) => ({ reply, read: body.read }));
  };

  it('refuses files from a visitor before reading them', async () => {
    for (const type of ['multipart/form-data', ' MULTIPART/Form-Data']) {
      const { reply, read } = await post('/operatori/anagrafica', {
        headers: { 'content-type': `${type}; boundary=${boundary}` },
      });
      expect(reply.statusCode, type).toBe(403);
      expect(reply.body).toContain('<html');
      expect(reply.body).toContain('Per inviare file occorre aver effettuato l’accesso');
      expect(read, type).toBe(false);
    }
  });

  it('refuses files posted to a form that takes none, signed in or not, unread', async () => {
    for (const [url, options] of [
      ['/registrazione/studio', {}],
      ['/profilo', { session }],
    ] as const) {
      const { reply, read } = await post(url, options);
      expect(reply.statusCode, url).toBe(415);
      expect(reply.body).toContain('Il formato dei dati inviati non è supportato.');
      expect(read, url).toBe(false);
    }
  });

  it(`refuses more than ${maxUploadBytes / 1024 / 1024} MB in all, unread, as an alert for htmx`, async () => {
    const { reply, read } = await post('/operatori/anagrafica', {
      session,
      headers: { 'content-length': String(maxUploadBytes + 1), 'hx-request': 'true' },
    });
    expect(reply.statusCode).toBe(413);
    expect(reply.body).not.toContain('<html');
    expect(reply.body).toContain('superano in totale la dimensione massima di 50 MB');
    expect(read).toBe(false);
  });

  it('refuses files of an undeclared length (chunked), unread', async () => {
    const { reply, read } = await post('/operatori/anagrafica', {
      session,
      headers: { 'content-length': '', 'transfer-encoding': 'chunked' },
    });
    expect(reply.statusCode).toBe(411);
    expect(read).toBe(false);
  });

  it('reads the files of a signed-in operator on the upload form', async () => {
    const { read } = await post('/operatori/anagrafica', { session });
    expect(read).toBe(true); // the watched body can tell: then refused by the CSRF check
    const client = await signedIn(ctx, operatorLogin);
    await client.get('/operatori/anagrafica');
    const response = await client.postMultipart(
      '/operatori/anagrafica',
      {},
      {
        file: {
          filename: 'anagrafica.csv',
          content: Buffer.from('1001234567;3001234567;A SRL;Via Vai 1\n'),
        },
      },
    );
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('importata 1 coppia');
  });
});
