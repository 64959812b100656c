import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewEvent } from '../../src/platform/eventStore/eventStore.js';
import type { TestClient } from '../support/client.js';
import { settle, startTestApp, type TestApp } from '../support/testApp.js';
import { auditPeople } from './verifySupport.js';

/** A script tag whose name says which field carried it. */
const script = (field: string) => `<script>pwn_${field}()</script>`;
const escaped = (field: string) => `&lt;script&gt;pwn_${field}()&lt;/script&gt;`;

const streamId = `contract-${script('stream')}`;
const correlationId = script('correlation');

/** Every field of an event an auditor page shows, each carrying its own script. */
function hostile(type: string, data: NewEvent['data']): NewEvent {
  return {
    type,
    data,
    metadata: {
      eventId: crypto.randomUUID(),
      correlationId,
      causationId: script('causation'),
      actor: { id: script('actor'), role: script('role') },
      clientIp: script('ip'),
      occurredAt: script('occurred'),
    },
  };
}

const fields = [
  'stream',
  'type',
  'key',
  'value',
  'nested',
  'listed',
  'company',
  'correlation',
  'causation',
  'actor',
  'role',
  'ip',
  'occurred',
];

describe('escaping what the log holds on the auditor pages', () => {
  let ctx: TestApp;
  let auditor: TestClient;

  beforeAll(async () => {
    ctx = await startTestApp();
    auditor = (await auditPeople(ctx)).auditor;
    await ctx.store.appendToStream(streamId, [
      hostile('ContractDeclared', {
        contractNumber: '3001234567',
        customerCode: '1001234567',
        companyName: script('company'),
        plant: {
          street: script('nested'),
          civic: '1',
          cap: '40100',
          province: 'BO',
          municipality: 'Bologna',
        },
        declaredBy: { accountId: 'a', kind: 'studio' },
        [script('key')]: script('value'),
        codes: [script('listed')],
      }),
      // Unknown to the decider: the replay stops and names the type.
      hostile(script('type'), { note: script('value') }),
    ]);
    await settle(ctx);
  });
  afterAll(() => ctx.close());

  const encoded = encodeURIComponent(streamId);
  const pages = () => [
    { url: `/revisione/stream/${encoded}`, shows: fields },
    { url: `/revisione/stream/${encoded}/stato`, shows: ['stream', 'type', 'company', 'nested'] },
    { url: `/revisione/stream/${encoded}/stato?versione=0`, shows: ['company', 'nested'] },
    {
      url: `/revisione?${new URLSearchParams({ flusso: streamId })}`,
      shows: ['stream', 'type', 'actor', 'role', 'ip', 'occurred'],
    },
    {
      url: `/revisione?${new URLSearchParams({ correlazione: correlationId, attore: script('actor') })}`,
      shows: ['stream', 'type', 'correlation', 'actor'],
    },
  ];

  it('shows every field escaped, never as a tag, on the timeline, the state and the search', async () => {
    for (const { url, shows } of pages()) {
      const page = await auditor.get(url);
      expect(page.statusCode, url).toBe(200);
      expect(page.body, url).not.toMatch(/<script>pwn_/);
      for (const field of shows) expect(page.body, `${url}: ${field}`).toContain(escaped(field));
    }
  });

  it('escapes the stream on the verification of it, and its breaks', async () => {
    const started = await auditor.post('/revisione/verifica/flusso', { flusso: streamId });
    expect(started.statusCode).toBe(303);
    for (const url of [started.headers.location!, '/revisione/verifica']) {
      const page = await auditor.get(url);
      expect(page.body, url).not.toMatch(/<script>pwn_/);
      expect(page.body, url).toContain(escaped('stream'));
    }
  });
});
