import { describe, expect, it } from 'vitest';
import { formatMetricSelector, parseMetricSelector } from './metric-selector.js';

describe('parseMetricSelector', () => {
  it('reads a bare name', () => {
    expect(parseMetricSelector('work_completed_total')).toEqual({
      ok: true,
      value: { name: 'work_completed_total', labels: {} },
    });
  });

  it('reads equality matchers with either quote, spaces and a trailing comma', () => {
    expect(
      parseMetricSelector(` work_completed_total { domain = "support", work_type='refund', } `),
    ).toEqual({
      ok: true,
      value: { name: 'work_completed_total', labels: { domain: 'support', work_type: 'refund' } },
    });
    expect(parseMetricSelector('m{}')).toEqual({ ok: true, value: { name: 'm', labels: {} } });
  });

  it('reads escapes in quoted values and keeps backticks raw', () => {
    expect(parseMetricSelector('m{a="x\\"y\\\\z\\n"}')).toEqual({
      ok: true,
      value: { name: 'm', labels: { a: 'x"y\\z\n' } },
    });
    expect(parseMetricSelector('m{a=`x\\n`}')).toEqual({
      ok: true,
      value: { name: 'm', labels: { a: 'x\\n' } },
    });
  });

  it.each([
    ['', 'expected a metric name at position 1'],
    ['{domain="x"}', 'expected a metric name'],
    ['m{domain!="x"}', "only equality matchers (=) are supported, not '!='"],
    ['m{domain=~"x"}', "only equality matchers (=) are supported, not '=~'"],
    ['m{domain!~"x"}', "only equality matchers (=) are supported, not '!~'"],
    ['m{domain=x}', "expected a quoted value for label 'domain'"],
    ['m{domain="x}', "unterminated value for label 'domain'"],
    ['m{a="1",a="2"}', "label 'a' is matched twice"],
    ['m{a="1" b="2"}', "expected ',' or '}'"],
    ['m{a="\\q"}', "unknown escape '\\q'"],
    ['m x', 'unexpected text after the selector at position 3'],
    ['rate(m[5m])', 'unexpected text after the selector'],
    ['m{1a="x"}', 'expected a label name'],
  ])('refuses %j', (text, message) => {
    const parsed = parseMetricSelector(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toContain(message);
  });

  it('formats canonically and parses back', () => {
    const text = formatMetricSelector({
      name: 'work_completed_total',
      labels: { work_type: 'a"b', domain: 'support' },
    });
    expect(text).toBe('work_completed_total{domain="support", work_type="a\\"b"}');
    expect(parseMetricSelector(text)).toEqual({
      ok: true,
      value: { name: 'work_completed_total', labels: { domain: 'support', work_type: 'a"b' } },
    });
    expect(formatMetricSelector({ name: 'm', labels: {} })).toBe('m');
  });
});
