/**
 * Latency histogram with logarithmic buckets: each doubling from 1 µs is cut into 32 equal
 * parts (the float's exponent and the top 5 bits of its mantissa), so any percentile is within
 * ~1.6% of the true value, memory is fixed (4.4 KB per endpoint) whatever the line count, and
 * partial histograms from worker threads merge by adding. The WebAssembly fast path
 * (src/logs/scan/wasm/json-lines.ts) computes the same bucket from the same bits.
 */
export const HIST_BUCKETS = 1100;
const PER_DOUBLING = 32;
const F64 = new Float64Array(1);
/** The float's high word (sign, exponent, top of the mantissa), on either byte order. */
const HI = new Uint32Array(F64.buffer, new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 4 : 0, 1);

export function bucketOf(ms: number): number {
  const us = ms * 1000;
  if (!(us >= 1)) return 0;
  F64[0] = us;
  const hi = HI[0];
  const b = ((hi >>> 20) - 1023) * PER_DOUBLING + ((hi >>> 15) & 31) + 1;
  return b >= HIST_BUCKETS ? HIST_BUCKETS - 1 : b;
}

/** Representative value of a bucket: the middle of its range, in ms. */
export function valueOf(bucket: number): number {
  if (bucket === 0) return 0;
  const e = Math.floor((bucket - 1) / PER_DOUBLING);
  const m = (bucket - 1) % PER_DOUBLING;
  return (2 ** e * (1 + (m + 0.5) / PER_DOUBLING)) / 1000;
}

export function percentile(hist: Uint32Array, count: number, p: number): number {
  if (count === 0) return 0;
  const rank = Math.max(1, Math.ceil((p / 100) * count));
  let seen = 0;
  for (let i = 0; i < hist.length; i++) {
    seen += hist[i];
    if (seen >= rank) return valueOf(i);
  }
  return valueOf(hist.length - 1);
}

export function mergeHist(into: Uint32Array, from: Uint32Array): void {
  for (let i = 0; i < into.length; i++) into[i] += from[i];
}
