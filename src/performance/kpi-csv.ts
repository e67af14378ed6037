import { KPI_NAMES, type KpiReport } from './read-kpis.js';

const cell = (value: string) => (/[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

/**
 * A KPI report as CSV (RFC 4180): a header of the breakdown labels then every KPI, one line per
 * row; a KPI without data is an empty cell, so spreadsheets do not read it as zero.
 */
export function kpiCsv(report: KpiReport): string {
  const header = [...report.by, ...KPI_NAMES].map(cell).join(',');
  const lines = report.rows.map((row) =>
    [
      ...report.by.map((l) => cell(row.labels[l] ?? '')),
      ...KPI_NAMES.map((k) => {
        const value = row.values[k];
        return value === null || value === undefined ? '' : String(value);
      }),
    ].join(','),
  );
  return `${[header, ...lines].join('\r\n')}\r\n`;
}
