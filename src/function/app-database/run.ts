// RunFunction for application-database composites: read the composite and Input, ask Crossplane for the
// DatabaseInstance, check it may be used from here and what engine it runs, compose Database, users, grants
// and backup schedule, mark each ready from its observed Ready condition, and report status and conditions.
import { apiVersion } from '../../apis/common.ts';
import { engines, type Engine } from '../../apis/engine-table.ts';
import { namespaceAllowed } from '../../apis/references.ts';
import type { Condition, JsonObject, ResourceSelector, RunFunctionResponse } from '../protocol/messages.ts';
import {
  isReady,
  observedComposite,
  observedResources,
  requiredResource,
  stringAt,
  valueAt,
} from '../sdk/request.ts';
import {
  addCondition,
  addResult,
  claimAndComposite,
  responseTo,
  setDesiredCompositeStatus,
  setDesiredResource,
  type RunFunction,
} from '../sdk/response.ts';
import type { Problem } from '../sdk/problems.ts';
import { composeAppDatabase, resourceNames, type InstanceTarget } from './compose.ts';
import { readInput } from './input.ts';
import { privilegeProblems, readComposite, type InstanceChoice } from './spec.ts';

/** The key under which the function asks Crossplane for the DatabaseInstance. */
export const instanceRequirement = 'database-instance';

function instanceSelector(choice: InstanceChoice): ResourceSelector {
  return {
    apiVersion,
    kind: 'DatabaseInstance',
    namespace: choice.namespace,
    ...(choice.name === undefined
      ? { matchLabels: { labels: choice.matchLabels ?? {} } }
      : { matchName: choice.name }),
  };
}

/** "DatabaseInstance ns/name", or for a selector "DatabaseInstance in ns labelled k=v". */
function describe(choice: InstanceChoice): string {
  if (choice.name !== undefined) return `DatabaseInstance ${choice.namespace}/${choice.name}`;
  const labels = Object.entries(choice.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  return `DatabaseInstance in ${choice.namespace} labelled ${labels.join(',')}`;
}

function stop(response: RunFunctionResponse, problems: Problem[]): RunFunctionResponse {
  addResult(response, {
    severity: 'SEVERITY_FATAL',
    reason: 'InvalidSpec',
    message: problems.map((p) => `${p.field}: ${p.message}`).join('; '),
    target: 'TARGET_COMPOSITE',
  });
  return response;
}

function instanceCondition(status: boolean, reason: string, message: string): Condition {
  return {
    type: 'InstanceReady',
    status: status ? 'STATUS_CONDITION_TRUE' : 'STATUS_CONDITION_FALSE',
    reason,
    message,
    target: claimAndComposite,
  };
}

function readinessCondition(instance: JsonObject, label: string): Condition {
  return isReady(instance)
    ? instanceCondition(true, 'Available', `${label} is ready`)
    : instanceCondition(false, 'Unavailable', `${label} is not ready; the database and users wait for it`);
}

interface ResolvedInstance {
  target?: InstanceTarget;
  problems: Problem[];
  condition: Condition;
}

/** No instance matched: a named one may still be created, so compose against it if the engine is known. */
function missingInstance(choice: InstanceChoice, wantedEngine: Engine | undefined): ResolvedInstance {
  const condition = instanceCondition(false, 'NotFound', `${describe(choice)} does not exist (yet)`);
  if (choice.name === undefined) {
    const problem = { field: 'spec.instanceSelector', message: `no ${describe(choice)} exists` };
    return { problems: [problem], condition };
  }
  if (wantedEngine === undefined) {
    const problem = { field: 'spec.engine', message: `is required while ${describe(choice)} cannot be read` };
    return { problems: [problem], condition };
  }
  const target = { name: choice.name, namespace: choice.namespace, engine: wantedEngine };
  return { target, problems: [], condition };
}

/** The fetched instance, and whether the composite's namespace and engine fit it. */
function foundInstance(
  found: JsonObject,
  choice: InstanceChoice,
  from: string,
  wantedEngine: Engine | undefined,
): ResolvedInstance {
  const field = choice.name === undefined ? 'spec.instanceSelector' : 'spec.instanceRef';
  const name = stringAt(found, 'metadata', 'name') ?? '';
  const namespace = stringAt(found, 'metadata', 'namespace') ?? choice.namespace;
  const label = `DatabaseInstance ${namespace}/${name}`;
  const engine = stringAt(found, 'spec', 'forProvider', 'engine');
  const allowed = valueAt(found, 'spec', 'forProvider', 'allowedNamespaces');
  const allowList = Array.isArray(allowed) ? allowed.filter((v): v is string => typeof v === 'string') : [];
  const problems: Problem[] = [];
  if (!namespaceAllowed(allowList, namespace, from)) {
    problems.push({
      field,
      message: `${label} does not allow namespace ${from} (see its allowedNamespaces)`,
    });
  }
  if (engine === undefined || !(engines as readonly string[]).includes(engine)) {
    problems.push({ field, message: `${label} has no known engine` });
  } else if (wantedEngine !== undefined && wantedEngine !== engine) {
    problems.push({ field: 'spec.engine', message: `is ${wantedEngine} but ${label} runs ${engine}` });
  }
  const condition = readinessCondition(found, label);
  if (problems.length > 0) return { problems, condition };
  return { target: { name, namespace, engine: engine as Engine }, problems, condition };
}

/** The first match by name, so a selector picks the same instance on every render. */
function firstByName(items: JsonObject[]): JsonObject | undefined {
  const name = (o: JsonObject) => stringAt(o, 'metadata', 'name') ?? '';
  return [...items].sort((a, b) => name(a).localeCompare(name(b)))[0];
}

export const runAppDatabase: RunFunction = (request) => {
  const { input, problems: inputProblems } = readInput(request.input);
  const response = responseTo(request, input.ttlSeconds);
  const { plan, problems } = readComposite(observedComposite(request), input);
  if (plan === undefined || inputProblems.length > 0) return stop(response, [...inputProblems, ...problems]);

  // Crossplane fetches required resources and calls again; until then there is nothing to decide.
  response.requirements = { resources: { [instanceRequirement]: instanceSelector(plan.instance) } };
  const fetched = requiredResource(request, instanceRequirement);
  if (fetched === undefined) return response;

  const found = firstByName(fetched);
  const resolved =
    found === undefined
      ? missingInstance(plan.instance, plan.engine)
      : foundInstance(found, plan.instance, plan.namespace, plan.engine);
  if (resolved.target === undefined) return stop(response, resolved.problems);
  const privilegeErrors = privilegeProblems(plan.users, resolved.target.engine);
  if (privilegeErrors.length > 0) return stop(response, privilegeErrors);
  addCondition(response, resolved.condition);

  const observed = observedResources(request);
  const databaseName = stringAt(observed[resourceNames.database]?.resource, 'metadata', 'name');
  const composition = composeAppDatabase(plan, resolved.target, databaseName);
  for (const [key, resource] of Object.entries(composition.resources)) {
    const ready = isReady(observed[key]?.resource);
    setDesiredResource(response, key, { resource, ...(ready ? { ready: 'READY_TRUE' } : {}) });
  }
  setDesiredCompositeStatus(response, composition.status);
  return response;
};
