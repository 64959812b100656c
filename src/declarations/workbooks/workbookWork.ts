import { availableParallelism } from 'node:os';
import { atMost } from '../../platform/concurrency/atMost.js';

/**
 * Workbooks being read, as many at once as the machine has cores: each holds its parts
 * and cells in memory while it is worked on, and the work is all CPU. Twenty declarants uploading
 * at a deadline then wait their turn for a few milliseconds instead of raising the process's
 * memory by each one's workbooks.
 */
export const workbookWork = atMost(availableParallelism());

/** A reader of workbooks whose every call waits its turn in workbookWork. */
export const inTurn =
  <Args extends unknown[], Result>(work: (...args: Args) => Promise<Result>) =>
  (...args: Args): Promise<Result> =>
    workbookWork(() => work(...args));
