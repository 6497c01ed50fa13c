// Request and endpoint accounting: which endpoint a line names (by a hash of its method and
// normalised path, so a known one costs no string), its requests, statuses and durations.
import { Case, Ch } from './chars.js';
import type { TextWindow } from './framing.js';
import { HashTable } from './hash-table.js';
import { bucketOf, HIST_BUCKETS } from './histogram.js';
import { readQuotedEnd } from './json-values.js';
import { hashNormalizedPath, normalizePath } from './normalize-path.js';
import { endpointName, type EndpointAgg, type PartialAnalysis } from './partial.js';

/** Bounds on what one scan may remember, so memory stays flat whatever the input. */
export const MAX_ENDPOINTS = 5000;
/** The name everything past a bound is counted under. */
export const OTHER = '(other)';
/** FNV-1a's offset basis: the hash seed of a line without a method. */
const FNV_SEED = 0x811c9dc5;
const FNV_PRIME = 16777619;
/** A method value is read only when its closing quote comes fewer than this many characters after its opening one. */
const METHOD_MAX = 12;

/** Method name by the hash of its letters (upper-cased), so lines need no slicing for it. */
const METHOD_NAMES = new Map<number, string>();

export class EndpointTable {
  private readonly byHash = new HashTable<EndpointAgg>(MAX_ENDPOINTS * 4);
  /** Endpoint of the last JSON line scanned here (to link it to the fast path's slot). */
  lastEp: EndpointAgg | null = null;

  constructor(
    private readonly p: PartialAnalysis,
    private readonly text: TextWindow,
  ) {}

  /** The endpoint of a JSON line whose path value starts at pv and method value at mv (-1: absent), or null. */
  ofJson(s: string, pv: number, mv: number): EndpointAgg | null {
    if (pv < 0 || s.charCodeAt(pv) !== Ch.Quote) return null;
    const pe = readQuotedEnd(s, pv + 1);
    if (pe <= pv + 1) return null;
    let method: string | null = null;
    let seed = FNV_SEED;
    if (mv >= 0 && s.charCodeAt(mv) === Ch.Quote) {
      const me = s.indexOf('"', mv + 1);
      if (me > mv + 1 && me - mv < METHOD_MAX) {
        for (let i = mv + 1; i < me; i++) seed = Math.imul(seed ^ (s.charCodeAt(i) & Case.Upper), FNV_PRIME);
        method = METHOD_NAMES.get(seed) ?? null;
        if (method === null) {
          method = s.slice(mv + 1, me).toUpperCase();
          if (METHOD_NAMES.size < 100) METHOD_NAMES.set(seed, method);
        }
      }
    }
    const ep = this.ofRange(s, pv + 1, pe, method, seed);
    this.lastEp = ep;
    return ep;
  }

  /** The endpoint of method and the path s[pa, pb), found by the hash of its normalised form. */
  private ofRange(s: string, pa: number, pb: number, method: string | null, seed: number): EndpointAgg {
    const h = hashNormalizedPath(s, pa, pb, seed);
    const hit = this.byHash.get(h);
    if (hit) return hit;
    const path = normalizePath(this.text.utf8(pa, pb));
    const ep = this.byName(method, path);
    this.byHash.set(h, ep);
    return ep;
  }

  /** The endpoint of method and a normalised path (OTHER once MAX_ENDPOINTS are known). */
  byName(method: string | null, path: string): EndpointAgg {
    let name = endpointName(method, path);
    let ep = this.p.endpoints.get(name);
    if (ep) return ep;
    if (this.p.endpoints.size >= MAX_ENDPOINTS) {
      name = OTHER;
      method = null;
      path = OTHER;
      ep = this.p.endpoints.get(name);
      if (ep) return ep;
    }
    ep = { method, path, requests: 0, errors: 0, statuses: {}, hist: null, durCount: 0, durSum: 0, durMax: 0 };
    this.p.endpoints.set(name, ep);
    return ep;
  }
}

/** Counts a request on ep when the line has a status or a duration (dur < 0: none). */
export function countRequest(ep: EndpointAgg, status: boolean, dur: number): void {
  if (status || dur >= 0) ep.requests++;
  if (dur >= 0) addDuration(ep, dur);
}

export function addDuration(ep: EndpointAgg, ms: number): void {
  ep.hist ??= new Uint32Array(HIST_BUCKETS);
  ep.hist[bucketOf(ms)]++;
  ep.durCount++;
  ep.durSum += ms;
  if (ms > ep.durMax) ep.durMax = ms;
}
