import {
  formatProtocolNumber,
  protocolRegisterStream,
  type ProtocolNumberAssigned,
} from '../../domain/declarations/protocolNumber.js';
import type { EventStore } from '../../src/platform/eventStore/eventStore.js';

export interface ProtocolCheck {
  readonly numbers: number;
  readonly expected: number;
  /** 1..N in register order: no gap, no duplicate. */
  readonly consecutive: boolean;
  /** Every submitted contract holds exactly one DeclarationProtocolled, with a number of its own. */
  readonly oneNumberPerContract: boolean;
  readonly pass: boolean;
}

/** The year's register against the contracts' own streams. */
export async function checkProtocolNumbers(
  store: EventStore,
  year: number,
  contracts: readonly string[],
): Promise<ProtocolCheck> {
  const register = await store.readStream(protocolRegisterStream.id(year));
  const assigned = register.events.map((event) => event.data as ProtocolNumberAssigned['data']);
  const consecutive = assigned.every(
    (data, i) => data.number === i + 1 && data.protocolNumber === formatProtocolNumber(year, i + 1),
  );
  const byContract = new Map(assigned.map((data) => [data.contractNumber, data.protocolNumber]));
  const perContract = await Promise.all(
    contracts.map(async (contract) => {
      const { events } = await store.readStream(`contract-${contract}`);
      const protocolled = events.filter(
        (event) =>
          event.type === 'DeclarationProtocolled' && (event.data as { year: number }).year === year,
      );
      const number = (protocolled[0]?.data as { protocolNumber?: string } | undefined)
        ?.protocolNumber;
      return protocolled.length === 1 && number === byContract.get(contract);
    }),
  );
  const oneNumberPerContract = byContract.size === assigned.length && perContract.every(Boolean);
  return {
    numbers: assigned.length,
    expected: contracts.length,
    consecutive,
    oneNumberPerContract,
    pass: consecutive && oneNumberPerContract && assigned.length === contracts.length,
  };
}
