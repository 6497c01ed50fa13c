import { z } from 'zod';
import { parseDuration } from '../core/time.js';

/** A duration written as "2s", "15m", "1h" (or a number of milliseconds), parsed to ms. */
export const durationMs = z.union([z.number().int().nonnegative(), z.string()]).transform((v, ctx) => {
  if (typeof v === 'number') return v;
  try {
    return parseDuration(v);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message.replace(/^duration: /, '') });
    return z.NEVER;
  }
});

/** A URL string with one of the protocols; the message shows an example. */
export const urlWith = (protocols: string[], example: string) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    { message: `expected a URL (${protocols.join(' or ')}//…), e.g. ${example}` },
  );
