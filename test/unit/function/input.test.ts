// The step's Input is checked and defaulted by the schema its CRD is generated from; these cases pin the
// field-named messages, what survives an invalid Input, and that every schema limit is enforced (the
// hand-written reader this replaced missed the naming fields' maxLength).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { FunctionInput as InputSchema } from '../../../src/apis/function-input.ts';
import { readInput, type FunctionInput } from '../../../src/function/app-database/input.ts';
import type { JsonObject, JsonValue } from '../../../src/function/protocol/messages.ts';

const defaults: FunctionInput = {
  ttlSeconds: 60,
  defaults: { deletionProtection: false },
  naming: { databasePrefix: '', connectionSecretSuffix: '' },
};

describe('readInput', () => {
  it('fills every default the FunctionInput type promises into an absent Input', () => {
    assert.deepEqual(readInput(undefined), { input: defaults, problems: [] });
    assert.deepEqual(readInput({}), { input: defaults, problems: [] });
  });

  it('hands out a fresh copy of the defaults each time', () => {
    readInput(undefined).input.defaults.deletionProtection = true;
    assert.equal(readInput(undefined).input.defaults.deletionProtection, false);
  });

  const refused: {
    reason: string;
    input: JsonValue;
    problems: [field: string, message: RegExp][];
    /** What the rest of the Input still says: its valid fields are kept. */
    keeps?: Partial<FunctionInput>;
  }[] = [
    {
      reason: 'a TTL of 0 is below the minimum',
      input: { ttlSeconds: 0 },
      problems: [['input.ttlSeconds', /^must be a whole number from 1 to 86400, not 0$/]],
      keeps: { ttlSeconds: 60 },
    },
    {
      reason: 'a TTL must be whole seconds',
      input: { ttlSeconds: 1.5 },
      problems: [['input.ttlSeconds', /^must be a whole number from 1 to 86400, not 1.5$/]],
    },
    {
      reason: 'a TTL above a day',
      input: { ttlSeconds: 86_401 },
      problems: [['input.ttlSeconds', /from 1 to 86400, not 86401/]],
    },
    {
      reason: 'an engine the provider does not know',
      input: { defaults: { engine: 'db2' } },
      problems: [['input.defaults.engine', /^must be one of postgres, mysql, mariadb, not "db2"$/]],
    },
    {
      reason: 'defaults must be an object',
      input: { defaults: [] },
      problems: [['input.defaults', /^must be an object, not a list$/]],
      keeps: { defaults: { deletionProtection: false } },
    },
    {
      reason: 'a prefix must be a string',
      input: { naming: { databasePrefix: 5 } },
      problems: [['input.naming.databasePrefix', /^must be a string, not 5$/]],
    },
    {
      reason: 'a database prefix over the schema’s maxLength (the drift the hand-written reader had)',
      input: { naming: { databasePrefix: 'p'.repeat(33), connectionSecretSuffix: '-db' } },
      problems: [['input.naming.databasePrefix', /^must be at most 32 characters long, not 33$/]],
      keeps: { naming: { databasePrefix: '', connectionSecretSuffix: '-db' } },
    },
    {
      reason: 'a Secret suffix over the schema’s maxLength',
      input: { naming: { connectionSecretSuffix: `-${'s'.repeat(40)}` } },
      problems: [['input.naming.connectionSecretSuffix', /at most 32 characters long, not 41/]],
    },
    {
      reason: 'a default instance without a name',
      input: { defaults: { instanceRef: { namespace: 'databases' }, engine: 'mysql' } },
      problems: [['input.defaults.instanceRef.name', /^is required$/]],
      keeps: { defaults: { engine: 'mysql', deletionProtection: false } },
    },
    {
      reason: 'a default instance whose name is no Kubernetes name (which drops the whole reference)',
      input: { defaults: { instanceRef: { name: 'PG_Main' }, deletionProtection: true } },
      problems: [['input.defaults.instanceRef.name', /^must match .*, not "PG_Main"$/]],
      keeps: { defaults: { deletionProtection: true } },
    },
    {
      reason: 'an empty default namespace says so once, not also that it misses the pattern',
      input: { defaults: { namespace: '' } },
      problems: [['input.defaults.namespace', /^must not be empty$/]],
    },
    {
      reason: 'a privilege that is not a string is named by its index; the others stay',
      input: { defaults: { privileges: ['CONNECT', 7, 'TEMPORARY'] } },
      problems: [['input.defaults.privileges[1]', /^must be a string, not 7$/]],
      keeps: { defaults: { privileges: ['CONNECT', 'TEMPORARY'], deletionProtection: false } },
    },
    {
      reason: 'deletion protection must be a boolean',
      input: { defaults: { deletionProtection: 'yes' } },
      problems: [['input.defaults.deletionProtection', /^must be true or false, not "yes"$/]],
    },
    {
      reason: 'several problems are all reported, each under its own field',
      input: { ttlSeconds: 'soon', naming: { databasePrefix: 'x'.repeat(64) } },
      problems: [
        ['input.ttlSeconds', /not "soon"/],
        ['input.naming.databasePrefix', /at most 32/],
      ],
    },
    {
      reason: 'an Input that is not an object at all leaves only the defaults',
      input: ['ttlSeconds', 5],
      problems: [['input', /^must be an object, not a list$/]],
      keeps: defaults,
    },
  ];
  for (const tc of refused) {
    it(`refuses ${tc.reason}`, () => {
      const { input, problems } = readInput(tc.input);
      assert.deepEqual(
        problems.map((p) => p.field),
        tc.problems.map(([field]) => field),
      );
      problems.forEach((p, i) => {
        assert.match(p.message, tc.problems[i]?.[1] ?? /^$/, p.field);
      });
      assert.deepEqual(input, { ...defaults, ...tc.keeps });
    });
  }

  it('reads null as unset, as Kubernetes does', () => {
    const { input, problems } = readInput({
      ttlSeconds: null,
      defaults: { namespace: null, privileges: ['CONNECT', null] },
    });
    assert.deepEqual(problems, []);
    assert.deepEqual(input, {
      ...defaults,
      defaults: { privileges: ['CONNECT'], deletionProtection: false },
    });
  });

  it('keeps a valid Input as given, including its envelope', () => {
    const given: JsonObject = {
      apiVersion: 'function.dbops.dbprovision.io/v1beta1',
      kind: 'Input',
      ttlSeconds: 30,
      defaults: {
        instanceRef: { name: 'pg-main', namespace: 'databases' },
        engine: 'postgres',
        namespace: 'apps',
        privileges: ['CONNECT'],
        deletionProtection: true,
      },
      naming: { databasePrefix: 'app_', connectionSecretSuffix: '-credentials' },
    };
    assert.deepEqual(readInput(structuredClone(given)), { input: given, problems: [] });
  });

  it('enforces every maxLength in the Input’s schema, naming the field', () => {
    const limits = maxLengths(InputSchema, []);
    assert.ok(limits.length >= 4, `found only ${limits.map((l) => l.path.join('.')).join(', ')}`);
    for (const { path, limit } of limits) {
      const { problems } = readInput(withValueAt(path, 'a'.repeat(limit + 1)));
      const field = `input.${path.join('.')}`;
      const problem = problems.find((p) => p.field === field);
      assert.match(problem?.message ?? '', new RegExp(`at most ${String(limit)} characters`), field);
    }
  });

  it('accepts the Inputs of the example Compositions', () => {
    const examples = join(import.meta.dirname, '..', '..', '..', 'examples', 'composition');
    for (const file of ['v2/composition.yaml', 'legacy/composition.yaml']) {
      const inputs = stepInputs(readFileSync(join(examples, file), 'utf8'));
      assert.ok(inputs.length > 0, `${file} has no function-dbops step`);
      for (const input of inputs) assert.deepEqual(readInput(input).problems, [], file);
    }
  });
});

/** Every string field with a maxLength, by its property path. */
function maxLengths(node: unknown, path: string[]): { path: string[]; limit: number }[] {
  const schema = node as { maxLength?: number; properties?: Record<string, unknown> };
  const own = schema.maxLength === undefined ? [] : [{ path, limit: schema.maxLength }];
  const below = Object.entries(schema.properties ?? {}).flatMap(([key, child]) =>
    maxLengths(child, [...path, key]),
  );
  return [...own, ...below];
}

function withValueAt(path: readonly string[], value: JsonValue): JsonObject {
  const [first, ...rest] = path;
  if (first === undefined) throw new Error('empty path');
  return { [first]: rest.length === 0 ? value : withValueAt(rest, value) };
}

function stepInputs(yaml: string): JsonValue[] {
  return parseAllDocuments(yaml).flatMap((doc) => {
    type Step = { functionRef?: { name?: string }; input?: JsonValue };
    const composition = doc.toJS() as { spec?: { pipeline?: Step[] } } | null;
    return (composition?.spec?.pipeline ?? []).flatMap((step) =>
      step.functionRef?.name === 'function-dbops' && step.input !== undefined ? [step.input] : [],
    );
  });
}
