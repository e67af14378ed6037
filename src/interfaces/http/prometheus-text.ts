import { Counter, Gauge, Registry } from 'prom-client';
import type { ExportedSeries } from '../../runtime/performance-service.js';

/**
 * The Prometheus text exposition of exported series, written by prom-client: a registry of
 * its own per scrape, filled from the rollups, so nothing is counted twice in memory.
 */
export async function prometheusText(series: readonly ExportedSeries[]): Promise<{
  text: string;
  contentType: string;
}> {
  const registry = new Registry();
  for (const s of series) {
    const labelNames = [...new Set(s.samples.flatMap((sample) => Object.keys(sample.labels)))];
    const config = { name: s.name, help: s.help, labelNames, registers: [registry] };
    if (s.type === 'counter') {
      const counter = new Counter(config);
      for (const sample of s.samples) counter.inc(sample.labels, sample.value);
    } else {
      const gauge = new Gauge(config);
      for (const sample of s.samples) gauge.set(sample.labels, sample.value);
    }
  }
  return { text: await registry.metrics(), contentType: registry.contentType };
}
