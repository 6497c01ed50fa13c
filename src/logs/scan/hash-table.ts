/**
 * A map from 32-bit hashes to values with open addressing over typed arrays: a Map keyed by
 * hashes above 2^30 boxes every key as a heap number on each lookup. Holds at most `max`
 * entries (later sets are ignored, as the Map's size cap did).
 */
export class HashTable<V> {
  private readonly keys: Int32Array;
  private readonly vals: (V | undefined)[];
  private readonly mask: number;
  private size = 0;

  constructor(private readonly max: number) {
    let cap = 16;
    while (cap < max * 2) cap *= 2;
    this.keys = new Int32Array(cap);
    this.vals = new Array<V | undefined>(cap).fill(undefined);
    this.mask = cap - 1;
  }

  get(h: number): V | undefined {
    const k = h | 0;
    let i = (k ^ (k >>> 15)) & this.mask;
    for (;;) {
      const v = this.vals[i];
      if (v === undefined || this.keys[i] === k) return v;
      i = (i + 1) & this.mask;
    }
  }

  set(h: number, v: V): void {
    if (this.size >= this.max) return;
    const k = h | 0;
    let i = (k ^ (k >>> 15)) & this.mask;
    while (this.vals[i] !== undefined) {
      if (this.keys[i] === k) {
        this.vals[i] = v;
        return;
      }
      i = (i + 1) & this.mask;
    }
    this.keys[i] = k;
    this.vals[i] = v;
    this.size++;
  }
}
