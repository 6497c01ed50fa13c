import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { parseInput, hasRole, type AccessRole, type AppContext } from '../app/context.js';
import { WarroomError } from '../core/errors.js';
import type { ServerDeps } from './deps.js';

/** One API operation: the role it needs, its zod schemas (also the OpenAPI document), and its handler. */
export interface RouteSpec<B extends z.ZodType | undefined, Q extends z.ZodType | undefined> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  /** Minimum access role; checked before the handler runs (use cases check again). */
  role: AccessRole | 'public';
  summary: string;
  tags?: string[];
  body?: B;
  query?: Q;
  /** Status for success (default 200). */
  status?: number;
  /** Describes the success response for the OpenAPI document. */
  response?: z.ZodType;
}

export interface RouteArgs<B, Q> {
  req: FastifyRequest;
  reply: FastifyReply;
  ctx: AppContext;
  body: B;
  query: Q;
  params: Record<string, string>;
}

type Infer<T> = T extends z.ZodType ? z.infer<T> : undefined;

export interface OpenApiOperation {
  method: string;
  url: string;
  summary: string;
  role: string;
  tags: string[];
  body?: z.ZodType;
  query?: z.ZodType;
  response?: z.ZodType;
  status: number;
}

/**
 * The operations one server declares, in the order its routes are defined: its OpenAPI
 * document (GET /api/v1/openapi.json). buildServer creates one per app with attachApiRegistry,
 * and every route reaches it through the app, so two servers in one process (tests) each
 * describe their own routes.
 */
export class ApiRegistry {
  readonly operations: OpenApiOperation[] = [];

  add(op: OpenApiOperation): void {
    this.operations.push(op);
  }

  find(method: string, url: string): OpenApiOperation | undefined {
    return this.operations.find((o) => o.method === method && o.url === url);
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** This server's API operations (see ApiRegistry). */
    apiRegistry: ApiRegistry;
  }
}

/** Gives an app its registry: before any defineRoute on it. */
export function attachApiRegistry(app: FastifyInstance): ApiRegistry {
  const registry = new ApiRegistry();
  app.decorate('apiRegistry', registry);
  return registry;
}

/** Registers a route with validation, auth and the OpenAPI entry in one place. */
export function defineRoute<B extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined>(
  app: FastifyInstance,
  deps: ServerDeps,
  spec: RouteSpec<B, Q>,
  handler: (a: RouteArgs<Infer<B>, Infer<Q>>) => Promise<unknown>,
): void {
  app.apiRegistry.add({
    method: spec.method,
    url: spec.url,
    summary: spec.summary,
    role: spec.role,
    tags: spec.tags ?? [],
    body: spec.body,
    query: spec.query,
    response: spec.response,
    status: spec.status ?? 200,
  });
  app.route({
    method: spec.method,
    url: spec.url,
    config: { role: spec.role },
    handler: async (req, reply) => {
      const actor = req.actor;
      if (spec.role !== 'public') {
        if (!actor)
          throw new WarroomError(
            'UNAUTHORIZED',
            'missing or invalid token: send "Authorization: Bearer <token>" (create one with "warroom token create")',
          );
        if (!hasRole(actor, spec.role))
          throw new WarroomError('FORBIDDEN', `${spec.method} ${spec.url} needs the ${spec.role} role; this token has ${actor.role}`);
      }
      const ctx = deps.contextFor(actor ?? { name: 'anonymous', role: 'viewer', via: 'api' });
      const body = spec.body ? parseInput(spec.body, req.body ?? {}) : undefined;
      const query = spec.query ? parseInput(spec.query, req.query ?? {}) : undefined;
      const result = await handler({
        req,
        reply,
        ctx,
        body: body as Infer<B>,
        query: query as Infer<Q>,
        params: (req.params ?? {}) as Record<string, string>,
      });
      if (reply.sent) return reply;
      reply.status(spec.status ?? 200);
      return result;
    },
  });
}

/** Query-string helpers: everything arrives as a string. */
export const qBool = z
  .enum(['true', 'false', '1', '0', ''])
  .optional()
  .transform((v) => v === 'true' || v === '1' || v === '');
export const qInt = (min: number, max: number) =>
  z.string().regex(/^\d+$/, 'expected a whole number').transform(Number).pipe(z.number().int().min(min).max(max)).optional();
