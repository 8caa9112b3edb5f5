// Building a RunFunctionResponse the way Crossplane expects (reference: the protocol's normative rules): the
// tag echoed, a TTL set, desired state and context of earlier steps passed through untouched.
import type {
  Condition,
  JsonObject,
  Resource,
  Result,
  RunFunctionRequest,
  RunFunctionResponse,
  Target,
} from '../protocol/messages.ts';

/** A composition function: one request in, one response out; pure, so it can be tested without gRPC. */
export type RunFunction = (request: RunFunctionRequest) => RunFunctionResponse;

export const defaultTtlSeconds = 60;

/** The response every function starts from: tag, TTL, and what earlier steps desired, as they left it. */
export function responseTo(request: RunFunctionRequest, ttlSeconds = defaultTtlSeconds): RunFunctionResponse {
  const response: RunFunctionResponse = {
    meta: { tag: request.meta?.tag ?? '', ttl: `${String(ttlSeconds)}s` },
    desired: {
      ...(request.desired?.composite === undefined ? {} : { composite: request.desired.composite }),
      resources: { ...request.desired?.resources },
    },
  };
  if (request.context !== undefined) response.context = request.context;
  return response;
}

/** A response that stops the pipeline with one message (Crossplane ends the pipeline at a Fatal result). */
export function fatalResponse(tag: string, message: string): RunFunctionResponse {
  return {
    meta: { tag, ttl: `${String(defaultTtlSeconds)}s` },
    results: [{ severity: 'SEVERITY_FATAL', message, target: 'TARGET_COMPOSITE' }],
  };
}

export function addResult(response: RunFunctionResponse, result: Result): void {
  (response.results ??= []).push(result);
}

export function addCondition(response: RunFunctionResponse, condition: Condition): void {
  (response.conditions ??= []).push(condition);
}

/** Adds or replaces one desired composed resource by its composition resource name; others are untouched. */
export function setDesiredResource(response: RunFunctionResponse, name: string, resource: Resource): void {
  const desired = (response.desired ??= {});
  (desired.resources ??= {})[name] = resource;
}

/**
 * Sets the desired composite's status. Crossplane applies it with server-side apply as the whole intent of
 * this pipeline, so a field left out is removed: always send every field.
 */
export function setDesiredCompositeStatus(response: RunFunctionResponse, status: JsonObject): void {
  const desired = (response.desired ??= {});
  const composite = desired.composite?.resource ?? {};
  desired.composite = { ...desired.composite, resource: { ...composite, status } };
}

export const claimAndComposite: Target = 'TARGET_COMPOSITE_AND_CLAIM';
