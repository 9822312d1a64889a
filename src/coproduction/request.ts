// A state body's request for a firm's data: who asks (body, kind, rank, jurisdiction), on what legal basis, for what
// purpose, which fields or measures, at which granularity. Parsed from YAML/JSON with coded errors.
import { z } from 'zod';
import { isIsoDate } from '../core/dates.js';
import { MosaicError } from '../core/errors.js';
import { readYaml, validateYaml } from '../core/yaml-doc.js';
import { GRANULARITIES, RANKS } from './policy.js';

export const RequestSchema = z
  .object({
    id: z.string().min(1).max(200),
    date: z.string().refine(isIsoDate, 'a YYYY-MM-DD date'),
    requester: z
      .object({
        body: z.string().min(1).max(200),
        kind: z.string().regex(/^[a-z][a-z0-9_-]*$/),
        rank: z.enum(RANKS),
        jurisdiction: z.string().regex(/^\d{6}$/, 'a six-digit GB/T 2260 code'),
      })
      .strict(),
    channel: z.string().min(1),
    legal_basis: z.string().min(1),
    purpose: z.string().min(1),
    /** Aggregate channels: measures (`count`, `sum:FIELD`); incident channels: the incident fields wanted. */
    fields: z.array(z.string().min(1)).min(1).max(50),
    granularity: z.enum([...GRANULARITIES, 'record']),
  })
  .strict();

export type ChannelRequest = z.infer<typeof RequestSchema>;

export function parseRequest(value: unknown): ChannelRequest {
  const r = RequestSchema.safeParse(value);
  if (r.success) return r.data;
  throw new MosaicError(
    r.error.issues.map((i) => ({
      code: 'channel_request.invalid',
      message: i.message,
      location: { path: i.path.filter((k): k is string | number => typeof k !== 'symbol') },
    })),
  );
}

export function readRequest(file: string): ChannelRequest {
  const parsed = readYaml(file);
  const res = validateYaml(parsed, RequestSchema, 'channel_request');
  if (!res.value) throw new MosaicError(res.issues);
  return res.value;
}
