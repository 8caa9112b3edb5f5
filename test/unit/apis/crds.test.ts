// crds/ is generated from src/apis and must stay in step with it; every schema must be one the API server
// accepts as structural; the registry must be consistent with Crossplane's conventions.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { crdFileName, customResourceDefinition, renderAllCrds, renderCrd } from '../../../src/apis/crd.ts';
import { functionInputDefinition } from '../../../src/apis/function-input.ts';
import { allKinds, kinds, managedKinds } from '../../../src/apis/registry.ts';
import type { ManagedResource } from '../../../src/runtime/managed.ts';
import { validObjects } from './fixtures.ts';
import { structuralProblems } from './structural.ts';

const crdDir = join(import.meta.dirname, '..', '..', '..', 'crds');

describe('crds/', () => {
  it('holds exactly what scripts/gen-crds.ts generates (run npm run generate:crds)', () => {
    const wanted = renderAllCrds();
    assert.deepEqual(readdirSync(crdDir).sort(), [...wanted.keys()].sort());
    for (const [file, text] of wanted)
      assert.equal(readFileSync(join(crdDir, file), 'utf8'), text, `crds/${file}`);
  });

  it('parses back to the CRD objects, one served and stored version each', () => {
    for (const [file, text] of renderAllCrds()) {
      const def = allKinds.find((k) => file === `${k.group}_${k.plural}.yaml`);
      assert.ok(def, file);
      assert.deepEqual(parse(text), JSON.parse(JSON.stringify(customResourceDefinition(def))));
    }
  });
});

describe('package/function/input/', () => {
  it('holds the function Input CRD scripts/gen-crds.ts generates', () => {
    const dir = join(import.meta.dirname, '..', '..', '..', 'package', 'function', 'input');
    const file = crdFileName(functionInputDefinition);
    assert.deepEqual(readdirSync(dir), [file]);
    assert.equal(readFileSync(join(dir, file), 'utf8'), renderCrd(functionInputDefinition));
  });
});

describe('CRD schemas', () => {
  for (const def of [...allKinds, functionInputDefinition]) {
    it(`${def.kind} is structural, fully described, with optional defaulted fields`, () => {
      const schema = customResourceDefinition(def).spec.versions[0]?.schema.openAPIV3Schema;
      assert.deepEqual(structuralProblems(schema), []);
    });
  }

  it('finds the problems it looks for', () => {
    const broken = {
      type: 'object',
      required: ['a'],
      properties: {
        a: { description: 'a', type: 'string', default: 'x' },
        b: { type: 'object', properties: {}, additionalProperties: { type: 'string' } },
        c: { description: 'c', anyOf: [{ type: 'string' }] },
        d: { description: 'd', type: 'integer', minimum: 1, default: 0 },
        e: {
          description: 'e',
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['k'],
          items: { type: 'object', properties: { k: { description: 'k', type: 'string' } } },
        },
      },
    };
    assert.deepEqual(structuralProblems(broken), [
      '.a: required and defaulted',
      '.b: no description',
      '.b: properties and additionalProperties',
      '.c: has anyOf',
      '.c: no type',
      '.d: default does not validate',
      '.e: list-map key k is not required',
    ]);
  });
});

describe('registry', () => {
  it('names every kind once, with the short names users know', () => {
    assert.equal(new Set(allKinds.map((k) => k.plural)).size, allKinds.length);
    const shortNames = Object.fromEntries(managedKinds.map((k) => [k.kind, k.shortNames.join()]));
    assert.deepEqual(shortNames, {
      DatabaseInstance: 'dbi',
      Database: 'db',
      DatabaseUser: 'dbu',
      DatabaseRole: 'dbr',
      DatabaseGrant: 'dbg',
      DatabaseBackup: 'dbbak',
      DatabaseBackupSchedule: 'dbbaksched',
      DatabaseRestore: 'dbrestore',
    });
  });

  it('gives managed kinds the Crossplane categories and columns', () => {
    for (const def of managedKinds) {
      assert.equal(def.namespaced, true, def.kind);
      assert.deepEqual(def.categories, ['crossplane', 'managed', 'dbops'], def.kind);
      const names = def.printerColumns.map((c) => c.name);
      assert.deepEqual(names.slice(0, 3), ['READY', 'SYNCED', 'EXTERNAL-NAME'], def.kind);
      assert.ok(names.includes('PHASE'), def.kind);
      assert.equal(names.at(-1), 'AGE', def.kind);
    }
  });

  it('keeps the provider config kinds out of the managed set', () => {
    const configKinds = allKinds
      .filter((k) => !k.managed)
      .map((k) => [k.kind, k.namespaced, k.statusSubresource]);
    assert.deepEqual(configKinds, [
      ['ProviderConfig', true, true],
      ['ClusterProviderConfig', false, true],
      ['ProviderConfigUsage', true, false],
    ]);
    for (const def of allKinds.filter((k) => !k.managed))
      assert.deepEqual(def.categories, ['crossplane', 'provider', 'dbops']);
  });

  it('types every managed kind as a ManagedResource of the runtime', () => {
    // Compile-time: each kind's Static type must be assignable to the runtime's structural interface.
    const objects = validObjects('default');
    const managed: ManagedResource[] = [
      objects.DatabaseInstance,
      objects.Database,
      objects.DatabaseUser,
      objects.DatabaseRole,
      objects.DatabaseGrant,
      objects.DatabaseBackup,
      objects.DatabaseBackupSchedule,
      objects.DatabaseRestore,
    ];
    assert.deepEqual(
      managed.map((mr) => mr.kind),
      managedKinds.map((k) => k.kind),
    );
    assert.equal(kinds.Database.plural, 'databases');
  });
});
