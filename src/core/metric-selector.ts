import type { Parsed } from './label-matcher.js';
import { METRIC_LABEL_NAME, METRIC_NAME, type MetricSelector } from './metric.js';

const ESCAPES: Readonly<Record<string, string>> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '\\': '\\',
  '"': '"',
  "'": "'",
};

/**
 * Parses a PromQL instant selector with equality matchers only, as SLOs and key results name
 * their series: `work_completed_total`, `work_completed_total{domain="support", work_type='x'}`.
 * Strings are double- or single-quoted with Go's common escapes, or raw in backticks, as in
 * PromQL. `!=`, `=~` and `!~` are refused by name rather than read wrongly: a sum over a
 * negated or regex set is not what the metric reader computes.
 */
export function parseMetricSelector(text: string): Parsed<MetricSelector> {
  let i = 0;
  const fail = (message: string): Parsed<MetricSelector> => ({
    ok: false,
    error: `${message} at position ${i + 1} of '${text}'`,
  });
  const skipSpace = () => {
    while (i < text.length && /\s/.test(text[i] as string)) i++;
  };
  const identifier = (pattern: RegExp): string => {
    const match = pattern.exec(text.slice(i));
    if (match === null) return '';
    i += match[0].length;
    return match[0];
  };
  skipSpace();
  const name = identifier(/^[a-zA-Z_:][a-zA-Z0-9_:]*/);
  if (name === '') return fail('expected a metric name');
  if (!METRIC_NAME.test(name)) return fail(`'${name}' is not a metric name`);
  const labels: Record<string, string> = {};
  skipSpace();
  if (text[i] === '{') {
    i++;
    for (;;) {
      skipSpace();
      if (text[i] === '}') {
        i++;
        break;
      }
      const label = identifier(/^[a-zA-Z_][a-zA-Z0-9_]*/);
      if (label === '' || !METRIC_LABEL_NAME.test(label)) return fail('expected a label name');
      skipSpace();
      const operator = /^(=~|!=|!~|=)/.exec(text.slice(i))?.[0];
      if (operator === undefined) return fail(`expected '=' after label '${label}'`);
      if (operator !== '=')
        return fail(`only equality matchers (=) are supported, not '${operator}'`);
      i += 1;
      skipSpace();
      const quote = text[i];
      if (quote !== '"' && quote !== "'" && quote !== '`')
        return fail(`expected a quoted value for label '${label}'`);
      i++;
      let value = '';
      let closed = false;
      while (i < text.length) {
        const c = text[i] as string;
        i++;
        if (c === quote) {
          closed = true;
          break;
        }
        if (c === '\\' && quote !== '`') {
          const next = text[i];
          const escaped = next === undefined ? undefined : ESCAPES[next];
          if (escaped === undefined) return fail(`unknown escape '\\${next ?? ''}'`);
          value += escaped;
          i++;
        } else value += c;
      }
      if (!closed) return fail(`unterminated value for label '${label}'`);
      if (Object.hasOwn(labels, label)) return fail(`label '${label}' is matched twice`);
      labels[label] = value;
      skipSpace();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '}') {
        i++;
        break;
      }
      return fail("expected ',' or '}'");
    }
  }
  skipSpace();
  if (i < text.length) return fail('unexpected text after the selector');
  return { ok: true, value: { name, labels } };
}

/** The canonical text of a selector: labels sorted, values double-quoted and escaped. */
export function formatMetricSelector(selector: MetricSelector): string {
  const entries = Object.entries(selector.labels).sort(([a], [b]) => (a < b ? -1 : 1));
  if (entries.length === 0) return selector.name;
  const body = entries
    .map(
      ([name, value]) =>
        `${name}="${value.replaceAll('\\', '\\\\').replaceAll('\n', '\\n').replaceAll('"', '\\"')}"`,
    )
    .join(', ');
  return `${selector.name}{${body}}`;
}
