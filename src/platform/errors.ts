import { isUniqueViolation } from './db/database.js';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** OpenAI's error body: `{"error": {"message", "type", "param", "code"}}`. */
export interface ErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** An error the client can act on. Thrown by services; rendered by the HTTP error handler. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: string = 'invalid_request_error',
    readonly param: string | null = null,
    readonly code: string | null = null,
  ) {
    super(message);
  }

  toBody(): ErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

export const badRequest = (message: string, param: string | null = null, code: string | null = null) =>
  new ApiError(400, message, 'invalid_request_error', param, code);

export const notFound = (what: string, id: string, param: string | null = null) =>
  new ApiError(404, `No such ${what}: '${id}'`, 'invalid_request_error', param, 'not_found');

export const conflict = (message: string, param: string | null = null, code: string | null = 'conflict') =>
  new ApiError(409, message, 'invalid_request_error', param, code);

export const unauthorized = (message: string, code: string | null = 'invalid_api_key') =>
  new ApiError(401, message, 'invalid_request_error', null, code);

export const forbidden = (message: string, code: string | null = 'insufficient_permissions') =>
  new ApiError(403, message, 'invalid_request_error', null, code);

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** Turns a dotted path such as `/projects/0/role` into `projects[0].role`. */
function paramFromPath(path: string, extra?: string): string | null {
  const parts = path.split('/').filter(Boolean);
  if (extra) parts.push(extra);
  if (parts.length === 0) return null;
  return parts.reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '');
}

const TYPE_NAMES: Record<string, string> = { string: 'a string', integer: 'an integer', number: 'a number', boolean: 'a boolean', object: 'an object', array: 'an array', null: 'null' };

const INVALID_JSON = `We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)`;
const EMPTY_JSON = 'The request body is empty; a JSON object was expected.';

/**
 * A JSON request body (decoded to text), parsed by a route that takes its body raw and parses it
 * later: the same 400s as a body the app parses. Keys such as `__proto__` come out as plain own
 * properties, which strict schemas (additionalProperties: false) then reject.
 */
export function parseJsonText(text: string): unknown {
  if (text.trim() === '') throw new ApiError(400, EMPTY_JSON, 'invalid_request_error', null, null);
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, INVALID_JSON, 'invalid_request_error', null, null);
  }
}

/** A clear message for the first schema violation, naming the parameter. */
export function validationError(errors: AjvError[], context: string): ApiError {
  const err = errors.find((e) => e.keyword !== 'anyOf' && e.keyword !== 'if') ?? errors[0];
  const where = context === 'querystring' ? 'query parameter' : context === 'params' ? 'path parameter' : 'parameter';
  if (!err) return badRequest('Invalid request.');
  switch (err.keyword) {
    case 'required': {
      const param = paramFromPath(err.instancePath, String(err.params.missingProperty));
      return badRequest(`Missing required ${where}: '${param}'.`, param, 'missing_required_parameter');
    }
    case 'additionalProperties': {
      const param = paramFromPath(err.instancePath, String(err.params.additionalProperty));
      return badRequest(`Unrecognized request argument supplied: ${param}`, param, 'unknown_parameter');
    }
    case 'type': {
      const param = paramFromPath(err.instancePath);
      const expected = String(err.params.type).split(',').map((t) => TYPE_NAMES[t] ?? t).join(' or ');
      return badRequest(`Invalid type for '${param ?? context}': expected ${expected}.`, param, 'invalid_type');
    }
    case 'enum':
    case 'const': {
      const param = paramFromPath(err.instancePath);
      const allowed = (err.params.allowedValues as unknown[] | undefined) ?? [err.params.allowedValue];
      return badRequest(`Invalid value for '${param}': expected one of ${allowed.map((v) => `'${String(v)}'`).join(', ')}.`, param, 'invalid_value');
    }
    case 'storableString': {
      const param = paramFromPath(err.instancePath);
      return badRequest(`Invalid value for '${param ?? context}': NUL characters (\\u0000) are not allowed.`, param, 'invalid_value');
    }
    case 'storableInteger': {
      const param = paramFromPath(err.instancePath);
      return badRequest(`Invalid value for '${param ?? context}': integers must be between -${Number.MAX_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}.`, param, 'invalid_value');
    }
    default: {
      const param = paramFromPath(err.instancePath);
      return badRequest(`Invalid value for '${param ?? context}': ${err.message ?? 'invalid'}.`, param, 'invalid_value');
    }
  }
}

/** Installs OpenAI-shaped error and not-found handlers on the app. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setSchemaErrorFormatter((errors, dataVar) => validationError(errors as unknown as AjvError[], dataVar));

  app.setErrorHandler((error: FastifyError | ApiError, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof ApiError) {
      if (error.status >= 500) request.log.error({ err: error }, 'request failed');
      else request.log.debug({ status: error.status, code: error.code, param: error.param }, error.message);
      return reply.status(error.status).send(error.toBody());
    }
    if (isUniqueViolation(error)) {
      // A concurrent request created the same thing first: a conflict, not a server error.
      const conflictError = conflict('The request conflicts with an object that already exists; it may have been created concurrently.');
      request.log.debug({ status: 409 }, conflictError.message);
      return reply.status(409).send(conflictError.toBody());
    }
    const status = (error as FastifyError).statusCode ?? 500;
    if (status < 500) {
      request.log.debug({ status, code: (error as FastifyError).code }, error.message);
      const code = (error as FastifyError).code;
      let message = error.message;
      if (code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError) {
        message = INVALID_JSON;
      } else if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        message = 'Request body is too large.';
      } else if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
        message = `Unsupported Content-Type: expected application/json.`;
      } else if (code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
        message = EMPTY_JSON;
      }
      return reply.status(status).send(new ApiError(status, message, 'invalid_request_error', null, null).toBody());
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send(new ApiError(500, 'The server had an error while processing your request.', 'server_error').toBody());
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    reply.status(404).send(new ApiError(404, `Invalid URL (${request.method} ${path})`, 'invalid_request_error').toBody());
  });
}
