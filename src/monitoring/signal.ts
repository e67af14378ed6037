import { createHash } from 'node:crypto';
import { canonicalJson } from '../core/canonical-json.js';
import type { Labels, Severity } from '../core/exception.js';

/**
 * What a detector or an integration reports: a condition that holds now. Its labels identify
 * it (the same condition seen again has the same labels, so it dedups to one exception); what
 * it measured goes in `details`, never in labels, so a changing figure does not make a new one.
 */
export interface Signal {
  labels: Labels & { alertname: string; severity: Severity };
  /** One line saying what is wrong and why. */
  summary: string;
  details: Record<string, unknown>;
}

/** The dedup key of a set of labels: equal labels, equal fingerprint, whatever their order. */
export function fingerprintOf(labels: Labels): string {
  return createHash('sha256').update(canonicalJson(labels)).digest('hex').slice(0, 32);
}
