export type ParsedArguments =
  { ok: true; value: Record<string, unknown> } | { ok: false; error: string };

/**
 * Arguments typed by a person: a JSON object, or why not (the parser's message, which names the
 * position of a syntax error).
 */
export function parseArguments(text: string): ParsedArguments {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      error: `Not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return {
      ok: false,
      error: `The arguments must be a JSON object ({ … }), not ${Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`}.`,
    };
  return { ok: true, value: value as Record<string, unknown> };
}
