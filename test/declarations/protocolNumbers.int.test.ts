import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres } from '../../src/platform/db/database.js';
import { assignProtocolNumber } from '../../src/declarations/protocolRegister.js';
import type { CommandContext } from '../../src/platform/eventStore/commandHandler.js';
import type { EventStore, GlobalPosition } from '../../src/platform/eventStore/eventStore.js';
import { startOfLog } from '../../src/platform/eventStore/globalPosition.js';
import { createPostgresEventStore } from '../../src/platform/eventStore/postgresEventStore.js';
import { backends, openTestDatabase, type TestDatabase } from '../support/testDatabase.js';
import { newEvent } from '../support/events.js';
import { KurrentStreamCalls } from '../support/kurrentStreamCalls.js';

const context: CommandContext = {
  commandId: 'protocol-test',
  correlationId: 'protocol-test',
  actor: { id: 'system', role: 'system' },
  clientIp: null,
  now: new Date('2026-01-20T10:00:00Z'),
};
const submission = (n: number, submittedAt: GlobalPosition = startOfLog) => ({
  year: 2025,
  contractNumber: String(3000000000 + n),
  submissionEventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  submittedAt,
});

describe.each(backends())('%s: protocol register', (backend) => {
  let test: TestDatabase;
  let stores: EventStore[];
  beforeAll(async () => {
    test = await openTestDatabase(backend);
    stores = [createPostgresEventStore(test.database)];
    // A second store on its own connections stands for a second process of the portal.
    if (test.url)
      stores.push(createPostgresEventStore(await openPostgres(test.url, { poolSize: 8 })));
  });
  afterAll(async () => test.drop());

  it('gives concurrent submissions distinct numbers from 1, without gaps', async () => {
    const count = 40;
    const numbers = await Promise.all(
      Array.from({ length: count }, (_, n) =>
        assignProtocolNumber(stores[n % stores.length]!, submission(n), context),
      ),
    );
    const expected = Array.from(
      { length: count },
      (_, n) => `2025/${String(n + 1).padStart(6, '0')}`,
    );
    expect([...numbers].sort()).toEqual(expected);
    const { events } = await stores[0]!.readStream('protocol-register-2025');
    expect(events.map((event) => event.data.number)).toEqual(events.map((event) => event.version));
  });

  it('returns the same number when a submission asks again (a retry, the process manager)', async () => {
    const first = await assignProtocolNumber(stores[0]!, submission(7), context);
    const again = await Promise.all(
      stores.map((store) => assignProtocolNumber(store, submission(7), context)),
    );
    expect(again).toEqual(stores.map(() => first));
    const { version } = await stores[0]!.readStream('protocol-register-2025');
    expect(version).toBe(40);
  });
});

describe('KurrentDB (stand-in stream calls): protocol register', () => {
  it('returns the same number to a submission asking again after many others', async () => {
    const server = new KurrentStreamCalls();
    const store = server.store();
    // As INVIA does: the submission appended, then its number asked for.
    const submitted = async (n: number) => {
      const { position } = await store.appendToStream(`contract-${3000000000 + n}`, [
        newEvent('DeclarationSubmitted'),
      ]);
      return submission(n, position);
    };
    for (let n = 100; n < 200; n++) await assignProtocolNumber(store, await submitted(n), context);
    const seven = await submitted(7);
    const first = await assignProtocolNumber(store, seven, context);
    for (let n = 200; n < 400; n++) await assignProtocolNumber(store, await submitted(n), context);
    server.eventsRead = 0;
    // The store in another process: it does not know the register's length.
    const again = await assignProtocolNumber(server.store(), seven, context);
    // The register's length (its head), then back from the head past the submission in pages
    // of 64: 4 of them, not the whole register of 301 events.
    expect(server.eventsRead).toBe(1 + 1 + 4 * 64);
    expect(again).toBe(first);
    expect(first).toBe('2025/000101');
    expect((await store.readStream('protocol-register-2025', { toVersion: 0 })).version).toBe(301);
  });
});
