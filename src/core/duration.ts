const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** Parses `90s`, `30m`, `4h`, `2d`, `1w`, `1h30m` or a number of seconds. Null if malformed. */
export function parseDuration(input: string | number): number | null {
  if (typeof input === 'number') return Number.isFinite(input) && input > 0 ? input : null;
  const text = input.trim();
  if (!/^(\d+(\.\d+)?[smhdw])+$/.test(text)) return null;
  let seconds = 0;
  for (const match of text.matchAll(/(\d+(?:\.\d+)?)([smhdw])/g)) {
    seconds += Number(match[1]) * (UNITS[match[2] as string] as number);
  }
  return seconds > 0 ? seconds : null;
}

/** The shortest exact form: 14400 → `4h`, 5400 → `1h30m`, 45 → `45s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isInteger(seconds)) return `${seconds}s`;
  let rest = seconds;
  let out = '';
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    const count = Math.floor(rest / size);
    if (count > 0) {
      out += `${count}${unit}`;
      rest -= count * size;
    }
  }
  return out === '' ? '0s' : out;
}
