import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandContext } from '../../../src/accounts/auth.js';
import { handleCommand } from '../../../src/platform/eventStore/commandHandler.js';
import { WrongExpectedVersionError } from '../../../src/platform/eventStore/eventStore.js';
import { TestClient } from '../../support/client.js';
import { counterDecider } from '../../support/counterDecider.js';
import { startTestApp, type TestApp } from '../../support/testApp.js';

describe('store errors on the error page', () => {
  let ctx: TestApp;
  beforeAll(async () => {
    ctx = await startTestApp();
    // As the monthly flows and the submission do: the command id comes with the form.
    ctx.app.post<{ Params: { stream: string }; Body: { commandId: string } }>(
      '/test/counters/:stream',
      async (request, reply) => {
        await handleCommand(
          ctx.store,
          counterDecider,
          `counter-${request.params.stream}`,
          { type: 'Increment', by: 1 },
          commandContext(request, new Date(), request.body.commandId),
        );
        return reply.code(303).header('location', '/').send();
      },
    );
    // A record others keep changing faster than the handler's retries.
    ctx.app.post('/test/contended', async () => {
      throw new WrongExpectedVersionError('counter-contended', 3, 7);
    });
  });
  afterAll(async () => ctx.close());

  it('answers a command id already used on another stream with an Italian 409', async () => {
    const client = new TestClient(ctx.app);
    const commandId = crypto.randomUUID();
    expect((await client.post('/test/counters/a', { commandId })).statusCode).toBe(303);
    expect((await client.post('/test/counters/a', { commandId })).statusCode).toBe(303); // a retry

    const reused = await client.post('/test/counters/b', { commandId });
    expect(reused.statusCode).toBe(409);
    expect(reused.body).toContain('<html');
    expect(reused.body).toContain('Questo modulo è già stato inviato per un’altra operazione');
    expect(reused.body).not.toContain(commandId);

    const htmx = await client.post('/test/counters/c', { commandId }, { 'hx-request': 'true' });
    expect(htmx.statusCode).toBe(409);
    expect(htmx.body).not.toContain('<html');
    expect(htmx.headers['hx-retarget']).toBe('#flash');
    expect((await ctx.store.readStream('counter-b')).events).toEqual([]);
  });

  it('answers a conflict that outlasted the retries with an Italian 409, not a 500', async () => {
    const client = new TestClient(ctx.app);
    const response = await client.post('/test/contended', {});
    expect(response.statusCode).toBe(409);
    expect(response.body).toContain('Altri stanno modificando gli stessi dati');
    expect(response.body).not.toContain('counter-contended');
  });
});
