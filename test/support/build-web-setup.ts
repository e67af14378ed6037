import { buildWebIfStale } from '../../web/build-if-stale.js';

/** Vitest global setup: the browser tests serve web/dist, so it must match the sources. */
export default async function setup(): Promise<void> {
  await buildWebIfStale();
}
