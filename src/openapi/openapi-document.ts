import type { INestApplication } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import {
  DocumentBuilder,
  SwaggerModule,
  type OpenAPIObject,
  type OperationObject,
  type ParameterObject,
  type ReferenceObject,
  type ResponseObject,
  type SchemaObject,
} from '@nestjs/swagger';
import { derivedErrors, type ErrorResponse } from './error-responses.js';
import { listRouteFacts, type Metatype, type RouteFacts } from './route-facts.js';
import {
  applyPropertyRules,
  classRules,
  UUID_PATTERN,
  validatedClasses,
  type ClassRules,
} from './validation-schema.js';

const PROBLEM = 'application/problem+json';
const FHIR = 'application/fhir+json';
const BEARER = 'bearer';

const TAGS: [string, string][] = [
  ['auth', 'Sign-in, token refresh, sign-out and set-password links'],
  ['users', 'Accounts, roles and second factors (admins), and the caller'],
  ['audit', 'The append-only audit trail (admins)'],
  ['health', 'Liveness and database readiness'],
  ['clinics', 'Multidisciplinary clinics, their members and rooms'],
  ['specialists', "Specialists' disciplines, clinics and availability"],
  ['cases', 'Referrals, patients, records, readiness, history and the case workflow'],
  ['scheduling', 'One-day itineraries, clinic days and calendars'],
  ['board sessions', 'Board sessions: agenda, attendance, presentation and transcript'],
  ['diagnoses', 'Reviews, the board diagnosis, diagnosis changes and annotations'],
  ['plans', 'Treatment plan versions, votes, sign-off and third opinions'],
  ['trials', 'Clinical trials and their matching against a case'],
  ['reports', 'Concordance and accreditation reports, and second-opinion letters'],
  ['fhir', 'FHIR R4 (mCODE) export and referral import'],
];

const DESCRIPTION = [
  'Multidisciplinary tumor board platform for cancer second opinions.',
  '',
  'Errors are `application/problem+json` (RFC 9457, schema `ProblemDetails`); a 400 names every invalid field in `errors`. ' +
    'FHIR routes answer errors as a FHIR OperationOutcome instead.',
  'Request bodies and query strings take only the fields documented: an unknown one is a 400 naming it. ' +
    'Text never holds NUL, control characters other than tab, line feed and carriage return, or broken Unicode (lone surrogates); ' +
    'single-line fields (names, titles) hold no line break or tab at all. Names and other trimmed fields lose leading and trailing white space before the length checks.',
  'Versioned resources answer with an `ETag`; their updates take it back in `If-Match` (412 when stale, 428 when required and missing).',
].join('\n');

/** The header If-Match as parseIfMatch reads it (the version a client read, as an ETag). */
const IF_MATCH_PATTERN = '^\\s*(?:W/)?"\\d{1,9}"\\s*$';

const problemSchemas: Record<string, SchemaObject> = {
  FieldError: {
    type: 'object',
    required: ['field', 'messages'],
    properties: {
      field: {
        type: 'string',
        description: 'the path of the field: `patient.birthDate`, `items[2].nctId`, `If-Match`, `cursor`',
      },
      messages: { type: 'array', items: { type: 'string' }, description: 'what is wrong with it, in words' },
    },
  },
  ProblemDetails: {
    type: 'object',
    description:
      'RFC 9457 problem details. Besides the members below, some refusals carry their own: `allowed` and `from` (an illegal transition), `gaps` (readiness), `consensus`, `latestId`, `retryAfterSeconds`.',
    required: ['type', 'title', 'status', 'detail'],
    properties: {
      type: {
        type: 'string',
        description: 'about:blank, or a problem type such as https://consilium.dev/problems/validation-error',
        example: 'https://consilium.dev/problems/validation-error',
      },
      title: { type: 'string', description: 'the HTTP reason phrase', example: 'Bad Request' },
      status: { type: 'integer', minimum: 400, maximum: 599, example: 400 },
      detail: {
        type: 'string',
        description: 'what went wrong, never patient data',
        example: 'Invalid request: email (email must be an email)',
      },
      instance: { type: 'string', description: 'RFC 9457 member; not sent today' },
      requestId: { type: 'string', description: 'the id of the request in the server log and the audit trail' },
      code: {
        type: 'string',
        description:
          'a machine code some refusals carry, e.g. second_factor_required, second_factor_enrolment_required',
      },
      errors: {
        type: 'array',
        items: { $ref: '#/components/schemas/FieldError' },
        description: 'every invalid field (400)',
      },
    },
    additionalProperties: true,
  },
  OperationOutcome: {
    type: 'object',
    description: 'a FHIR R4 OperationOutcome: the error shape of the FHIR routes',
    required: ['resourceType', 'issue'],
    properties: {
      resourceType: { type: 'string', enum: ['OperationOutcome'] },
      issue: {
        type: 'array',
        items: {
          type: 'object',
          required: ['severity', 'code', 'details'],
          properties: {
            severity: { type: 'string', enum: ['fatal', 'error', 'warning', 'information'] },
            code: { type: 'string' },
            details: { type: 'object', properties: { text: { type: 'string' } } },
            diagnostics: { type: 'string' },
            expression: { type: 'array', items: { type: 'string' }, description: 'FHIRPath of each element' },
          },
        },
      },
    },
  },
};

type Operations = Map<string, OperationObject>;

function operationsOf(document: OpenAPIObject): Operations {
  const out: Operations = new Map();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const op = item[method];
      if (op !== undefined) out.set(`${method.toUpperCase()} ${path}`, op);
    }
  }
  return out;
}

const isRef = (v: unknown): v is ReferenceObject => typeof v === 'object' && v !== null && '$ref' in v;

/** The DTO schemas: every constraint of the validators, unknown properties refused, and required as the validators see it. */
function describeSchemas(document: OpenAPIObject, classes: Map<string, Metatype>): Map<Metatype, ClassRules> {
  const rulesByClass = new Map<Metatype, ClassRules>();
  const schemas = document.components?.schemas ?? {};
  for (const [name, schema] of Object.entries(schemas)) {
    const target = classes.get(name);
    if (target === undefined || isRef(schema)) continue;
    const rules = classRules(target);
    rulesByClass.set(target, rules);
    const properties: Record<string, SchemaObject | ReferenceObject> = {};
    for (const [prop, propSchema] of Object.entries(schema.properties ?? {})) {
      const propRules = rules.properties.get(prop);
      // Without a validator the pipe refuses the field as unknown: it is not part of the input.
      if (propRules === undefined) continue;
      properties[prop] = isRef(propSchema) ? propSchema : applyPropertyRules(propSchema, propRules);
    }
    schema.properties = properties;
    const required = Object.keys(properties).filter((p) => rules.properties.get(p)?.required === true);
    if (required.length > 0) schema.required = required;
    else delete schema.required;
    schema.additionalProperties = false;
    const conditions: SchemaObject[] = [];
    for (const [prop, propRules] of rules.properties) {
      for (const [other, values] of Object.entries(propRules.requiredWhen)) {
        conditions.push({
          description: `${prop} is required when ${other} is ${values.join(' or ')}`,
          anyOf: [{ properties: { [other]: { not: { enum: values } } } }, { required: [prop] }],
        });
      }
    }
    if (conditions.length > 0) schema.allOf = conditions;
  }
  return rulesByClass;
}

function rulesFor(
  target: Metatype | undefined,
  cache: Map<Metatype, ClassRules>,
  classes: Map<string, Metatype>,
): ClassRules | undefined {
  if (target === undefined || classes.get(target.name) !== target) return undefined;
  let rules = cache.get(target);
  if (rules === undefined) cache.set(target, (rules = classRules(target)));
  return rules;
}

/** Fields holding ids of other resources; of a query, only required ones (an optional id there is a filter). */
function idFields(rules: ClassRules | undefined, requiredOnly: boolean): string[] {
  if (rules === undefined) return [];
  return [...rules.properties]
    .filter(([, r]) => (r.schema.format === 'uuid' || r.items.format === 'uuid') && (!requiredOnly || r.required))
    .map(([name]) => name);
}

function describeParameters(
  op: OperationObject,
  route: RouteFacts,
  cache: Map<Metatype, ClassRules>,
  classes: Map<string, Metatype>,
): void {
  const query = rulesFor(route.query, cache, classes);
  const pathDtos = route.pathParams.map((p) => rulesFor(p.dto, cache, classes)).filter((r) => r !== undefined);
  for (const param of op.parameters ?? []) {
    if (isRef(param)) continue;
    const schema = (param.schema ?? {}) as SchemaObject;
    if (param.in === 'path') {
      if (route.pathParams.some((p) => p.name === param.name && p.uuid)) {
        param.schema = { ...schema, type: 'string', format: 'uuid', pattern: UUID_PATTERN };
      }
      const dto = pathDtos.find((r) => r.properties.has(param.name));
      const rules = dto?.properties.get(param.name);
      if (rules !== undefined) param.schema = applyPropertyRules(schema, rules);
    } else if (param.in === 'query') {
      const rules = query?.properties.get(param.name);
      if (rules !== undefined) {
        param.schema = applyPropertyRules(schema, rules);
        param.required = rules.required;
      }
    } else if (param.in === 'header' && param.name.toLowerCase() === 'if-match') {
      param.schema = { ...schema, type: 'string', pattern: IF_MATCH_PATTERN };
    }
  }
}

function errorResponse(error: ErrorResponse, fhir: boolean, explicit: ResponseObject | undefined): ResponseObject {
  const response: ResponseObject = {
    description:
      explicit?.description !== undefined && explicit.description !== '' ? explicit.description : error.description,
    content: fhir
      ? { [FHIR]: { schema: { $ref: '#/components/schemas/OperationOutcome' } } }
      : { [PROBLEM]: { schema: { $ref: '#/components/schemas/ProblemDetails' } } },
  };
  if (error.retryAfter === true) {
    response.headers = {
      'Retry-After': { description: 'seconds to wait before retrying', schema: { type: 'integer', minimum: 1 } },
    };
  }
  return response;
}

function describeErrors(
  op: OperationObject,
  route: RouteFacts,
  cache: Map<Metatype, ClassRules>,
  classes: Map<string, Metatype>,
): void {
  const ifMatch = (op.parameters ?? []).find(
    (p): p is ParameterObject => !isRef(p) && p.in === 'header' && p.name.toLowerCase() === 'if-match',
  );
  const derived = derivedErrors(route, {
    idFields: [
      ...idFields(rulesFor(route.body, cache, classes), false),
      ...idFields(rulesFor(route.query, cache, classes), true),
    ],
    ifMatchRequired: ifMatch?.required === true,
  });
  const responses = op.responses;
  const statuses = new Map<number, ErrorResponse>(derived.map((e) => [e.status, e]));
  // Errors declared on the route (service rules: conflicts, sign-in failures) are kept with their words.
  for (const key of Object.keys(responses)) {
    const status = Number(key);
    if (status >= 400 && !statuses.has(status)) {
      statuses.set(status, { status, description: '', retryAfter: status === 429 || status === 503 });
    }
  }
  for (const [status, error] of [...statuses].sort(([a], [b]) => a - b)) {
    const explicit = responses[String(status)];
    responses[String(status)] = errorResponse(error, route.fhir, isRef(explicit) ? undefined : explicit);
  }
}

/**
 * The OpenAPI document of the running application: @nestjs/swagger's, with
 * every route's errors, every DTO's validation rules and the security of
 * each route derived from the same metadata the server acts on.
 */
export function createOpenApiDocument(app: INestApplication, prefix: string): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('Consilium API')
    .setDescription(DESCRIPTION)
    .setVersion('0.1.0')
    .setLicense(
      'UNLICENSED: proprietary, no licence granted',
      'https://docs.npmjs.com/cli/configuring-npm/package-json#license',
    )
    .addServer('/', 'this server')
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'the accessToken from POST /api/auth/login' },
      BEARER,
    );
  for (const [name, description] of TAGS) builder.addTag(name, description);
  const document = SwaggerModule.createDocument(app, builder.build());

  // Built from the module graph rather than taken from the injector, so the document can also be
  // made from an app created with `preview: true` (no database), as `npm run web:api` does.
  const discovery = new DiscoveryService(app.get(ModulesContainer));
  const routes = listRouteFacts(discovery, new MetadataScanner(), new Reflector(), prefix);
  const classes = validatedClasses();
  // A body DTO that only inherits its validators is not among class-validator's own targets.
  for (const route of routes) {
    for (const dto of [route.body, route.query]) {
      if (dto !== undefined && dto !== Object && !classes.has(dto.name)) classes.set(dto.name, dto);
    }
  }
  const cache = describeSchemas(document, classes);
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ...problemSchemas } };

  const operations = operationsOf(document);
  for (const route of routes) {
    const op = operations.get(route.key);
    if (op === undefined) throw new Error(`OpenAPI: the route ${route.key} is not in the document`);
    operations.delete(route.key);
    op.security = route.isPublic ? [] : [{ [BEARER]: [] }];
    describeParameters(op, route, cache, classes);
    describeErrors(op, route, cache, classes);
  }
  if (operations.size > 0) throw new Error(`OpenAPI: no route found for ${[...operations.keys()].join(', ')}`);
  return document;
}
