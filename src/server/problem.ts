// Errors as RFC 9457 problem+json, with the same stable codes and locations the CLI prints.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { MosaicError, type Issue } from '../core/errors.js';

/** An error with an HTTP status and a stable code, thrown by route handlers. */
export class HttpError extends MosaicError {
  constructor(
    readonly status: number,
    issues: Issue | Issue[],
  ) {
    super(issues);
  }
}

export function httpError(
  status: number,
  code: string,
  message: string,
  location?: Issue['location'],
): HttpError {
  return new HttpError(status, location ? { code, message, location } : { code, message });
}

/** Which HTTP status a MosaicError code means when a handler did not choose one. */
function statusOf(code: string): number {
  if (code.endsWith('.not_found') || code.startsWith('list.unknown') || code === 'decide.unknown_subject')
    return 404;
  if (code.startsWith('auth.')) return 403;
  return 422;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  instance?: string;
  issues: Issue[];
}

export function problemOf(status: number, issues: Issue[], instance?: string): Problem {
  const code = issues[0]?.code ?? 'server.error';
  return {
    type: `https://mosaic.invalid/problems/${code}`,
    title: code,
    status,
    code,
    detail: issues.map((i) => i.message).join('; '),
    ...(instance ? { instance } : {}),
    issues,
  };
}

export function sendProblem(
  reply: FastifyReply,
  status: number,
  issues: Issue[],
  instance?: string,
): FastifyReply {
  return reply
    .code(status)
    .type('application/problem+json')
    .send(problemOf(status, issues, instance));
}

/** The one error handler: every error leaves as problem+json; only a real fault is a 500. */
export function errorHandler(error: FastifyError, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const instance = req.url.split('?')[0];
  if (error instanceof HttpError) return sendProblem(reply, error.status, error.issues, instance);
  if (error instanceof MosaicError) return sendProblem(reply, statusOf(error.code), error.issues, instance);
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = error.validationContext ?? 'body';
    return sendProblem(
      reply,
      400,
      error.validation.map((v) => ({
        code: 'request.invalid',
        message: `${where}${v.instancePath || ''}: ${v.message ?? 'invalid'}`,
        location: {
          path: [
            where,
            ...v.instancePath
              .split('/')
              .filter(Boolean)
              .map((p) => (/^\d+$/.test(p) ? Number(p) : p)),
          ],
        },
      })),
      instance,
    );
  }
  if (isResponseSerializationError(error)) {
    req.log.error(error, 'response does not match its schema');
    return sendProblem(
      reply,
      500,
      [{ code: 'server.bad_response', message: 'the response failed its own schema' }],
      instance,
    );
  }
  const status = error.statusCode ?? 500;
  if (status >= 500) {
    req.log.error(error);
    return sendProblem(reply, 500, [{ code: 'server.error', message: 'internal error' }], instance);
  }
  // Fastify's own 4xx (bad JSON, unsupported media type, body too large, rate limit, …) keep their status.
  const code = error.code ? `request.${error.code.replace(/^FST_ERR_/, '').toLowerCase()}` : 'request.bad';
  return sendProblem(reply, status, [{ code, message: error.message }], instance);
}
