// Cheaper validation and serialisation for a hot route whose Zod schemas stay the declaration (OpenAPI, errors): a
// plain check accepts the common body and anything else goes to Zod, which decides and words the error; a response
// is projected onto its schema's keys and printed, with the bytes Zod's serializer would give (decision 0159).
import type { FastifySchemaCompiler, FastifySerializerCompiler } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { z } from 'zod';

/**
 * A validator that accepts without Zod when `accepts(data)` holds. `accepts` must admit only what the schema
 * admits, and the schema must not transform what it admits (the body is passed on as it came); a differential test
 * holds each such pair to that. Whatever `accepts` refuses is judged by Zod, so errors are exactly Zod's.
 */
export function fastValidator(accepts: (data: unknown) => boolean): FastifySchemaCompiler<unknown> {
  return (route) => {
    const slow = validatorCompiler(route as never) as (data: unknown) => { value?: unknown; error?: Error };
    return (data: unknown) => (accepts(data) ? { value: data } : slow(data));
  };
}

type Project = (v: unknown) => unknown;

interface Def {
  type: string;
  shape?: Record<string, { _zod: { def: Def } }>;
  innerType?: { _zod: { def: Def } };
  element?: { _zod: { def: Def } };
}

/**
 * The value as Zod's encode would output it, for a value the schema admits: objects keep the schema's keys in the
 * schema's order (unknown keys dropped), optional and nullable pass their inner value, readonly its inner value, and
 * `z.any()` the value itself (Zod neither checks nor copies it). Undefined when the schema holds a type this does not
 * handle (then the caller keeps Zod's serializer).
 */
export function projector(schema: z.ZodType): Project | undefined {
  const make = (def: Def): Project | undefined => {
    switch (def.type) {
      case 'string':
      case 'number':
      case 'boolean':
      case 'enum':
      case 'any':
        return (v) => v;
      case 'readonly':
        return make(def.innerType!._zod.def);
      case 'optional':
      case 'nullable': {
        const inner = make(def.innerType!._zod.def);
        return inner && ((v) => (v === undefined || v === null ? v : inner(v)));
      }
      case 'array': {
        const el = make(def.element!._zod.def);
        return el && ((v) => (v as unknown[]).map(el));
      }
      case 'object': {
        const keys: [string, Project][] = [];
        for (const [k, s] of Object.entries(def.shape!)) {
          const p = make(s._zod.def);
          if (!p) return undefined;
          keys.push([k, p]);
        }
        return (v) => {
          const o = v as Record<string, unknown>;
          const out: Record<string, unknown> = {};
          for (const [k, p] of keys) {
            const x = o[k];
            if (x !== undefined) out[k] = p(x);
          }
          return out;
        };
      }
      default:
        return undefined;
    }
  };
  const def = (schema as unknown as { _zod?: { def?: Def } } | undefined)?._zod?.def;
  return def ? make(def) : undefined;
}

/**
 * A serializer that prints the 200 response through its schema's projection (no checks: the handler's TypeScript
 * type is the schema's, and a differential test holds the bytes to Zod's); other statuses keep Zod's serializer.
 */
export const fastSerializer: FastifySerializerCompiler<unknown> = (route) => {
  const p = route.httpStatus === '200' ? projector(route.schema as z.ZodType) : undefined;
  if (p) return (data) => JSON.stringify(p(data));
  return serializerCompiler(route as never) as (data: unknown) => string;
};
