// /openapi.json, generated from the route declarations (zod 4's JSON Schema output is OpenAPI 3.1's dialect).
import { z } from 'zod';
import type { RouteSpec } from './route.js';
import { ErrorBody } from './schemas.js';

type Json = Record<string, unknown>;

const schemaOf = (schema: z.ZodType, io: 'input' | 'output'): Json => {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json;
  return rest;
};

function parameters(route: RouteSpec): Json[] {
  const list: Json[] = [];
  for (const [where, object] of [
    ['path', route.params],
    ['query', route.query],
  ] as const) {
    if (!object) continue;
    for (const [name, field] of Object.entries(object.shape as Record<string, z.ZodType>)) {
      const schema = schemaOf(field, 'input');
      const description = (field.meta() as { description?: string } | undefined)?.description;
      list.push({
        name,
        in: where,
        required: where === 'path' || !field.safeParse(undefined).success,
        schema,
        ...(description ? { description } : {}),
      });
    }
  }
  return list;
}

function operation(route: RouteSpec): Json {
  const responses: Json = {};
  if (route.response === null) responses['204'] = { description: 'done' };
  else {
    const content: Json = {};
    const textual = route.response instanceof z.ZodString;
    content[textual ? (route.alsoProduces ?? 'text/plain') : 'application/json'] = {
      schema: schemaOf(route.response, 'output'),
    };
    if (!textual && route.alsoProduces) content[route.alsoProduces] = { schema: { type: 'string' } };
    responses['200'] = { description: 'ok', content };
  }
  const errors: Record<number, string> = {};
  if (route.role !== 'open') errors[401] = 'no valid bearer token';
  if (route.role !== 'open' && route.role !== 'any') errors[403] = `the token lacks the ${route.role} role`;
  Object.assign(errors, route.errors);
  for (const [status, description] of Object.entries(errors))
    responses[status] = {
      description,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  return {
    summary: route.summary,
    tags: [route.tag],
    ...(route.role === 'open' ? { security: [] } : {}),
    parameters: parameters(route),
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: schemaOf(route.body, 'input') } },
          },
        }
      : {}),
    responses,
  };
}

/** The OpenAPI 3.1 document of `routes`. */
export function buildOpenApi(routes: Record<string, RouteSpec>, version: string): Json {
  const paths: Record<string, Json> = {};
  for (const [name, route] of Object.entries(routes)) {
    paths[route.path] ??= {};
    paths[route.path]![route.method] = { ...operation(route), operationId: name };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'GenOps processor API', version },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: { Error: schemaOf(ErrorBody, 'output') },
    },
    security: [{ bearer: [] }],
    paths,
  };
}
