import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  handleCommand,
  type CommandContext,
} from '../../../src/platform/eventStore/commandHandler.js';
import type { EventStore } from '../../../src/platform/eventStore/eventStore.js';
import { createPostgresEventStore } from '../../../src/platform/eventStore/postgresEventStore.js';
import { counterDecider } from '../../support/counterDecider.js';
import { uniqueStream } from '../../support/events.js';
import { openTestDatabase, type TestDatabase } from '../../support/testDatabase.js';

const context = (overrides: Partial<CommandContext> = {}): CommandContext => ({
  commandId: randomUUID(),
  correlationId: randomUUID(),
  actor: { id: 'account-1', role: 'declarant' },
  clientIp: '198.51.100.4',
  now: new Date('2026-11-23T09:30:00Z'),
  ...overrides,
});

describe('handleCommand', () => {
  let test: TestDatabase;
  let store: EventStore;
  beforeAll(async () => {
    test = await openTestDatabase('pglite');
    store = createPostgresEventStore(test.database);
  });
  afterAll(async () => test.drop());

  it('appends the decided events with who, when, from where and what caused them', async () => {
    const stream = uniqueStream('counter');
    const ctx = context();
    const result = await handleCommand(
      store,
      counterDecider,
      stream,
      { type: 'Increment', by: 2 },
      ctx,
    );
    expect(result.state).toEqual({ value: 2, closed: false });
    expect(result.nextExpectedVersion).toBe(1);
    const [event] = (await store.readStream(stream)).events;
    expect(event?.metadata).toMatchObject({
      correlationId: ctx.correlationId,
      causationId: ctx.commandId,
      actor: ctx.actor,
      clientIp: ctx.clientIp,
      occurredAt: '2026-11-23T09:30:00.000Z',
    });
    expect(event && result.position).toEqual(event?.position);
  });

  it('returns the first outcome when the same command comes again (double click, retry)', async () => {
    const stream = uniqueStream('counter');
    const ctx = context();
    const first = await handleCommand(store, counterDecider, stream, { type: 'Close' }, ctx);
    const again = await handleCommand(store, counterDecider, stream, { type: 'Close' }, ctx);
    expect(again.position).toEqual(first.position);
    expect((await store.readStream(stream)).version).toBe(1);
  });

  it('decides again on a concurrent write, so no increment is lost', async () => {
    const stream = uniqueStream('counter');
    await Promise.all(
      Array.from({ length: 5 }, () =>
        handleCommand(store, counterDecider, stream, { type: 'Increment', by: 1 }, context(), {
          maxAttempts: 10,
        }),
      ),
    );
    const { events } = await store.readStream(stream);
    expect(events).toHaveLength(5);
  });

  it('lets a domain error through and appends nothing', async () => {
    const stream = uniqueStream('counter');
    await expect(
      handleCommand(store, counterDecider, stream, { type: 'Increment', by: -1 }, context()),
    ).rejects.toMatchObject({ code: 'NotPositive', kind: 'validation' });
    expect((await store.readStream(stream)).version).toBe(0);
  });
});
