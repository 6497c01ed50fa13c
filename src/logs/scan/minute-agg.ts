/** One minute of a log: what the scanner counts per minute and the spike detector reads. */
export interface MinuteAgg {
  lines: number;
  errors: number;
  firstErrorMs: number | null;
  /** Error events per second of the minute, allocated on the first error (for the spike onset). */
  secondErrors: Uint32Array | null;
  /** Error events per endpoint name in this minute (for naming the endpoint behind a spike). */
  endpointErrors: Map<string, number>;
}
