/**
 * RFC 8785 (JCS) canonical JSON: object members sorted by their names' UTF-16 code units, no
 * whitespace, strings and numbers as ECMAScript's JSON.stringify writes them. Every event's hash
 * is taken over this text, so it must never change: it gives exactly what json-canonicalize's
 * `canonicalize` gives (members whose value is undefined are left out, undefined array elements
 * become null, values with a toJSON method are written by JSON.stringify), which the tests check
 * against that library. Written here because every write hashes its events on the commit path,
 * where the library's bookkeeping (a path string per member, a WeakMap of visited objects) made
 * hashing several times slower than the serializing itself.
 */
export function canonicalJson(value: unknown): string {
  return write(value, []);
}

/** Characters JSON.stringify escapes (and lone surrogates, which it writes as \\u escapes). */
// eslint-disable-next-line no-control-regex -- control characters are what must be escaped
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** JSON.stringify as it is: undefined for undefined, functions and symbols. */
const stringify: (value: unknown) => string | undefined = JSON.stringify;

/** JSON.stringify(text), without the call for the plain text most strings are. */
const quote = (text: string): string =>
  NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;

function write(value: unknown, ancestors: object[]): string {
  if (typeof value === 'string') return quote(value);
  // Number#toString is what JSON.stringify (and RFC 8785) writes for a finite number.
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (value === null || typeof value !== 'object' || hasToJson(value)) {
    if (typeof value === 'number' && !Number.isFinite(value))
      throw new Error(`Non-finite number (${value}) is not permitted in JSON (RFC 8785 §3.2.2.3)`);
    // As the reference concatenates it: JSON.stringify gives undefined for functions and symbols.
    return stringify(value) ?? 'undefined';
  }
  if (ancestors.includes(value)) throw new Error('Circular reference detected');
  ancestors.push(value);
  let text: string;
  if (Array.isArray(value)) {
    text = '[';
    let first = true;
    for (let i = 0; i < value.length; i += 1) {
      // Holes are skipped, as the reference's forEach skips them.
      if (!(i in value)) continue;
      if (!first) text += ',';
      first = false;
      const element: unknown = value[i];
      text += write(element === undefined ? null : element, ancestors);
    }
    text += ']';
  } else {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).sort();
    text = '{';
    let first = true;
    for (const key of keys) {
      const member = record[key];
      if (member === undefined) continue;
      if (!first) text += ',';
      first = false;
      text += `${quote(key)}:${write(member, ancestors)}`;
    }
    text += '}';
  }
  ancestors.pop();
  return text;
}

function hasToJson(value: object): boolean {
  return (value as { toJSON?: unknown }).toJSON != null;
}
