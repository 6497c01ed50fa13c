import type { MinuteBucket } from './types.js';

const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

function bar(value: number, max: number, width: number): string {
  if (max <= 0 || value <= 0) return '';
  const units = Math.max(1, Math.round((value / max) * width * 8));
  return '█'.repeat(Math.floor(units / 8)) + EIGHTHS[units % 8];
}

/**
 * The error rate per minute as horizontal bars, one row per minute (or per group of minutes
 * when the window is long), with the count and the share of lines that were errors.
 */
export function renderErrorChart(series: MinuteBucket[], opts: { width?: number; maxRows?: number; mark?: string | null } = {}): string {
  if (!series.length) return '(no dated lines)';
  const width = opts.width ?? 40;
  const maxRows = opts.maxRows ?? 30;
  const per = Math.ceil(series.length / maxRows);
  const rows: { label: string; errors: number; lines: number; start: string }[] = [];
  for (let i = 0; i < series.length; i += per) {
    const group = series.slice(i, i + per);
    const label = group[0].minute.slice(11, 16);
    rows.push({
      label: per > 1 ? `${label}+${per}m` : label,
      errors: group.reduce((a, g) => a + g.errors, 0),
      lines: group.reduce((a, g) => a + g.lines, 0),
      start: group[0].minute,
    });
  }
  const max = Math.max(...rows.map((r) => r.errors));
  const countWidth = String(max).length;
  const markIdx = opts.mark ? rows.findLastIndex((r) => r.start <= opts.mark!) : -1;
  return rows
    .map((r, i) => {
      const pct = r.lines ? ` ${((r.errors / r.lines) * 100).toFixed(1)}%` : '';
      return `${r.label.padEnd(per > 1 ? 10 : 5)} ${String(r.errors).padStart(countWidth)} ${bar(r.errors, max, width)}${pct}${i === markIdx ? '  ← spike' : ''}`;
    })
    .join('\n');
}
