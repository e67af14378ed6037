/** JSON stored as text: parse what we wrote ourselves. */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the shape it stored
export function parseJson<T>(text: string): T {
  return JSON.parse(text) as T;
}

export const toJson = (value: unknown): string => JSON.stringify(value);
