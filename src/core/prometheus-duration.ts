/**
 * Durations in Prometheus's format, which Alertmanager's configuration uses: units from largest
 * to smallest, each at most once (`1d`, `4h`, `1h30m`, `500ms`, `2w`, `1y`), or `0`.
 * Milliseconds, as the routing timers count them.
 */
const PATTERN = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

const UNITS: readonly [string, number][] = [
  ['y', 365 * 86_400_000],
  ['w', 7 * 86_400_000],
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
  ['ms', 1],
];

/** Milliseconds, or null when `text` is not a Prometheus duration. */
export function parsePrometheusDuration(text: string | number): number | null {
  const source = String(text);
  if (source === '0') return 0;
  if (source === '') return null;
  const parts = PATTERN.exec(source);
  if (parts === null) return null;
  let ms = 0;
  UNITS.forEach(([, size], index) => {
    const count = parts[index + 1];
    if (count !== undefined) ms += Number(count) * size;
  });
  return Number.isSafeInteger(ms) ? ms : null;
}

/**
 * The form Prometheus prints: `0s`, `30s`, `1h30m`, `1d`; years and weeks only when exact, as
 * `90d` reads better than `12w6d`.
 */
export function formatPrometheusDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = Math.round(ms);
  let out = '';
  for (const [unit, size] of UNITS) {
    if ((unit === 'y' || unit === 'w') && rest % size !== 0) continue;
    const count = Math.floor(rest / size);
    if (count > 0) {
      out += `${count}${unit}`;
      rest -= count * size;
    }
  }
  return out;
}
