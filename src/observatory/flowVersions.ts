import { z } from 'zod';
import type { FlowEvent } from '../../domain/observatory/flowEvents.js';
import { flowStream } from '../../domain/observatory/monthlyFlowDecider.js';
import { isYearMonth, type YearMonth } from '../../domain/observatory/months.js';
import { DomainError } from '../../domain/shared/domainError.js';
import type { EventStore } from '../platform/eventStore/eventStore.js';

export type SubmittedVersion = Extract<FlowEvent, { type: 'MonthlyFlowSubmitted' }>['data'] & {
  readonly recordedAt: string;
};

/** Every version of a municipality's month, as filed: the rows of each one are kept as sent. */
async function submittedVersions(
  store: EventStore,
  istatCode: string,
  month: YearMonth,
): Promise<SubmittedVersion[]> {
  const { events } = await store.readStream(flowStream.id(istatCode, month));
  return events
    .filter(flowStream.holds)
    .flatMap((event) =>
      event.type === 'MonthlyFlowSubmitted'
        ? [{ ...event.data, recordedAt: event.metadata.recordedAt }]
        : [],
    );
}

/** A month in the URL, 'AAAA-MM'. */
export const monthParam = z.string().refine(isYearMonth);

/** A version's number as the URL writes it (…/versioni/2). */
export const versionNumber = z
  .string()
  .regex(/^[1-9]\d{0,5}$/)
  .transform(Number);

/** One version (1, 2, …) of the month, or a 404. */
export async function submittedVersion(
  store: EventStore,
  istatCode: string,
  month: YearMonth,
  wanted: number,
): Promise<SubmittedVersion> {
  const version = (await submittedVersions(store, istatCode, month)).find(
    (candidate) => candidate.version === wanted,
  );
  if (!version) throw new DomainError('VersionUnknown', 'not-found', 'Versione non trovata.');
  return version;
}
