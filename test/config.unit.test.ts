import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

const oidc = {
  OIDC_ISSUER: 'https://identita.example.it/oidc',
  OIDC_CLIENT_ID: 'dichiara',
  OIDC_CLIENT_SECRET: 'segreto-del-client',
};

describe('configuration', () => {
  it('has embedded defaults: PGlite in ./data on 127.0.0.1:3000', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: 3000,
      DATA_DIR: './data',
    });
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it('treats empty variables as unset', () => {
    const config = loadConfig({ DATABASE_URL: '', PORT: '8080' });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.PORT).toBe(8080);
  });

  it('names every wrong variable at once', () => {
    try {
      loadConfig({ PORT: 'abc', DATABASE_URL: 'mysql://x', KURRENTDB_URL: 'http://x' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as Error).message;
      for (const name of ['PORT', 'DATABASE_URL', 'KURRENTDB_URL']) expect(message).toContain(name);
    }
  });

  it('requires a cookie secret, the seal key, the personal data key and SMTP in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/COOKIE_SECRET/);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/SEAL_PRIVATE_KEY/);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/PERSONAL_DATA_KEY/);
    expect(() => loadConfig({ NODE_ENV: 'test', PERSONAL_DATA_KEY: 'corta' })).toThrow(
      /PERSONAL_DATA_KEY: 32 byte in base64/,
    );
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        COOKIE_SECRET: 'x'.repeat(32),
        SEAL_PRIVATE_KEY: 'pem',
        PERSONAL_DATA_KEY: Buffer.alloc(32, 7).toString('base64'),
      }),
    ).toThrow(/SMTP_URL/);
    expect(
      loadConfig({
        NODE_ENV: 'production',
        COOKIE_SECRET: 'x'.repeat(32),
        SEAL_PRIVATE_KEY: 'pem',
        PERSONAL_DATA_KEY: Buffer.alloc(32, 7).toString('base64'),
        SMTP_URL: 'smtp://mail:25',
        ...oidc,
      }).NODE_ENV,
    ).toBe('production');
  });

  it('requires the SPID/CIE OpenID provider in production, with its client', () => {
    const production = {
      NODE_ENV: 'production',
      COOKIE_SECRET: 'x'.repeat(32),
      SEAL_PRIVATE_KEY: 'pem',
      PERSONAL_DATA_KEY: Buffer.alloc(32, 7).toString('base64'),
      SMTP_URL: 'smtp://mail:25',
    };
    expect(() => loadConfig(production)).toThrow(/OIDC_ISSUER/);
    expect(() => loadConfig({ ...production, OIDC_ISSUER: oidc.OIDC_ISSUER })).toThrow(
      /OIDC_CLIENT_ID[\s\S]*OIDC_CLIENT_SECRET/,
    );
    expect(loadConfig({ ...production, ...oidc }).OIDC_ISSUER).toBe(oidc.OIDC_ISSUER);
    expect(loadConfig({}).OIDC_ISSUER).toBeUndefined(); // elsewhere: the local provider
  });

  it('takes the observatory’s video tutorial as an https address, and none when unset', () => {
    expect(loadConfig({}).OBSERVATORY_VIDEO_URL).toBeUndefined();
    expect(loadConfig({ OBSERVATORY_VIDEO_URL: '' }).OBSERVATORY_VIDEO_URL).toBeUndefined();
    const video = 'https://www.youtube.com/watch?v=abc123&t=5';
    expect(loadConfig({ OBSERVATORY_VIDEO_URL: video }).OBSERVATORY_VIDEO_URL).toBe(video);
    // Not an address, plain http, or a script: refused, naming the variable.
    for (const value of [
      'video-tutorial',
      'http://video.example.it/tutorial',
      'javascript:alert(1)',
    ]) {
      expect(() => loadConfig({ OBSERVATORY_VIDEO_URL: value }), value).toThrow(
        /OBSERVATORY_VIDEO_URL: indirizzo https:\/\/ del video-tutorial/,
      );
    }
  });

  it('trusts no proxy by default, and the listed proxy addresses or networks when told', () => {
    expect(loadConfig({}).TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '' }).TRUST_PROXY).toBe(false);
    expect(
      loadConfig({ TRUST_PROXY: '10.0.0.1, 10.1.0.0/16,fd00::/8,loopback' }).TRUST_PROXY,
    ).toEqual(['10.0.0.1', '10.1.0.0/16', 'fd00::/8', 'loopback']);
  });

  it('refuses a TRUST_PROXY that would believe any client: true, a hop count, a name', () => {
    for (const value of ['true', '1', 'proxy.interno', '10.0.0.1,*']) {
      expect(() => loadConfig({ TRUST_PROXY: value }), value).toThrow(
        /TRUST_PROXY: indirizzi o reti dei proxy/,
      );
    }
  });
});
