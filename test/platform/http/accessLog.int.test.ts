import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/testApp.js';

/** The app's log lines, as JSON, as an operator's collector reads them. */
const lines: Record<string, unknown>[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString().split('\n').filter(Boolean))
      lines.push(JSON.parse(line) as Record<string, unknown>);
    done();
  },
});

const logger = pino({ level: 'info' }, sink);
let ctx: TestApp;
beforeAll(async () => {
  ctx = await startTestApp({ logger });
});
afterAll(() => ctx.close());

describe('access log', () => {
  it('writes one line per request, once answered, with what it asked and how it went', async () => {
    const before = lines.length;
    await ctx.app.inject({ method: 'GET', url: '/healthz', remoteAddress: '203.0.113.7' });
    await ctx.app.inject({ method: 'GET', url: '/non-esiste' });
    const requests = lines.slice(before).filter((line) => 'reqId' in line);
    expect(requests).toHaveLength(2);
    expect(requests[0]).toMatchObject({
      msg: 'request completed',
      req: { method: 'GET', url: '/healthz', remoteAddress: '203.0.113.7' },
      res: { statusCode: 200 },
    });
    expect(typeof requests[0]!.responseTime).toBe('number');
    expect(requests[1]).toMatchObject({ req: { url: '/non-esiste' }, res: { statusCode: 404 } });
  });

  it('writes each request as it arrives too, at the debug level', async () => {
    logger.level = 'debug';
    const before = lines.length;
    await ctx.app.inject({ method: 'GET', url: '/healthz' });
    logger.level = 'info';
    const requests = lines.slice(before).filter((line) => 'reqId' in line);
    expect(requests.map((line) => line.msg)).toEqual(['incoming request', 'request completed']);
    expect(requests[0]).toMatchObject({ level: 20, req: { method: 'GET', url: '/healthz' } });
  });
});
