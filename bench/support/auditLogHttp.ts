import type { Database } from '../../src/platform/db/database.js';
import { storeLog } from '../../src/audit/auditLog.js';
import { eventTypes } from '../../src/audit/historySearch.js';
import { streamKindOf } from '../../src/audit/streamKinds.js';
import type { TestClient } from '../../test/support/client.js';
import type { HttpFigures } from './auditLogReport.js';
import { timeEach, type SampledStream } from './auditLogStreams.js';

const streamPath = (streamId: string) => `/revisione/stream/${encodeURIComponent(streamId)}`;

/** GET as the signed-in auditor; a page counts when it answers 200 with HTML. */
async function page(auditor: TestClient, url: string): Promise<boolean> {
  const response = await auditor.get(url);
  return response.statusCode === 200 && response.body.includes('<html');
}

/** Whether the auditor pages answer at all (they may not exist yet). */
export async function auditRoutesRespond(auditor: TestClient): Promise<boolean> {
  return (await auditor.get('/revisione')).statusCode === 200;
}

/**
 * The auditor pages, one request at a time: a stream's timeline (first page), its state as of a
 * version and as of a time, the history search filtered by type, and the longest streams.
 */
export async function measurePages(
  auditor: TestClient,
  database: Database,
  streams: {
    readonly any: readonly SampledStream[];
    readonly replayable: readonly SampledStream[];
    readonly longest: readonly SampledStream[];
  },
  searchRounds: number,
): Promise<HttpFigures> {
  const timeline = await timeEach(streams.any, (s) => page(auditor, streamPath(s.streamId)));
  const stateAsOfVersion = await timeEach(streams.replayable, (s) =>
    page(auditor, `${streamPath(s.streamId)}/stato?versione=${s.askVersion}`),
  );
  const stateAsOfTime = await timeEach(streams.replayable, (s) =>
    page(auditor, `${streamPath(s.streamId)}/stato?al=${encodeURIComponent(s.askTime)}`),
  );
  const types = await eventTypes(database.db, storeLog);
  const searches = Array.from({ length: searchRounds }, () => types).flat();
  const searchByType = await timeEach(
    searches.map((type) => ({
      streamId: type,
      kind: 'search',
      version: 0,
      askVersion: 0,
      askTime: '',
    })),
    (s) => page(auditor, `/revisione?tipo=${encodeURIComponent(s.streamId)}`),
    5,
  );
  const longest = [];
  for (const stream of streams.longest) {
    const once = async (url: string) => {
      await page(auditor, url);
      const start = performance.now();
      const ok = await page(auditor, url);
      return ok ? performance.now() - start : Number.NaN;
    };
    const timelineMs = await once(streamPath(stream.streamId));
    const stateUrl = `${streamPath(stream.streamId)}/stato?versione=${stream.askVersion}`;
    const replayable = streamKindOf(stream.streamId).replayer !== null;
    const stateAsOfMs = replayable ? await once(stateUrl) : null;
    longest.push({ streamId: stream.streamId, events: stream.version, timelineMs, stateAsOfMs });
  }
  return { timeline, stateAsOfVersion, stateAsOfTime, searchByType, longest };
}
