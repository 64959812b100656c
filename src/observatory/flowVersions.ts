import { z } from 'zod';
import type { FlowEvent } from '../../domain/observatory/flowEvents.js';
import { flowStream } from '../../domain/observatory/monthlyFlowDecider.js';
import { isYearMonth, type YearMonth } from '../../domain/observatory/months.js';
import { DomainError } from '../../domain/shared/domainError.js';
import type { EventStore } from '../platform/eventStore/eventStore.js';

export type SubmittedVersion = Extract<FlowEvent, { type: 'MonthlyFlowSubmitted' }>['data'] & {
  readonly recordedAt: string;
};

/** The Region's last send-back of the month: its remarks, and whether a version followed. */
export interface RegionReturn {
  readonly remarks: string;
  readonly returnedAt: string;
  readonly resubmitted: boolean;
}

/**
 * A municipality's month as its stream keeps it: every version as filed (the rows of each kept as
 * sent), and the remarks of the Region's last send-back, if any.
 */
export async function monthRecord(
  store: EventStore,
  istatCode: string,
  month: YearMonth,
): Promise<{ versions: SubmittedVersion[]; regionReturn: RegionReturn | null }> {
  const { events } = await store.readStream(flowStream.id(istatCode, month));
  const history = events.filter(flowStream.holds);
  const versions = history.flatMap((event) =>
    event.type === 'MonthlyFlowSubmitted'
      ? [{ ...event.data, recordedAt: event.metadata.recordedAt }]
      : [],
  );
  const returned = history.findLastIndex((event) => event.type === 'MonthlyFlowReturned');
  const last = history[returned];
  if (last?.type !== 'MonthlyFlowReturned') return { versions, regionReturn: null };
  const resubmitted = history
    .slice(returned + 1)
    .some((event) => event.type === 'MonthlyFlowSubmitted');
  return {
    versions,
    regionReturn: {
      remarks: last.data.remarks,
      returnedAt: last.metadata.occurredAt,
      resubmitted,
    },
  };
}

/** Every version of a municipality's month, as filed: the rows of each one are kept as sent. */
export async function submittedVersions(
  store: EventStore,
  istatCode: string,
  month: YearMonth,
): Promise<SubmittedVersion[]> {
  return (await monthRecord(store, istatCode, month)).versions;
}

/** A version's number as the URL writes it (…/versioni/2). */
/** A month in the URL, 'AAAA-MM'. */
export const monthParam = z.string().refine(isYearMonth);

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
