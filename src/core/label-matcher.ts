/**
 * Label matchers in Alertmanager's syntax (`name="value"`, `name!=value`, `name=~"re"`,
 * `name!~"re"`, or several in `{a="b", c=~"d"}`). They live in the shared kernel because the
 * governance-file schemas validate them; monitoring's routing tree, inhibition and silences
 * match with them.
 */

export type MatchType = '=' | '!=' | '=~' | '!~';

/** One matcher as plain data (it is stored and shown as written); see matchesValue. */
export interface Matcher {
  name: string;
  type: MatchType;
  value: string;
}

export type Labels = Readonly<Record<string, string>>;

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** Label names as the classic Alertmanager parser accepts them (Prometheus label names and `:`). */
const MATCHER = /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(=~|=|!=|!~)\s*([\s\S]*?)\s*$/;

/** Label names as Prometheus defines them, for `match` keys, `group_by` and `equal`. */
export const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

const REGEX_CACHE = new Map<string, RegExp>();

/**
 * Go's RE2 syntax, as far as JavaScript can follow it: inline flags at the start (`(?i)`,
 * `(?s)`, also combined like `(?is)`) become RegExp flags, and named groups `(?P<n>…)` lose
 * their `P`. Other RE2-only constructs (POSIX classes, `\z`) are rejected as invalid.
 */
function translateRegex(source: string): { body: string; flags: string } {
  let body = source;
  let flags = '';
  const leading = /^\(\?([a-zA-Z]+)\)/.exec(body);
  if (leading !== null) {
    for (const flag of leading[1] as string) {
      if (flag !== 'i' && flag !== 's' && flag !== 'm')
        throw new SyntaxError(`unsupported flag '${flag}' in (?${leading[1] as string})`);
      // m does not change a fully anchored match: ^ and $ wrap the whole expression.
      if (flag !== 'm' && !flags.includes(flag)) flags += flag;
    }
    body = body.slice(leading[0].length);
  }
  body = body.replaceAll('(?P<', '(?<');
  return { body, flags };
}

/**
 * The RegExp a regex matcher uses: fully anchored (`^(?:re)$`), as Alertmanager anchors it, so
 * `service=~"foo"` does not match `foobar`. Throws SyntaxError for an invalid expression.
 */
export function compileMatcherRegex(source: string): RegExp {
  const cached = REGEX_CACHE.get(source);
  if (cached !== undefined) return cached;
  const { body, flags } = translateRegex(source);
  const anchored = `^(?:${body})$`;
  let regex: RegExp;
  try {
    // Unicode mode first: it understands \p{…} classes and rejects stray escapes as RE2 does.
    regex = new RegExp(anchored, `${flags}u`);
  } catch {
    regex = new RegExp(anchored, flags);
  }
  if (REGEX_CACHE.size > 10_000) REGEX_CACHE.clear();
  REGEX_CACHE.set(source, regex);
  return regex;
}

/** Why a regex is invalid, or null when it compiles. */
export function regexError(source: string): string | null {
  try {
    compileMatcherRegex(source);
    return null;
  } catch (error) {
    // V8 quotes the anchored expression it was given; the reason after it is what helps.
    const reason = (error instanceof Error ? error.message : String(error)).replace(
      /^Invalid regular expression: \/.*\/[a-z]*: /s,
      '',
    );
    return `invalid regular expression '${source}': ${reason}`;
  }
}

/** Builds a matcher, checking a regex compiles. */
export function newMatcher(type: MatchType, name: string, value: string): Parsed<Matcher> {
  if (type === '=~' || type === '!~') {
    const error = regexError(value);
    if (error !== null) return { ok: false, error };
  }
  return { ok: true, value: { name, type, value } };
}

/**
 * One matcher, as Alertmanager's classic parser reads it: the value may be bare or in double
 * quotes; inside, `\"`, `\\` and `\n` are escapes and any other backslash is literal.
 */
export function parseMatcher(text: string): Parsed<Matcher> {
  const parts = MATCHER.exec(text);
  if (parts === null) return { ok: false, error: `bad matcher format: ${text}` };
  const name = parts[1] as string;
  const type = parts[2] as MatchType;
  let raw = parts[3] as string;
  let expectTrailingQuote = false;
  if (raw.startsWith('"')) {
    raw = raw.slice(1);
    expectTrailingQuote = true;
  }
  // Code points, as Go ranges over a string's runes.
  const chars = Array.from(raw);
  let value = '';
  let escaped = false;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string;
    if (escaped) {
      escaped = false;
      if (c === 'n') value += '\n';
      else if (c === '"' || c === '\\') value += c;
      // A spurious escape: the backslash stays.
      else value += `\\${c}`;
      continue;
    }
    if (c === '\\') {
      if (i < chars.length - 1) escaped = true;
      else value += '\\';
    } else if (c === '"') {
      if (!expectTrailingQuote || i < chars.length - 1)
        return {
          ok: false,
          error: `matcher value contains unescaped double quote: ${parts[3] as string}`,
        };
      expectTrailingQuote = false;
    } else {
      value += c;
    }
  }
  if (expectTrailingQuote)
    return {
      ok: false,
      error: `matcher value contains unescaped double quote: ${parts[3] as string}`,
    };
  return newMatcher(type, name, value);
}

/**
 * A list of matchers separated by commas, optionally in braces: `{a="b", c=~"d|e"}`. Commas
 * inside double quotes belong to the value.
 */
export function parseMatchers(text: string): Parsed<Matcher[]> {
  let body = text.trim();
  if (body.startsWith('{')) body = body.slice(1);
  if (body.endsWith('}')) body = body.slice(0, -1);
  const tokens: string[] = [];
  let token = '';
  let insideQuotes = false;
  let escaped = false;
  for (const c of body) {
    if (c === ',' && !insideQuotes) {
      tokens.push(token);
      token = '';
      continue;
    }
    if (c === '"') {
      if (!escaped) insideQuotes = !insideQuotes;
      else escaped = false;
    } else if (c === '\\') escaped = !escaped;
    else escaped = false;
    token += c;
  }
  if (token.trim() !== '') tokens.push(token);
  const matchers: Matcher[] = [];
  for (const t of tokens) {
    const parsed = parseMatcher(t);
    if (!parsed.ok) return parsed;
    matchers.push(parsed.value);
  }
  return { ok: true, value: matchers };
}

/** Whether one label value satisfies the matcher. */
export function matchesValue(matcher: Matcher, value: string): boolean {
  switch (matcher.type) {
    case '=':
      return value === matcher.value;
    case '!=':
      return value !== matcher.value;
    case '=~':
      return compileMatcherRegex(matcher.value).test(value);
    case '!~':
      return !compileMatcherRegex(matcher.value).test(value);
  }
}

/**
 * Whether a label set satisfies every matcher. A label the set does not have matches as the
 * empty string, as in Alertmanager: `team=""` and `team!~".+"` select alerts without a team.
 */
export function matchesLabels(matchers: readonly Matcher[], labels: Labels): boolean {
  return matchers.every((m) =>
    matchesValue(m, Object.hasOwn(labels, m.name) ? (labels[m.name] ?? '') : ''),
  );
}

/** Alertmanager's order for matchers: by name, then value, then type. */
export function compareMatchers(a: Matcher, b: Matcher): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  if (a.value !== b.value) return a.value < b.value ? -1 : 1;
  const order: MatchType[] = ['=', '!=', '=~', '!~'];
  return order.indexOf(a.type) - order.indexOf(b.type);
}

/** `name="value"`, escaping as OpenMetrics does (backslash, newline, double quote). */
export function formatMatcher(matcher: Matcher): string {
  const value = matcher.value
    .replaceAll('\\', '\\\\')
    .replaceAll('\n', '\\n')
    .replaceAll('"', '\\"');
  return `${matcher.name}${matcher.type}"${value}"`;
}

/** `{a="b",c=~"d"}`, as Alertmanager prints a route's matchers. */
export function formatMatchers(matchers: readonly Matcher[]): string {
  return `{${matchers.map(formatMatcher).join(',')}}`;
}
