import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operationsStream } from '../../src/audit/projectionStatus.js';
import { verificationsStream } from '../../src/audit/verifyIntegrity.js';
import { bidiCharactersMessage, controlCharactersMessage } from '../../src/platform/http/text.js';
import type { TestClient } from '../support/client.js';
import { settle, startTestApp, type TestApp } from '../support/testApp.js';
import { auditPeople, mainOf, type AuditPeople } from './verifySupport.js';

const nul = 'Mario\u0000Rossi';
const bidi = '\u202Eabc';
const script = '<script>alert(1)</script>';
const escapedScript = '&lt;script&gt;alert(1)&lt;/script&gt;';

/** The message shown beside the input with this id, or null. */
const errorBeside = (body: string, id: string): string | null =>
  new RegExp(`id="${id}-error"[^>]*>([^<]*)<`).exec(body)?.[1] ?? null;

/** Follows a rebuild's progress partial until it stops asking to be polled. */
async function untilDone(client: TestClient, location: string): Promise<void> {
  const id = /ricostruzione=([0-9a-f-]{36})$/.exec(location)?.[1];
  for (let attempt = 0; attempt < 400; attempt++) {
    const partial = await client.get(`/revisione/proiezioni/ricostruzioni/${id}/avanzamento`, {
      'hx-request': 'true',
    });
    if (!partial.body.includes('hx-trigger="every 1s"')) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('The rebuild did not finish');
}

describe('hostile text in the auditor section', () => {
  let ctx: TestApp;
  let people: AuditPeople;
  const versionOf = async (streamId: string) => (await ctx.store.readStream(streamId)).version;

  beforeAll(async () => {
    ctx = await startTestApp();
    people = await auditPeople(ctx);
    await settle(ctx);
  });
  afterAll(() => ctx.close());

  it('refuses a control or bidi character in the stream to verify, beside it, recording nothing', async () => {
    await people.auditor.get('/revisione/verifica');
    for (const [flusso, message] of [
      [`contract-${nul}`, controlCharactersMessage],
      [`contract-${bidi}`, bidiCharactersMessage],
    ] as const) {
      const response = await people.auditor.post('/revisione/verifica/flusso', { flusso });
      expect(response.statusCode).toBe(422);
      expect(errorBeside(response.body, 'flusso')).toBe(message);
    }
    const unknown = await people.auditor.post('/revisione/verifica/flusso', { flusso: script });
    expect(unknown.statusCode).toBe(422);
    expect(errorBeside(unknown.body, 'flusso')).toBe('Nessun flusso con questo identificativo.');
    expect(unknown.body).toContain(`value="${escapedScript}"`);
    expect(mainOf(unknown.body)).not.toContain(script);
    expect(await versionOf(verificationsStream.id())).toBe(0);
  });

  it('refuses a control or bidi character in the reason for a rebuild, beside it', async () => {
    await people.operator.get('/revisione/proiezioni');
    for (const [motivo, message] of [
      [nul, controlCharactersMessage],
      [bidi, bidiCharactersMessage],
    ] as const) {
      const response = await people.operator.post('/revisione/proiezioni/accounts/ricostruisci', {
        motivo,
      });
      expect(response.statusCode).toBe(422);
      expect(errorBeside(response.body, 'motivo-accounts')).toBe(message);
    }
    expect(await versionOf(operationsStream.id())).toBe(0);
  });

  it('keeps a reason for a rebuild written as HTML and shows it escaped in the timeline', async () => {
    await people.operator.get('/revisione/proiezioni');
    const response = await people.operator.post('/revisione/proiezioni/stream_index/ricostruisci', {
      motivo: `Ripristino ${script}`,
    });
    expect(response.statusCode).toBe(303);
    await untilDone(people.operator, response.headers.location!);
    const timeline = await people.auditor.get(`/revisione/stream/${operationsStream.id()}`);
    expect(timeline.statusCode).toBe(200);
    expect(mainOf(timeline.body)).toContain(escapedScript);
    expect(mainOf(timeline.body)).not.toContain(script);
  });

  it('refuses a control or bidi character in the filters of a search, an export or a replay', async () => {
    for (const url of [
      `/revisione?attore=${encodeURIComponent(nul)}`,
      `/revisione/esporta?flusso=${encodeURIComponent(bidi)}`,
      `/revisione/esporta/eventi.zip?tipo=${encodeURIComponent(nul)}`,
      `/revisione/stream/${operationsStream.id()}/stato?al=${encodeURIComponent(bidi)}`,
    ]) {
      const response = await people.auditor.get(url);
      expect(response.statusCode, url).toBe(400);
      expect(response.body).toContain('contiene caratteri non ammessi');
    }
  });

  it('shows a filter typed as HTML back escaped', async () => {
    const response = await people.auditor.get(`/revisione?attore=${encodeURIComponent(script)}`);
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain(`value="${escapedScript}"`);
    expect(mainOf(response.body)).not.toContain(script);
  });
});
