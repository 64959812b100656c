import type { FastifyBaseLogger } from 'fastify';
import { flowStream, monthlyFlowDecider } from '../../domain/observatory/monthlyFlowDecider.js';
import type { YearEvent } from '../../domain/observatory/yearEvents.js';
import {
  monthsOfYear,
  type MonthFiling,
  type YearValidationState,
} from '../../domain/observatory/yearValidation.js';
import {
  yearStream,
  yearValidationDecider,
} from '../../domain/observatory/yearValidationDecider.js';
import { refusalsLogged } from '../contracts/registrationContracts.js';
import {
  handleCommand,
  readState,
  type CommandContext,
} from '../platform/eventStore/commandHandler.js';
import type { EventStore, GlobalPosition, Recorded } from '../platform/eventStore/eventStore.js';
import type { ProcessManager } from '../platform/subscriptions/projection.js';

type Logger = Pick<FastifyBaseLogger, 'warn'>;
type SentBack = Recorded<Extract<YearEvent, { type: 'YearSentBack' }>>;

/** The twelve months of a municipality's year as their streams stand: what the Region decides on. */
export async function monthFilings(
  store: EventStore,
  istatCode: string,
  year: number,
): Promise<MonthFiling[]> {
  return Promise.all(
    monthsOfYear(year).map(async (month) => {
      const { state } = await readState(store, monthlyFlowDecider, flowStream.id(istatCode, month));
      return { month, status: state.status, version: state.versions, rows: state.rows };
    }),
  );
}

/** The Region's word on the year, from its stream (the unlock rules ask it). */
export async function yearStateOf(
  store: EventStore,
  istatCode: string,
  year: number,
): Promise<YearValidationState> {
  return (await readState(store, yearValidationDecider, yearStream.id(istatCode, year))).state;
}

/** Whether the Region has validated the year of a month: its months are then not unlocked on request. */
export const isYearOfMonthValidated = async (store: EventStore, istatCode: string, month: string) =>
  (await yearStateOf(store, istatCode, Number(month.slice(0, 4)))).status === 'validated';

interface YearDecision {
  readonly istatCode: string;
  readonly year: number;
  readonly adminId: string;
}

/** ValidateYear, with the months read from their streams now. */
export async function validateMunicipalityYear(
  store: EventStore,
  decision: YearDecision,
  context: CommandContext,
): Promise<GlobalPosition | null> {
  const filings = await monthFilings(store, decision.istatCode, decision.year);
  const result = await handleCommand(
    store,
    yearValidationDecider,
    yearStream.id(decision.istatCode, decision.year),
    { type: 'ValidateYear', ...decision, now: context.now, filings },
    context,
  );
  return result.position;
}

/**
 * SendYearBack, then the months it names returned at once, so the admin's next page and the
 * municipality's already show them editable; the process manager does the same after a crash.
 */
export async function sendMunicipalityYearBack(
  deps: { store: EventStore; logger: Logger },
  decision: YearDecision & { readonly months: readonly number[]; readonly remarks: string },
  context: CommandContext,
): Promise<GlobalPosition | null> {
  const { store } = deps;
  const { istatCode, year } = decision;
  const filings = await monthFilings(store, istatCode, year);
  const streamId = yearStream.id(istatCode, year);
  const result = await handleCommand(
    store,
    yearValidationDecider,
    streamId,
    { type: 'SendYearBack', ...decision, now: context.now, filings },
    context,
  );
  const { events } = await store.readStream(streamId);
  const sentBack = events.findLast(
    (event): event is SentBack =>
      event.metadata.causationId === context.commandId && event.type === 'YearSentBack',
  );
  if (!sentBack) return result.position;
  return (await returnSentBackMonths(deps, sentBack)) ?? result.position;
}

/**
 * Each month a send-back names, returned to the municipality on its own stream. The command id
 * comes from the send-back's event, so the route, the process manager and a replay of the log
 * (a rebuild) make one MonthlyFlowReturned per month and send-back, never two.
 */
export async function returnSentBackMonths(
  deps: { store: EventStore; logger: Logger },
  sentBack: SentBack,
): Promise<GlobalPosition | null> {
  const { istatCode, remarks, sentBackBy } = sentBack.data;
  let position: GlobalPosition | null = null;
  for (const month of sentBack.data.months) {
    const context: CommandContext = {
      commandId: `${sentBack.metadata.eventId}:return:${month}`,
      correlationId: sentBack.metadata.correlationId,
      actor: sentBack.metadata.actor,
      clientIp: sentBack.metadata.clientIp,
      now: new Date(sentBack.metadata.occurredAt),
    };
    await refusalsLogged(deps.logger, { streamId: flowStream.id(istatCode, month) }, async () => {
      const result = await handleCommand(
        deps.store,
        monthlyFlowDecider,
        flowStream.id(istatCode, month),
        { type: 'ReturnMonthlyFlow', istatCode, month, adminId: sentBackBy, remarks },
        context,
      );
      position = result.position ?? position;
    });
  }
  return position;
}

/** Returns the months of every send-back, also those the request did not get to (a crash). */
export function yearSendBacks(deps: { store: EventStore; logger: Logger }): ProcessManager {
  return {
    name: 'year_send_backs',
    follows: (event) => event.type === 'YearSentBack' && yearStream.holds(event),
    async handle(events) {
      for (const event of events) {
        if (!yearStream.holds(event) || event.type !== 'YearSentBack') continue;
        await returnSentBackMonths(deps, event);
      }
    },
  };
}
