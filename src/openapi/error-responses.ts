import type { RouteFacts } from './route-facts.js';

/** An error status a route can answer, and why. */
export interface ErrorResponse {
  status: number;
  description: string;
  /** Retry-After is sent with it (429, 503). */
  retryAfter?: boolean;
}

/** What the route reads that names another resource by id (a uuid field of its body or query). */
export interface RouteInputs {
  /** Properties of the body or query DTO that hold ids. */
  idFields: string[];
  /** The If-Match header is documented as required (parseIfMatch: 428 without it). */
  ifMatchRequired: boolean;
}

/**
 * The error responses a route's own metadata implies (guards, roles, its
 * parameters and headers), in status order. Errors only its service knows
 * of (a 409 for an illegal transition) are declared on the route itself
 * with @ApiConflictResponse and the like; both end up in the document.
 */
export function derivedErrors(route: RouteFacts, inputs: RouteInputs): ErrorResponse[] {
  const out: ErrorResponse[] = [];
  const multipart = route.consumes.includes('multipart/form-data');
  const takesBody = route.body !== undefined || multipart;
  const ifMatch = route.headers.includes('if-match');
  const ids = route.pathParams.filter((p) => p.uuid && p.name !== undefined).map((p) => p.name as string);

  const invalid: string[] = [];
  if (route.pathParams.length > 0) invalid.push('path');
  if (route.query !== undefined) invalid.push('query');
  if (ifMatch) invalid.push('If-Match');
  if (takesBody) invalid.push(multipart ? 'form field or file' : 'body');
  if (invalid.length > 0) {
    out.push({
      status: 400,
      description: route.fhir
        ? 'The Bundle is refused: one issue per refused element, each naming its FHIRPath; nothing is written'
        : `Invalid request (${invalid.join(', ')}): \`errors\` names each field and what is wrong; nothing is written`,
    });
  }
  if (!route.isPublic) {
    out.push({ status: 401, description: 'No valid access token: missing, invalid, expired or revoked' });
    const forbidden: string[] = [];
    if (route.roles !== undefined) forbidden.push(`the route requires the role ${route.roles.join(' or ')}`);
    if (!route.duringEnrolment) {
      forbidden.push('the session is restricted to second-factor enrolment (code second_factor_enrolment_required)');
    }
    if (forbidden.length > 0) out.push({ status: 403, description: `Forbidden: ${forbidden.join('; or ')}` });
  }
  const named = [...ids, ...inputs.idFields];
  if (named.length > 0) {
    out.push({
      status: 404,
      description: `Not found: ${[...new Set(named)].join(', ')} names nothing you may see (another clinic's resources are not found either)`,
    });
  }
  if (ifMatch) {
    out.push({ status: 412, description: 'The resource changed since the ETag sent in If-Match: read it again' });
  }
  if (takesBody) {
    out.push({
      status: 413,
      description: multipart
        ? 'The file is larger than UPLOAD_MAX_BYTES, or the body than BODY_LIMIT_BYTES'
        : route.fhir
          ? 'The Bundle is larger than the body limit (BODY_LIMIT_BYTES plus room for one upload in base64)'
          : 'The body is larger than BODY_LIMIT_BYTES',
    });
    out.push({
      status: 415,
      description: multipart
        ? 'Not multipart/form-data, or a file of a type the server does not take'
        : route.fhir
          ? 'The body is not application/fhir+json or application/json'
          : 'The body is not application/json',
    });
  }
  if (ifMatch && inputs.ifMatchRequired) {
    out.push({ status: 428, description: 'If-Match is required: send the ETag of your last read' });
  }
  if (route.ipRateLimited) {
    out.push({
      status: 429,
      description: 'Too many requests from this address to this route (PUBLIC_ROUTE_IP_LIMIT); see Retry-After',
      retryAfter: true,
    });
  } else if (route.loginThrottled) {
    out.push({ status: 429, description: 'Too many sign-in attempts; see Retry-After', retryAfter: true });
  }
  out.push({
    status: 503,
    description: 'The database is unavailable (or the server is shutting down); retry after Retry-After',
    retryAfter: true,
  });
  return out;
}
