import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/testApp.js';

const production = {
  NODE_ENV: 'production',
  COOKIE_SECRET: 'x'.repeat(32),
  SEAL_PRIVATE_KEY: 'pem',
  PERSONAL_DATA_KEY: Buffer.alloc(32, 7).toString('base64'),
  SMTP_URL: 'smtp://127.0.0.1:2525',
  OIDC_ISSUER: 'https://identita.example.it/oidc',
  OIDC_CLIENT_ID: 'dichiara',
  OIDC_CLIENT_SECRET: 'segreto-del-client',
};

/** The app with these variables, and a route telling the client address it sees. */
async function appWith(env: Record<string, string>): Promise<TestApp> {
  const ctx = await startTestApp({ env });
  ctx.app.get('/test/ip', async (request) => ({ ip: request.ip }));
  return ctx;
}

const clientIp = async (ctx: TestApp) =>
  (
    await ctx.app.inject({
      method: 'GET',
      url: '/test/ip',
      headers: { 'x-forwarded-for': '203.0.113.9, 198.51.100.7' },
    })
  ).json<{ ip: string }>().ip;

describe('deployment settings', () => {
  let inProduction: TestApp;
  let behindProxy: TestApp;
  beforeAll(async () => {
    inProduction = await appWith(production);
    behindProxy = await appWith({ TRUST_PROXY: '127.0.0.1', SMTP_URL: production.SMTP_URL });
  });
  afterAll(async () => {
    await inProduction.close();
    await behindProxy.close();
  });

  it('ignores X-Forwarded-For in production unless TRUST_PROXY names the proxy', async () => {
    expect(await clientIp(inProduction)).toBe('127.0.0.1');
  });

  it('takes the address the trusted proxy saw, not what the client wrote before it', async () => {
    expect(await clientIp(behindProxy)).toBe('198.51.100.7');
  });

  it('serves no local mailbox when mail goes out by SMTP, even outside production', async () => {
    for (const url of ['/dev/mailbox', '/dev/mailbox/1', '/dev/mailbox/1/raw']) {
      const response = await behindProxy.app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(404);
      expect(response.body, url).toContain('Pagina non trovata');
    }
  });
});
