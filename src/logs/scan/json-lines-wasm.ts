// Loader and typed view of the WebAssembly fast path for JSON lines (src/logs/scan/wasm/json-lines.ts,
// compiled by scripts/build.mjs to dist/logs-json-lines.wasm). The scanner uses it when it is
// there; without it (running from source before a build, or WARROOM_LOG_WASM=0) the JavaScript
// scanner does every line itself and computes the same analysis.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { HIST_BUCKETS } from './histogram.js';
import { endpointName, type EndpointAgg, type SignatureAgg } from './partial.js';

const FILE = 'logs-json-lines.wasm';
/** Fields in the module's order, with how many aliases and needle bytes it holds for each. */
export const WASM_FIELDS = 6;
const ALIASES = 16;
const NEEDLE_BYTES = 32;
const MAX_SLOTS = 8192;
/** Why a scan stopped (the module's R_* codes): it did not, a new endpoint, a new signature. */
export const R_NONE = 0;
export const R_NEW_ENDPOINT = 5;
export const R_NEW_SIGNATURE = 7;

/** An error line the module counted: when, which endpoint slot, status, signature index, level
 *  class, and the traceback state (JavaScript's `tb`, 0 or 2) its traceback lines left. */
export interface WasmErrorEvent {
  ms: number;
  slot: number;
  status: number;
  signature: number;
  level: number;
  tb: number;
}
/** Level classes in the module's order (its counts index this). */
const LEVELS = ['fatal', 'critical', 'error', 'warning', 'info', 'debug', 'trace', 'none'] as const;

interface Exports {
  memory: WebAssembly.Memory;
  needles(): number;
  needleLens(): number;
  aliasCounts(): number;
  durScales(): number;
  minuteKey(): number;
  stats(): number;
  slotRequests(): number;
  slotDurCount(): number;
  slotDurSum(): number;
  slotDurMax(): number;
  slotHist(): number;
  input(size: number): number;
  configure(): void;
  newBlock(): void;
  addEndpoint(lo: number, hi: number, slot: number): void;
  scan(pos: number, end: number, mode: number, errors: number): number;
  events(): number;
  eventsCount(): number;
  addAlias(list: number, rank: number, ptr: number, len: number): void;
  addSignature(lo: number, hi: number, index: number, tb: number): void;
  batchEnd(pos: number, end: number): number;
}

let compiled: WebAssembly.Module | null | undefined;

function wasmFile(): string | null {
  for (const rel of [`./${FILE}`, `../${FILE}`, `../../../dist/${FILE}`]) {
    const u = new URL(rel, import.meta.url);
    if (u.protocol === 'file:' && existsSync(fileURLToPath(u))) return fileURLToPath(u);
  }
  return null;
}

/** The compiled module, once per thread; null when it is not built or WARROOM_LOG_WASM=0. */
function moduleOnce(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  compiled = null;
  if (process.env.WARROOM_LOG_WASM === '0') return null;
  const file = wasmFile();
  if (!file) return null;
  try {
    compiled = new WebAssembly.Module(readFileSync(file));
  } catch {
    compiled = null; // an engine without SIMD: the JavaScript path does the work
  }
  return compiled;
}

/** One scanner's instance: its own memory, endpoint table and counters. */
export class JsonLinesEngine {
  private readonly x: Exports;
  private readonly slots: EndpointAgg[] = [];
  /** Endpoint name of each slot (the per-minute error counts are keyed by it). */
  readonly slotNames: string[] = [];
  readonly signatures: SignatureAgg[] = [];
  private readonly signatureIndex = new Map<SignatureAgg, number>();
  private configured = '';

  private constructor(instance: WebAssembly.Instance) {
    this.x = instance.exports as unknown as Exports;
  }

  /** Compiles the module now (once per thread), so the first scanner does not wait for it. */
  static warm(): void {
    moduleOnce();
  }

  /**
   * An instance for one scanner. `errorKeys`: the alias keys of the message, exception type and
   * exception text, in priority order (JSON_ALIASES.message, excType, excText).
   */
  static create(errorKeys: readonly (readonly string[])[]): JsonLinesEngine | null {
    const m = moduleOnce();
    if (!m) return null;
    const noop = () => {};
    const e = new JsonLinesEngine(new WebAssembly.Instance(m, { env: { abort: noop, trace: noop, seed: () => 0 } }));
    const scratch = e.x.input(1 << 10);
    errorKeys.forEach((keys, list) =>
      keys.forEach((key, rank) => {
        const bytes = Buffer.from(key, 'utf8');
        new Uint8Array(e.x.memory.buffer).set(bytes, scratch);
        e.x.addAlias(list, rank, scratch, bytes.length);
      }),
    );
    return e;
  }

  private i32(ptr: number, n: number): Int32Array {
    return new Int32Array(this.x.memory.buffer, ptr, n);
  }

  /** Sets the JSON key aliases per field (priority order) and each duration alias's unit. */
  configure(fields: readonly (readonly string[])[], durScales: readonly number[]): void {
    const sig = `${fields.map((f) => f.join(',')).join('|')}`;
    if (sig === this.configured) return;
    this.configured = sig;
    const mem = new Uint8Array(this.x.memory.buffer);
    const lens = this.i32(this.x.needleLens(), WASM_FIELDS * ALIASES);
    const counts = this.i32(this.x.aliasCounts(), WASM_FIELDS);
    const needles = this.x.needles();
    for (let f = 0; f < WASM_FIELDS; f++) {
      let n = 0;
      for (const key of fields[f] ?? []) {
        const bytes = Buffer.from(`"${key}":`, 'latin1');
        if (n >= ALIASES || bytes.length > NEEDLE_BYTES) continue;
        mem.set(bytes, needles + (f * ALIASES + n) * NEEDLE_BYTES);
        lens[f * ALIASES + n] = bytes.length;
        n++;
      }
      counts[f] = n;
    }
    new Float64Array(this.x.memory.buffer, this.x.durScales(), ALIASES).set(durScales.slice(0, ALIASES));
    this.x.configure();
  }

  /** Views of the input region (a view goes stale, length 0, when the memory grows). */
  private readonly inputViews = new WeakSet<Buffer>();
  private inputPtr = 0;
  private inputSize = 0;

  /**
   * A buffer in the module's own memory for the reader to read into, so load() need not copy.
   * It goes stale when the memory grows (a scan may grow it): fresh() gives it back, renewed.
   */
  inputBuffer(size: number): Buffer {
    this.inputPtr = this.x.input(size);
    this.inputSize = size;
    const view = Buffer.from(this.x.memory.buffer, this.inputPtr, size);
    this.inputViews.add(view);
    return view;
  }

  /** buf, or, when buf is a stale view of the input buffer, a new view of it. */
  fresh(buf: Buffer): Buffer {
    if (buf.buffer === this.x.memory.buffer || !this.inputViews.has(buf)) return buf;
    const view = Buffer.from(this.x.memory.buffer, this.inputPtr, this.inputSize);
    this.inputViews.add(view);
    return view;
  }

  /** Bytes [start, end) of buf as the module's input (copied unless buf is the input buffer); returns their address. */
  load(buf: Buffer, start: number, end: number): number {
    this.x.newBlock();
    if (buf.buffer === this.x.memory.buffer && this.inputViews.has(buf)) return this.inputPtr + start;
    const ptr = this.x.input(end - start);
    new Uint8Array(this.x.memory.buffer).set(buf.subarray(start, end), ptr);
    return ptr;
  }

  setMinute(key: string): void {
    const mem = new Uint8Array(this.x.memory.buffer, this.x.minuteKey(), 16);
    for (let i = 0; i < 16; i++) mem[i] = key.charCodeAt(i);
  }

  /** Counts of the last scan: lines consumed, JSON lines counted in the window, traceback lines
   *  counted in the window, why it stopped, last time value. */
  consumed = 0;
  counted = 0;
  continuation = 0;
  reason = 0;
  lastTs = -1;
  private statsView: Int32Array | null = null;

  /** Scans [pos, end) of the input and returns where it stopped (the counts are in the fields above). */
  scan(pos: number, end: number, mode: 0 | 1, errors: boolean): number {
    const stop = this.x.scan(pos, end, mode, errors ? 1 : 0);
    let st = this.statsView;
    if (!st || st.buffer !== this.x.memory.buffer) st = this.statsView = this.i32(this.x.stats(), 17);
    this.consumed = st[0];
    this.counted = st[1];
    this.continuation = st[16];
    this.reason = st[2];
    this.lastTs = st[3];
    return stop;
  }

  /** Where the lines JavaScript must handle after a stop at `pos` end (see batchEnd in the module). */
  batchEnd(pos: number, end: number): number {
    return this.x.batchEnd(pos, end);
  }

  /** The error lines the last scan counted, in order. */
  *errorEvents(): Generator<WasmErrorEvent> {
    const n = this.x.eventsCount();
    if (n === 0) return;
    const buf = this.x.memory.buffer;
    const at = this.x.events();
    const f = new Float64Array(buf, at, n * 3);
    const i = new Int32Array(buf, at, n * 6);
    const ev: WasmErrorEvent = { ms: 0, slot: 0, status: 0, signature: 0, level: 0, tb: 0 };
    for (let k = 0; k < n; k++) {
      ev.ms = f[k * 3];
      ev.slot = i[k * 6 + 2];
      ev.status = i[k * 6 + 3];
      ev.signature = i[k * 6 + 4];
      ev.level = i[k * 6 + 5] & 0xff;
      ev.tb = i[k * 6 + 5] >> 8;
      yield ev;
    }
  }

  /** Links the signature hash of the line the module stopped at (R_NEW_SIGNATURE) to its aggregate. */
  signatureHash(): [number, number] {
    const st = this.i32(this.x.stats(), 8);
    return [st[6], st[7]];
  }

  /** `tb`: the traceback state (0 or 2) the lines hashed with this signature leave. */
  addSignature(hash: [number, number], sig: SignatureAgg, tb: number): void {
    let index = this.signatureIndex.get(sig);
    if (index === undefined) {
      index = this.signatures.length;
      this.signatures.push(sig);
      this.signatureIndex.set(sig, index);
    }
    this.x.addSignature(hash[0], hash[1], index, tb);
  }

  endpoint(slot: number): EndpointAgg {
    return this.slots[slot];
  }

  /** Links the endpoint of the line the module stopped at (R_NEW_ENDPOINT) to its aggregate. */
  addEndpoint(ep: EndpointAgg): void {
    if (this.slots.length >= MAX_SLOTS) return;
    const st = this.i32(this.x.stats(), 8);
    this.x.addEndpoint(st[4], st[5], this.slots.length);
    this.slots.push(ep);
    this.slotNames.push(endpointName(ep.method, ep.path));
  }

  /** Adds what the module counted into the scanner's aggregates. */
  drain(levels: Record<string, number>): void {
    const buf = this.x.memory.buffer;
    const counts = new Int32Array(buf, this.x.stats() + 8 * 4, 8);
    for (let i = 0; i < LEVELS.length; i++) levels[LEVELS[i]] += counts[i];
    counts.fill(0);
    const n = this.slots.length;
    const req = new Uint32Array(buf, this.x.slotRequests(), n);
    const dc = new Uint32Array(buf, this.x.slotDurCount(), n);
    const ds = new Float64Array(buf, this.x.slotDurSum(), n);
    const dm = new Float64Array(buf, this.x.slotDurMax(), n);
    const hp = new Uint32Array(buf, this.x.slotHist(), n);
    for (let i = 0; i < n; i++) {
      const ep = this.slots[i];
      ep.requests += req[i];
      if (dc[i]) {
        ep.durCount += dc[i];
        ep.durSum += ds[i];
        if (dm[i] > ep.durMax) ep.durMax = dm[i];
        ep.hist ??= new Uint32Array(HIST_BUCKETS);
        const h = new Uint32Array(buf, hp[i], HIST_BUCKETS);
        for (let b = 0; b < HIST_BUCKETS; b++) ep.hist[b] += h[b];
      }
    }
    req.fill(0);
    dc.fill(0);
    ds.fill(0);
    dm.fill(0);
    for (let i = 0; i < n; i++) if (hp[i]) new Uint32Array(buf, hp[i], HIST_BUCKETS).fill(0);
  }
}
