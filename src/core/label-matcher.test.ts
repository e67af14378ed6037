import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareMatchers,
  formatMatcher,
  formatMatchers,
  matchesLabels,
  parseMatcher,
  parseMatchers,
  type Matcher,
} from './label-matcher.js';

const parsed = (text: string): Matcher => {
  const result = parseMatcher(text);
  if (!result.ok) throw new Error(result.error);
  return result.value;
};

describe('parseMatcher', () => {
  it.each([
    ['severity="critical"', { name: 'severity', type: '=', value: 'critical' }],
    ['severity=critical', { name: 'severity', type: '=', value: 'critical' }],
    ['env!=prod', { name: 'env', type: '!=', value: 'prod' }],
    ['service=~"api|web"', { name: 'service', type: '=~', value: 'api|web' }],
    ['service!~api|web', { name: 'service', type: '!~', value: 'api|web' }],
    ['  team  =  "a b"  ', { name: 'team', type: '=', value: 'a b' }],
    ['team=""', { name: 'team', type: '=', value: '' }],
    ['team=', { name: 'team', type: '=', value: '' }],
    ['job:rate=5m', { name: 'job:rate', type: '=', value: '5m' }],
  ] as const)('reads %s', (text, expected) => {
    expect(parsed(text)).toEqual(expected);
  });

  it('reads escapes as the classic parser does: \\" \\\\ \\n, any other backslash stays', () => {
    expect(parsed('msg="say \\"hi\\""').value).toBe('say "hi"');
    expect(parsed('path="C:\\\\dir"').value).toBe('C:\\dir');
    expect(parsed('text="a\\nb"').value).toBe('a\nb');
    expect(parsed('re=~"\\d+"').value).toBe('\\d+');
    expect(parsed('end=a\\').value).toBe('a\\');
  });

  it('refuses what Alertmanager refuses', () => {
    for (const bad of ['foo', '=bar', '1abc=x', 'a=="b"', 'a="b', 'a="b"c"', 'a=b"', 'x=~"(a"'])
      expect(parseMatcher(bad).ok, bad).toBe(false);
    const regex = parseMatcher('x=~"(a"');
    expect(regex.ok ? '' : regex.error).toMatch(/invalid regular expression '\(a'/);
  });
});

describe('parseMatchers', () => {
  it('reads the braced, comma-separated form amtool accepts, commas in quotes included', () => {
    const result = parseMatchers('{a="b", c=~"d|e", msg="x, y"}');
    expect(result).toEqual({
      ok: true,
      value: [
        { name: 'a', type: '=', value: 'b' },
        { name: 'c', type: '=~', value: 'd|e' },
        { name: 'msg', type: '=', value: 'x, y' },
      ],
    });
    expect(parseMatchers('a=b,c!=d')).toMatchObject({ ok: true, value: [{}, {}] });
    expect(parseMatchers('{}')).toEqual({ ok: true, value: [] });
    expect(parseMatchers('a=b, oops').ok).toBe(false);
  });
});

describe('matchesLabels', () => {
  const m = (text: string) => {
    const result = parseMatchers(text);
    if (!result.ok) throw new Error(result.error);
    return result.value;
  };

  it('anchors regexes fully, as Alertmanager does', () => {
    expect(matchesLabels(m('service=~"foo"'), { service: 'foo' })).toBe(true);
    expect(matchesLabels(m('service=~"foo"'), { service: 'foobar' })).toBe(false);
    expect(matchesLabels(m('service=~"foo"'), { service: 'afoo' })).toBe(false);
    // The alternation is inside the anchors: `a|b` does not match `ab` or `xa`.
    expect(matchesLabels(m('service=~"a|b"'), { service: 'xa' })).toBe(false);
    expect(matchesLabels(m('service=~"foo.*"'), { service: 'foobar' })).toBe(true);
    expect(matchesLabels(m('service!~"foo"'), { service: 'foobar' })).toBe(true);
  });

  it('matches a missing label as the empty string', () => {
    expect(matchesLabels(m('team=""'), {})).toBe(true);
    expect(matchesLabels(m('team!=""'), {})).toBe(false);
    expect(matchesLabels(m('team!="x"'), {})).toBe(true);
    expect(matchesLabels(m('team=~".*"'), {})).toBe(true);
    expect(matchesLabels(m('team=~".+"'), {})).toBe(false);
    expect(matchesLabels(m('team!~".+"'), {})).toBe(true);
    expect(matchesLabels(m('team="x"'), {})).toBe(false);
  });

  it('needs every matcher to hold, and none is no condition', () => {
    expect(matchesLabels(m('a="1", b="2"'), { a: '1', b: '2' })).toBe(true);
    expect(matchesLabels(m('a="1", b="2"'), { a: '1' })).toBe(false);
    expect(matchesLabels([], { anything: 'x' })).toBe(true);
  });

  it("understands RE2's leading inline flags and named groups", () => {
    expect(matchesLabels(m('env=~"(?i)prod"'), { env: 'PROD' })).toBe(true);
    expect(matchesLabels(m('env=~"(?P<x>prod)"'), { env: 'prod' })).toBe(true);
    expect(matchesLabels(m('text=~"(?s)a.b"'), { text: 'a\nb' })).toBe(true);
    expect(matchesLabels(m('text=~"a.b"'), { text: 'a\nb' })).toBe(false);
  });

  it('does not treat inherited object keys as labels', () => {
    expect(matchesLabels(m('constructor=""'), {})).toBe(true);
  });
});

describe('formatting', () => {
  it('prints matchers as Alertmanager does, escaping quotes, backslashes and newlines', () => {
    expect(formatMatcher({ name: 'a', type: '=~', value: 'x"y\\z\n' })).toBe('a=~"x\\"y\\\\z\\n"');
    const sorted = [
      { name: 'b', type: '=', value: '1' },
      { name: 'a', type: '!=', value: '2' },
      { name: 'a', type: '=', value: '2' },
    ] satisfies Matcher[];
    expect(formatMatchers([...sorted].sort(compareMatchers))).toBe('{a="2",a!="2",b="1"}');
  });

  it('round-trips through the parser', () => {
    for (const value of ['plain', 'with "quotes"', 'back\\slash', 'new\nline', 'a, b'])
      expect(parsed(formatMatcher({ name: 'x', type: '=', value })).value).toBe(value);
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,10}$/),
        fc.constantFrom('=', '!=' as const),
        fc.string({ unit: 'grapheme', maxLength: 20 }),
        (name, type, value) => {
          const matcher: Matcher = { name, type, value };
          expect(parseMatchers(formatMatchers([matcher, matcher]))).toEqual({
            ok: true,
            value: [matcher, matcher],
          });
        },
      ),
    );
  });
});
