import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { contractDecider, contractStream } from '../../domain/contracts/contractDecider.js';
import type { Party } from '../../domain/contracts/contractEvents.js';
import { invitedCompanyContracts } from '../../src/contracts/invitedCompanyContracts.js';
import { handleCommand, recordEvents } from '../../src/platform/eventStore/commandHandler.js';
import type { RecordedEvent } from '../../src/platform/eventStore/eventStore.js';
import { startTestApp, type TestApp } from '../support/testApp.js';

/**
 * The invitation process manager on its own, with no read model running at all (the contracts
 * view as late as it can be): what it links comes from the log alone.
 */
describe('invitedCompanyContracts: the invited company owns the contracts of its customer code', () => {
  let ctx: TestApp;
  const warn = vi.fn();
  const context = (commandId = randomUUID()) => ({
    commandId,
    correlationId: randomUUID(),
    actor: { id: 'olga', role: 'operator' },
    clientIp: '192.0.2.10',
    now: new Date('2026-02-01T10:00:00Z'),
  });
  const plant = {
    street: 'Via Vai',
    civic: '1',
    cap: '40100',
    province: 'BO',
    municipality: 'Bologna',
  };
  const declare = (contractNumber: string, customerCode: string, declaredBy: Party) =>
    handleCommand(
      ctx.store,
      contractDecider,
      contractStream.id(contractNumber),
      {
        type: 'DeclareContract',
        role: 'amministratore' as const,
        contractNumber,
        customerCode,
        companyName: `Ditta ${customerCode}`,
        plant,
        declaredBy,
        inRegistry: true,
        companyCustomerCodes: declaredBy.kind === 'ditta' ? [customerCode] : [],
      },
      context(),
    );
  const invite = async (customerCode: string): Promise<string> => {
    const accountId = randomUUID();
    await recordEvents(
      ctx.store,
      `account-${accountId}`,
      [
        {
          type: 'CompanyInvited',
          data: {
            accountId,
            customerCode,
            companyName: `Ditta ${customerCode}`,
            pec: `${customerCode}@pec.example`,
            username: `ditta.${customerCode}`,
            passwordHash: 'not-a-real-hash',
          },
        },
      ],
      context(),
    );
    return accountId;
  };
  /** Every event so far, in log order, as the runner would hand them over. */
  const log = async (): Promise<RecordedEvent[]> => ctx.store.readAll({ limit: 10_000 });
  /** The runner is not stopping while these are handled. */
  const running = new AbortController().signal;
  const owner = async (contractNumber: string) => {
    const { events } = await ctx.store.readStream(contractStream.id(contractNumber));
    return events.filter((event) => event.type === 'ContractOwnerLinked');
  };

  beforeAll(async () => {
    ctx = await startTestApp({ projections: [] });
  });
  afterAll(async () => ctx.close());

  it('links a contract declared just before the invitation, in the same batch, with no view to read', async () => {
    const manager = invitedCompanyContracts({
      db: ctx.test.database.db,
      store: ctx.store,
      logger: { warn },
    });
    await declare('3001000001', '1001000000', { accountId: 'studio-1', kind: 'studio' });
    const invited = await invite('1001000000');
    await manager.handle(await log(), running);
    const linked = await owner('3001000001');
    expect(linked.map((event) => event.data)).toEqual([{ ownerAccountId: invited }]);
    expect(linked[0]?.metadata.actor).toEqual({ id: 'olga', role: 'operator' });
    // A replay of the same events adds nothing.
    await manager.handle(await log(), running);
    expect(await owner('3001000001')).toHaveLength(1);
  });

  it('links a contract a consultant declares after the invitation', async () => {
    const manager = invitedCompanyContracts({
      db: ctx.test.database.db,
      store: ctx.store,
      logger: { warn },
    });
    await manager.handle(await log(), running);
    const after = (await log()).length;
    await declare('3001000002', '1001000000', { accountId: 'studio-1', kind: 'studio' });
    await manager.handle((await log()).slice(after), running);
    expect(await owner('3001000002')).toHaveLength(1);
  });

  it('skips, and logs, a contract that already has another owner; the invitations after it still link', async () => {
    const manager = invitedCompanyContracts({
      db: ctx.test.database.db,
      store: ctx.store,
      logger: { warn },
    });
    await declare('3002000001', '1002000000', { accountId: 'ditta-registrata', kind: 'ditta' });
    await invite('1002000000');
    await declare('3003000001', '1003000000', { accountId: 'studio-2', kind: 'studio' });
    const third = await invite('1003000000');
    warn.mockClear();
    await expect(manager.handle(await log(), running)).resolves.toBeUndefined();
    expect(warn).toHaveBeenCalledWith(
      expect.objectContaining({ contractNumber: '3002000001', code: 'OwnerExists' }),
      expect.stringContaining('già collegato'),
    );
    expect(await owner('3002000001')).toHaveLength(0);
    expect((await owner('3003000001')).map((event) => event.data)).toEqual([
      { ownerAccountId: third },
    ]);
  });
});
