/** Numbers as people read them in text output; JSON keeps the raw numbers. */

/** Bytes in binary units: 512 B, 7.8 MiB, 21 GiB. */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 10 || i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

/** A latency or an age: 850 ms, 1.8 s, 42 s, 3 min 5 s, 2 h 10 min. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 10) return `${s.toFixed(1).replace(/\.0$/, '')} s`;
  if (s < 60) return `${Math.round(s)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min${Math.round(s % 60) ? ` ${Math.round(s % 60)} s` : ''}`;
  const h = Math.floor(m / 60);
  return `${h} h${m % 60 ? ` ${m % 60} min` : ''}`;
}

/** One decimal place. */
export const round1 = (n: number) => Math.round(n * 10) / 10;

/** a as a percentage of b, one decimal place; null when b is 0. */
export const pct = (a: number, b: number) => (b > 0 ? round1((a / b) * 100) : null);
