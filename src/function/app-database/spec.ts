// Reads an application-database composite, with the step's already checked Input (input.ts), into a checked
// plan of what to compose, or the list of fields that are wrong. Pure: no I/O, and total over any JSON, since a
// function must answer whatever Struct it is sent.
import { engineFacts, engines, type Engine } from '../../apis/engine-table.ts';
import { sqlNameMaxLength, sqlNamePattern } from '../../apis/names.ts';
import type { JsonObject, JsonValue } from '../protocol/messages.ts';
import type { Problem } from '../sdk/problems.ts';
import { isObject, valueAt } from '../sdk/request.ts';
import type { FunctionInput } from './input.ts';

export interface InstanceChoice {
  /** Exactly one of name or matchLabels. */
  name?: string;
  matchLabels?: Record<string, string>;
  namespace: string;
}

export interface UserPlan {
  name: string;
  /** Database-level privileges; undefined means the engine's defaults, [] means no grant at all. */
  privileges?: string[];
  connectionSecretName: string;
}

export interface BackupPlan {
  schedule: string;
  timezone?: string;
  storage?: JsonObject;
  retention?: JsonObject;
}

export interface AppDatabasePlan {
  /** The composite's name as users know it (the claim's name for a legacy composite with a claim). */
  displayName: string;
  /** Where the composed resources live. */
  namespace: string;
  instance: InstanceChoice;
  /** From the composite; the instance's own engine wins when it can be read. */
  engine?: Engine;
  database: {
    name: string;
    deletionProtection: boolean;
    postgres?: JsonObject;
    mysql?: JsonObject;
  };
  users: UserPlan[];
  backup?: BackupPlan;
  ttlSeconds: number;
}

const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const sqlName = new RegExp(sqlNamePattern);

/** Collects problems while reading fields; each reader records what it rejects and returns undefined. */
class Reader {
  readonly problems: Problem[] = [];

  fail(field: string, message: string): void {
    this.problems.push({ field, message });
  }

  string(value: JsonValue | undefined, field: string): string | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') {
      this.fail(field, 'must be a string');
      return undefined;
    }
    return value;
  }

  object(value: JsonValue | undefined, field: string): JsonObject | undefined {
    if (value === undefined || value === null) return undefined;
    if (!isObject(value)) {
      this.fail(field, 'must be an object');
      return undefined;
    }
    return value;
  }

  boolean(value: JsonValue | undefined, field: string): boolean | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') {
      this.fail(field, 'must be true or false');
      return undefined;
    }
    return value;
  }

  list(value: JsonValue | undefined, field: string): JsonValue[] | undefined {
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) {
      this.fail(field, 'must be a list');
      return undefined;
    }
    return value;
  }

  sqlName(value: JsonValue | undefined, field: string): string | undefined {
    const name = this.string(value, field);
    if (name === undefined) return undefined;
    if (name.length > sqlNameMaxLength) {
      this.fail(field, `"${name}" is longer than ${String(sqlNameMaxLength)} characters`);
      return undefined;
    }
    if (!sqlName.test(name)) {
      this.fail(
        field,
        `"${name}" may hold only letters, digits, _, $, . and - (and not start with $, . or -)`,
      );
      return undefined;
    }
    return name;
  }

  engine(value: JsonValue | undefined, field: string): Engine | undefined {
    const engine = this.string(value, field);
    if (engine === undefined) return undefined;
    if (!(engines as readonly string[]).includes(engine)) {
      this.fail(field, `unknown engine "${engine}"; one of ${engines.join(', ')}`);
      return undefined;
    }
    return engine as Engine;
  }

  stringMap(value: JsonValue | undefined, field: string): Record<string, string> | undefined {
    const object = this.object(value, field);
    if (object === undefined) return undefined;
    const out: Record<string, string> = {};
    for (const [key, v] of Object.entries(object)) {
      const s = this.string(v, `${field}.${key}`);
      if (s !== undefined) out[key] = s;
    }
    return out;
  }

  strings(value: JsonValue | undefined, field: string): string[] | undefined {
    const list = this.list(value, field);
    if (list === undefined) return undefined;
    return list.flatMap((item, i) => this.string(item, `${field}[${String(i)}]`) ?? []);
  }
}

/** `{ [key]: value }`, or nothing when value is undefined (optional properties stay absent, not undefined). */
function present<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** What a user gets on its database when neither the composite nor the Input says. */
export function defaultPrivileges(engine: Engine): string[] {
  return [...engineFacts[engine].defaultDatabasePrivileges];
}

/** A Secret name from a composite name and a SQL user name: DNS-1123, at most 253 characters, stable. */
export function connectionSecretName(prefix: string, user: string, suffix: string): string {
  const cleaned = `${prefix}-${user}${suffix}`
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  return cleaned.slice(0, 253).replace(/[^a-z0-9]+$/, '');
}

/** Where the composed resources go: the composite's namespace, else its claim's, else the Input's default. */
function targetNamespace(composite: JsonObject, input: FunctionInput): string | undefined {
  const own = valueAt(composite, 'metadata', 'namespace');
  if (typeof own === 'string' && own !== '') return own;
  const claim = valueAt(composite, 'spec', 'claimRef', 'namespace');
  if (typeof claim === 'string' && claim !== '') return claim;
  return input.defaults.namespace;
}

function displayName(composite: JsonObject): string {
  const claim = valueAt(composite, 'spec', 'claimRef', 'name');
  if (typeof claim === 'string' && claim !== '') return claim;
  const name = valueAt(composite, 'metadata', 'name');
  return typeof name === 'string' ? name : '';
}

function readInstance(r: Reader, spec: JsonObject, input: FunctionInput, namespace: string) {
  const ref = r.object(spec['instanceRef'], 'spec.instanceRef');
  const selector = r.object(spec['instanceSelector'], 'spec.instanceSelector');
  if (ref !== undefined && selector !== undefined) {
    r.fail('spec.instanceRef', 'set instanceRef or instanceSelector, not both');
    return undefined;
  }
  if (ref !== undefined) {
    const name = r.string(ref['name'], 'spec.instanceRef.name');
    if (name === undefined) {
      r.fail('spec.instanceRef.name', 'is required');
      return undefined;
    }
    return { name, namespace: r.string(ref['namespace'], 'spec.instanceRef.namespace') ?? namespace };
  }
  if (selector !== undefined) {
    const labels = r.stringMap(selector['matchLabels'], 'spec.instanceSelector.matchLabels') ?? {};
    if (Object.keys(labels).length === 0) {
      r.fail('spec.instanceSelector.matchLabels', 'needs at least one label');
      return undefined;
    }
    const ns = r.string(selector['namespace'], 'spec.instanceSelector.namespace') ?? namespace;
    return { matchLabels: labels, namespace: ns };
  }
  const fallback = input.defaults.instanceRef;
  if (fallback !== undefined) return { name: fallback.name, namespace: fallback.namespace ?? namespace };
  r.fail('spec.instanceRef', 'is required: name the DatabaseInstance (or set instanceSelector)');
  return undefined;
}

function readUsers(r: Reader, spec: JsonObject, input: FunctionInput, prefix: string): UserPlan[] {
  const list = r.list(spec['users'], 'spec.users') ?? [];
  const seen = new Set<string>();
  return list.flatMap((item, i): UserPlan[] => {
    const field = `spec.users[${String(i)}]`;
    const user = r.object(item, field);
    if (user === undefined) return [];
    const name = r.sqlName(user['name'], `${field}.name`);
    if (name === undefined) {
      if (user['name'] === undefined || user['name'] === null) r.fail(`${field}.name`, 'is required');
      return [];
    }
    if (seen.has(name)) {
      r.fail(`${field}.name`, `user "${name}" is listed twice`);
      return [];
    }
    seen.add(name);
    const privileges = r.strings(user['privileges'], `${field}.privileges`) ?? input.defaults.privileges;
    const secret =
      r.string(user['connectionSecretName'], `${field}.connectionSecretName`) ??
      connectionSecretName(prefix, name, input.naming.connectionSecretSuffix);
    if (!dnsName(secret)) r.fail(`${field}.connectionSecretName`, `"${secret}" is not a valid Secret name`);
    return [{ name, connectionSecretName: secret, ...present('privileges', privileges) }];
  });
}

function dnsName(name: string): boolean {
  return name.length > 0 && name.length <= 253 && name.split('.').every((part) => dnsLabel.test(part));
}

function readBackup(r: Reader, spec: JsonObject): BackupPlan | undefined {
  const backup = r.object(spec['backup'], 'spec.backup');
  if (backup === undefined) return undefined;
  const schedule = r.string(backup['schedule'], 'spec.backup.schedule');
  if (schedule === undefined || schedule.trim() === '') {
    r.fail('spec.backup.schedule', 'is required, e.g. "30 2 * * *" or @daily');
    return undefined;
  }
  return {
    schedule,
    ...present('timezone', r.string(backup['timezone'], 'spec.backup.timezone')),
    ...present('storage', r.object(backup['storage'], 'spec.backup.storage')),
    ...present('retention', r.object(backup['retention'], 'spec.backup.retention')),
  };
}

function readDatabase(r: Reader, spec: JsonObject, input: FunctionInput, compositeName: string) {
  const database = r.object(spec['database'], 'spec.database') ?? {};
  const given = database['name'];
  const name =
    given === undefined || given === null
      ? r.sqlName(`${input.naming.databasePrefix}${compositeName.replace(/-/g, '_')}`, 'metadata.name')
      : r.sqlName(given, 'spec.database.name');
  if (name === undefined) return undefined;
  return {
    name,
    deletionProtection:
      r.boolean(database['deletionProtection'], 'spec.database.deletionProtection') ??
      input.defaults.deletionProtection,
    ...present('postgres', r.object(database['postgres'], 'spec.database.postgres')),
    ...present('mysql', r.object(database['mysql'], 'spec.database.mysql')),
  };
}

/** Reads the composite into a plan; privileges are checked later, once the engine is known. */
export function readComposite(
  composite: JsonObject,
  input: FunctionInput,
): { plan?: AppDatabasePlan; problems: Problem[] } {
  const r = new Reader();
  const spec = r.object(composite['spec'], 'spec') ?? {};
  const namespace = targetNamespace(composite, input);
  if (namespace === undefined) {
    r.fail(
      'metadata.namespace',
      'a cluster-scoped composite without a claim needs input.defaults.namespace for its resources',
    );
  }
  const name = displayName(composite);
  const instance = readInstance(r, spec, input, namespace ?? '');
  const engine = r.engine(spec['engine'], 'spec.engine') ?? input.defaults.engine;
  const database = readDatabase(r, spec, input, name);
  const users = readUsers(r, spec, input, name);
  const backup = readBackup(r, spec);
  if (r.problems.length > 0 || namespace === undefined || instance === undefined || database === undefined) {
    return { problems: r.problems };
  }
  const plan: AppDatabasePlan = {
    displayName: name,
    namespace,
    instance,
    ...present('engine', engine),
    database,
    users,
    ...present('backup', backup),
    ttlSeconds: input.ttlSeconds,
  };
  return { problems: [], plan };
}

/** Privileges each user asks for that the engine has no database-level privilege of that name for. */
export function privilegeProblems(users: readonly UserPlan[], engine: Engine): Problem[] {
  const allowed = engineFacts[engine].databasePrivileges;
  return users.flatMap((user, i) =>
    (user.privileges ?? []).flatMap((privilege, j) =>
      allowed.includes(privilege)
        ? []
        : [
            {
              field: `spec.users[${String(i)}].privileges[${String(j)}]`,
              message: `unknown privilege "${privilege}" on a ${engine} database; allowed: ${allowed.join(', ')}`,
            },
          ],
    ),
  );
}
