export interface Column<T> {
  header: string;
  value: (row: T) => string;
  /** Numbers read best right-aligned. */
  align?: 'left' | 'right';
  /** Longer values are cut with an ellipsis, so one long title does not push every row off screen. */
  maxWidth?: number;
}

const segmenter = new Intl.Segmenter();

/** Characters as people see them (graphemes), so accents and emoji do not skew the columns. */
const graphemes = (text: string): string[] => Array.from(segmenter.segment(text), (s) => s.segment);

function truncate(text: string, max: number | undefined): string {
  const flat = text.replace(/\s+/g, ' ');
  if (max === undefined) return flat;
  const chars = graphemes(flat);
  return chars.length <= max ? flat : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/**
 * Rows as aligned text lines, two spaces between columns. The last column is not padded, so
 * lines carry no trailing spaces.
 */
export function formatTable<T>(
  rows: readonly T[],
  columns: readonly Column<T>[],
  options: { headers?: boolean } = {},
): string[] {
  const cells = rows.map((row) =>
    columns.map((column) => truncate(column.value(row), column.maxWidth)),
  );
  const lines = options.headers === false ? cells : [columns.map((c) => c.header), ...cells];
  const widths = columns.map((_, i) =>
    Math.max(0, ...lines.map((line) => graphemes(line[i] ?? '').length)),
  );
  return lines.map((line) =>
    line
      .map((cell, i) => {
        const pad = ' '.repeat((widths[i] ?? 0) - graphemes(cell).length);
        if (columns[i]?.align === 'right') return pad + cell;
        return i === line.length - 1 ? cell : cell + pad;
      })
      .join('  ')
      .trimEnd(),
  );
}

/** Label and value pairs, aligned and indented: the body of a `show` command. */
export function formatFields(fields: readonly (readonly [string, string])[]): string[] {
  return formatTable(
    fields,
    [
      { header: '', value: ([k]) => k },
      { header: '', value: ([, v]) => v },
    ],
    { headers: false },
  ).map((row) => `  ${row}`);
}
