import { describe, expect, it } from 'vitest';
import { contractDecider, contractStream } from '../../domain/contracts/contractDecider.js';
import type { ContractEvent } from '../../domain/contracts/contractEvents.js';
import { monthlyFlowDecider } from '../../domain/observatory/monthlyFlowDecider.js';
import type { FlowEvent } from '../../domain/observatory/flowEvents.js';
import { diffStates, stateAsOf, type ReplayedEvent } from '../../src/audit/stateAsOf.js';
import { streamKindOf, streamTitle } from '../../src/audit/streamKinds.js';

const plant = {
  street: 'Via Pizzarotti',
  civic: '22',
  cap: '40055',
  province: 'BO',
  municipality: 'Castenaso',
};

const contractEvents: ContractEvent[] = [
  {
    type: 'ContractDeclared',
    data: {
      contractNumber: '3001234567',
      customerCode: '1001234567',
      companyName: 'Euro Oil SRL',
      plant,
      declaredBy: { accountId: 'studio-1', kind: 'studio' },
    },
  },
  { type: 'ContractValidated', data: { note: null } },
  { type: 'ContractOwnerLinked', data: { ownerAccountId: 'ditta-1' } },
  { type: 'ContractClaimed', data: { previousManagerId: 'studio-1', managerId: 'ditta-1' } },
];

const occurred = [
  '2026-01-10T09:00:00.000Z',
  '2026-01-11T09:00:00.000Z',
  '2026-02-01T09:00:00.000Z',
  '2026-03-01T09:00:00.000Z',
];

const recorded = (events: readonly ContractEvent[]): ReplayedEvent[] =>
  events.map((event, index) => ({
    ...event,
    version: index + 1,
    metadata: { occurredAt: occurred[index]! },
  }));

// The replay by hand: the decider's own evolve, one event at a time.
const initial = contractDecider.initialState();
const [declared, validated, linked, claimed] = contractEvents as [
  ContractEvent,
  ContractEvent,
  ContractEvent,
  ContractEvent,
];
const afterTwo = contractDecider.evolve(contractDecider.evolve(initial, declared), validated);
const now = contractDecider.evolve(contractDecider.evolve(afterTwo, linked), claimed);
const contract = streamKindOf(contractStream.id('3001234567')).replayer!;

describe('stateAsOf: a stream replayed through its decider up to a moment', () => {
  it('at a version equals folding the first N events by hand', () => {
    const result = stateAsOf(contract, recorded(contractEvents), { kind: 'version', version: 2 });
    expect(result.version).toBe(2);
    expect(result.state).toEqual(afterTwo);
    expect(result.currentVersion).toBe(4);
    expect(result.currentState).toEqual(now);
  });

  it('at an instant folds the events that occurred before it', () => {
    const result = stateAsOf(contract, recorded(contractEvents), {
      kind: 'time',
      before: '2026-01-31T23:00:00.000Z',
    });
    expect(result.version).toBe(2);
    expect(result.state).toEqual(afterTwo);
  });

  it('before the first event is the initial state; at the last version it is now', () => {
    const events = recorded(contractEvents);
    const before = stateAsOf(contract, events, {
      kind: 'time',
      before: '2025-12-31T00:00:00.000Z',
    });
    expect(before.version).toBe(0);
    expect(before.state).toEqual(initial);
    const latest = stateAsOf(contract, events, { kind: 'version', version: 4 });
    expect(latest.state).toEqual(now);
    expect(latest.changes).toEqual([]);
  });

  it('by time stops at the first event after the instant, even if a later one carries an earlier time', () => {
    const events = recorded(contractEvents).map((event) =>
      event.version === 4
        ? { ...event, metadata: { occurredAt: '2026-01-12T00:00:00.000Z' } }
        : event,
    );
    const result = stateAsOf(contract, events, {
      kind: 'time',
      before: '2026-01-20T00:00:00.000Z',
    });
    expect(result.version).toBe(2);
    expect(result.state).toEqual(afterTwo);
  });

  it('lists what changed since, path by path', () => {
    const result = stateAsOf(contract, recorded(contractEvents), { kind: 'version', version: 2 });
    expect(result.changes).toEqual([
      { path: 'formerManagerIds[0]', change: 'added', after: 'studio-1' },
      { path: 'managerId', change: 'changed', before: 'studio-1', after: 'ditta-1' },
      { path: 'ownerAccountId', change: 'changed', before: null, after: 'ditta-1' },
    ]);
  });

  it('replays the monthly waste flows through their own decider', () => {
    const flow: FlowEvent[] = [
      {
        type: 'FlowDraftSaved',
        data: {
          istatCode: '072006',
          month: '2026-01',
          savedBy: 'cf:RSSMRA80A01H501U',
          rows: [
            {
              eerCode: '200301',
              tonnes: 12.5,
              collectionMethod: 'Porta a porta',
              transporter: 'Trasporti SRL',
              destinationPlant: 'Impianto di Bari',
              operation: 'D1',
            },
          ],
        },
      },
    ];
    const replayer = streamKindOf('waste-flow-072006-2026-01').replayer!;
    const result = stateAsOf(
      replayer,
      flow.map((event, i) => ({
        ...event,
        version: i + 1,
        metadata: { occurredAt: occurred[i]! },
      })),
      { kind: 'version', version: 1 },
    );
    expect(result.state).toEqual(
      monthlyFlowDecider.evolve(monthlyFlowDecider.initialState(), flow[0]!),
    );
  });
});

describe('stateAsOf on a stream its decider cannot fold', () => {
  it('stops at the first event it does not know and says which', () => {
    const events = [
      ...recorded(contractEvents.slice(0, 2)),
      { type: 'SomethingElse', data: {}, version: 3, metadata: { occurredAt: occurred[2]! } },
      ...recorded(contractEvents).slice(3),
    ];
    const result = stateAsOf(contract, events, { kind: 'version', version: 4 });
    expect(result.failure).toEqual({
      version: 3,
      type: 'SomethingElse',
      message: 'tipo di evento sconosciuto',
    });
    expect(result.version).toBe(2);
    expect(result.state).toEqual(afterTwo);
    expect(result.currentVersion).toBe(2);
    expect(result.changes).toEqual([]);
  });
});

describe('diffStates', () => {
  it('names added, removed and changed fields at any depth, arrays by index', () => {
    expect(
      diffStates(
        { a: 1, b: { c: 'x', d: [1, 2] }, gone: true },
        { a: 1, b: { c: 'y', d: [1] }, added: { e: null } },
      ),
    ).toEqual([
      { path: 'added', change: 'added', after: { e: null } },
      { path: 'b.c', change: 'changed', before: 'x', after: 'y' },
      { path: 'b.d[1]', change: 'removed', before: 2 },
      { path: 'gone', change: 'removed', before: true },
    ]);
  });

  it('treats a value that becomes an object as one change', () => {
    expect(diffStates({ plant: null }, { plant })).toEqual([
      { path: 'plant', change: 'changed', before: null, after: plant },
    ]);
  });
});

describe('stream kinds', () => {
  it('knows the decider of each kind and names streams without one', () => {
    expect(streamKindOf('contract-3001234567').kind).toBe('contract');
    expect(streamKindOf('observatory-admins').replayer).not.toBeNull();
    expect(streamKindOf('protocol-register-2026').replayer).toBeNull();
    expect(streamKindOf('something-else').kind).toBe('other');
    expect(streamTitle('campaign-2026')).toBe('Campagna delle dichiarazioni 2026');
  });
});
