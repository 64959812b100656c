import type { Projection } from '../src/projections/projection.js';
import { streamIndexProjection } from './streamIndex/streamIndex.js';

/** Every read model the portal keeps; the runner and the rebuild CLI take them from here. */
export const allProjections: readonly Projection[] = [streamIndexProjection];
