import { setImmediate } from 'node:timers/promises';

/** How long a reading may keep the event loop before it lets other requests (and /healthz) in. */
const SLICE_MS = 10;

export type Pace = () => Promise<void>;

/**
 * A reading calls the pace between small pieces of work; once a slice of time has passed it waits
 * for a turn of the event loop, so that a large or hostile file delays other requests by
 * milliseconds, never by seconds. Time-based rather than per piece: a turn costs microseconds,
 * but thousands of them would still add up on a large file.
 */
export function pacer(sliceMs = SLICE_MS): Pace {
  let since = performance.now();
  return async () => {
    if (performance.now() - since < sliceMs) return;
    await setImmediate();
    since = performance.now();
  };
}
