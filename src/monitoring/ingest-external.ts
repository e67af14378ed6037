import { SEVERITIES, type ExceptionRecord, type Severity } from '../core/exception.js';
import { resolveException } from './close-exception.js';
import type { MonitoringContext } from './monitoring-context.js';
import { raiseException } from './raise-exception.js';
import { fingerprintOf, type Signal } from './signal.js';

/** An alert as another system reports it: firing or resolved, with its labels and annotations. */
export interface ExternalAlert {
  status: 'firing' | 'resolved';
  labels: Readonly<Record<string, string>>;
  annotations: Readonly<Record<string, string>>;
  startsAt?: string | undefined;
  generatorURL?: string | undefined;
}

export interface Ingested {
  opened: ExceptionRecord[];
  resolved: ExceptionRecord[];
  /** Firing alerts already standing as an exception, and resolved ones with none open. */
  unchanged: number;
}

/**
 * The signal an external alert stands for. Its labels are kept as they are, so the same alert
 * sent again dedups; a severity outside ours (`page`, `P1`) reads as `warning`, and the original
 * is kept in the details.
 */
export function signalOfAlert(alert: ExternalAlert): Signal {
  const given = alert.labels.severity;
  const severity: Severity = SEVERITIES.includes(given as Severity)
    ? (given as Severity)
    : 'warning';
  const alertname = alert.labels.alertname ?? 'ExternalAlert';
  return {
    labels: { ...alert.labels, alertname, severity },
    summary: alert.annotations.summary ?? alert.annotations.description ?? `${alertname} is firing`,
    details: {
      annotations: alert.annotations,
      ...(alert.startsAt === undefined ? {} : { startsAt: alert.startsAt }),
      ...(alert.generatorURL === undefined ? {} : { generatorURL: alert.generatorURL }),
      ...(given === undefined || given === severity ? {} : { givenSeverity: given }),
    },
  };
}

/**
 * Turns another system's alerts into exceptions, in one transaction: a firing alert is raised
 * (once), a resolved one ends the exception it raised — only an exception of the same source,
 * so an integration never closes what a detector or a person opened.
 */
export async function ingestExternal(
  ctx: MonitoringContext,
  source: string,
  alerts: readonly ExternalAlert[],
): Promise<Ingested> {
  const result: Ingested = { opened: [], resolved: [], unchanged: 0 };
  for (const alert of alerts) {
    const signal = signalOfAlert(alert);
    if (alert.status === 'firing') {
      const raised = await raiseException(ctx, source, signal);
      if (raised.opened) result.opened.push(raised.exception);
      else result.unchanged++;
      continue;
    }
    const active = await ctx.tx.exceptions.findActive(fingerprintOf(signal.labels));
    if (active?.source !== source) {
      result.unchanged++;
      continue;
    }
    result.resolved.push(
      await resolveException(ctx, active.id, 'external', `${source} reports it resolved`),
    );
  }
  return result;
}
