// The function protocol's messages in their ProtoJSON form (proto/fn/v1/run_function.proto): what the codec
// hands to the handler and takes back. Struct fields are plain JSON, enums are their names, bytes are base64,
// Durations are strings such as "60s". Only the fields this function reads or writes are typed precisely.

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export type Ready = 'READY_UNSPECIFIED' | 'READY_TRUE' | 'READY_FALSE';
export type Severity = 'SEVERITY_UNSPECIFIED' | 'SEVERITY_FATAL' | 'SEVERITY_WARNING' | 'SEVERITY_NORMAL';
export type Target = 'TARGET_UNSPECIFIED' | 'TARGET_COMPOSITE' | 'TARGET_COMPOSITE_AND_CLAIM';
export type ConditionStatus =
  | 'STATUS_CONDITION_UNSPECIFIED'
  | 'STATUS_CONDITION_UNKNOWN'
  | 'STATUS_CONDITION_TRUE'
  | 'STATUS_CONDITION_FALSE';

export interface Resource {
  resource?: JsonObject;
  /** base64 values. */
  connectionDetails?: Record<string, string>;
  ready?: Ready;
}

export interface State {
  composite?: Resource;
  resources?: Record<string, Resource>;
}

export interface Resources {
  items?: Resource[];
}

export interface RunFunctionRequest {
  meta?: { tag?: string; capabilities?: string[] };
  observed?: State;
  desired?: State;
  input?: JsonObject;
  context?: JsonObject;
  extraResources?: Record<string, Resources>;
  credentials?: Record<string, { credentialData?: { data?: Record<string, string> } }>;
  requiredResources?: Record<string, Resources>;
  requiredSchemas?: Record<string, { openapiV3?: JsonObject }>;
}

export interface Result {
  severity: Severity;
  message: string;
  reason?: string;
  target?: Target;
}

export interface Condition {
  type: string;
  status: ConditionStatus;
  reason: string;
  message?: string;
  target?: Target;
}

export interface ResourceSelector {
  apiVersion: string;
  kind: string;
  matchName?: string;
  matchLabels?: { labels: Record<string, string> };
  namespace?: string;
}

export interface RunFunctionResponse {
  meta: { tag: string; ttl?: string };
  desired?: State;
  results?: Result[];
  context?: JsonObject;
  requirements?: { resources?: Record<string, ResourceSelector> };
  conditions?: Condition[];
}
