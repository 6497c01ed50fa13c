// autocannon ships no types; this is the part of its API the benchmarks use.
declare module 'autocannon' {
  interface Options { url: string; method?: string; headers?: Record<string, string>; body?: string; connections?: number; duration?: number; pipelining?: number; amount?: number }
  interface Histogram { average: number; p50: number; p90: number; p99: number; max: number }
  interface Result { requests: Histogram; latency: Histogram; throughput: Histogram; non2xx: number; errors: number; timeouts: number }
  function autocannon(opts: Options): Promise<Result>;
  export default autocannon;
}
