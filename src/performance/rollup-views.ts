import { canonicalJson } from '../core/canonical-json.js';
import { VIEW_LABEL } from '../core/ports/rollup-store.js';

/**
 * Breakdowns the fold keeps pre-aggregated beside the label sets it folds (see VIEW_LABEL): for
 * each, every built-in counter and histogram is added also to the label set of the view's
 * labels alone, in hour and day buckets. A breakdown by domain, the one people and the
 * diagnostic ask for most, then reads a row per domain and bucket rather than one per domain,
 * work type, actor and kind; a window's minute edges (under an hour each) and work in progress
 * (a few label sets) are read from the folded label sets. Custom series are not in views:
 * their labels are their reporters'.
 */
export const ROLLUP_VIEWS: readonly (readonly string[])[] = [['domain']];

const viewName = (labels: readonly string[]) => labels.join(',');

/** The label sets of the views a folded label set adds to (JSON in, JSON out). */
export function viewLabelSets(labels: Readonly<Record<string, string>>): string[] {
  const sets: string[] = [];
  for (const view of ROLLUP_VIEWS) {
    if (!view.every((l) => labels[l] !== undefined)) continue;
    const picked: Record<string, string> = { [VIEW_LABEL]: viewName(view) };
    for (const l of view) picked[l] = labels[l] ?? '';
    sets.push(canonicalJson(picked));
  }
  return sets;
}

/**
 * The view that answers a read grouping or filtering by `labels` alone, or null when the
 * folded label sets must be read.
 */
export function viewFor(labels: readonly string[]): string | null {
  const view = ROLLUP_VIEWS.find((v) => labels.every((l) => v.includes(l)));
  return view === undefined ? null : viewName(view);
}
