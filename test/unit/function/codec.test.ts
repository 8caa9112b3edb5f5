// The wire layer: google.protobuf.Struct ⇄ JSON both ways, enums and durations, and robustness against any
// Struct the protocol allows (fuzzed), including values JSON cannot carry.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import protobuf from 'protobufjs';
import { runAppDatabase } from '../../../src/function/app-database/run.ts';
import {
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  UnrepresentableRequest,
} from '../../../src/function/protocol/codec.ts';
import type {
  JsonObject,
  RunFunctionRequest,
  RunFunctionResponse,
} from '../../../src/function/protocol/messages.ts';
import { appDatabase, instance } from './fixtures.ts';

// JSON as a Struct can carry it: finite doubles only (no -0: JSON has no distinct negative zero). No key
// __proto__: protobufjs's JSON mapping assigns keys with plain property writes, so that one key would set an
// object's prototype instead (Kubernetes objects never carry it).
const json = fc
  .jsonValue({ noUnicodeString: false })
  .map((v) => JSON.parse(JSON.stringify(v)) as unknown)
  .filter((v) => !JSON.stringify(v).includes('"__proto__"'));
const key = fc.string().filter((k) => k !== '__proto__');
const jsonObject = fc.dictionary(key, json, { noNullPrototype: true }) as fc.Arbitrary<JsonObject>;

describe('codec', () => {
  it('round-trips nulls, nested lists, numbers and unicode through Struct', () => {
    const resource: JsonObject = {
      a: null,
      list: [1, -2.5, 1e300, [[]], [null, 'x', { deep: [true, false] }]],
      empty: {},
      text: 'Grüße 数据库 "quoted" \u0000',
      big: 9007199254740991,
    };
    const req: RunFunctionRequest = {
      meta: { tag: 't', capabilities: ['CAPABILITY_REQUIRED_RESOURCES'] },
      observed: {
        composite: { resource, connectionDetails: { password: Buffer.from('s3cret').toString('base64') } },
      },
      input: { ttlSeconds: 5 },
    };
    assert.deepEqual(decodeRequest(encodeRequest(req)), req);
  });

  it('round-trips property-based JSON objects through Struct', () => {
    fc.assert(
      fc.property(jsonObject, (resource) => {
        const req: RunFunctionRequest = { observed: { composite: { resource } } };
        assert.deepEqual(decodeRequest(encodeRequest(req)).observed?.composite?.resource, resource);
      }),
      { numRuns: 300 },
    );
  });

  it('writes responses protobufjs reads back the same, for property-based resources, keys and context', () => {
    // Keys and values over all of Unicode (the writer counts UTF-8 bytes itself for short strings).
    const unicodeKey = fc.string({ unit: 'grapheme' }).filter((k) => k !== '__proto__');
    const resources = fc.dictionary(unicodeKey, jsonObject, { noNullPrototype: true, maxKeys: 5 });
    fc.assert(
      fc.property(
        jsonObject,
        resources,
        fc.option(jsonObject, { nil: undefined }),
        (composite, composed, context) => {
          const rsp: RunFunctionResponse = {
            meta: { tag: 'property' },
            desired: {
              composite: { resource: composite },
              // ProtoJSON leaves an empty map out.
              ...(Object.keys(composed).length === 0
                ? {}
                : {
                    resources: Object.fromEntries(
                      Object.entries(composed).map(([name, resource]) => [
                        name,
                        { resource, ready: 'READY_TRUE' as const },
                      ]),
                    ),
                  }),
            },
            ...(context === undefined ? {} : { context }),
          };
          assert.deepEqual(decodeResponse(encodeResponse(rsp)), rsp);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps every answer intact while later ones are written, also answers larger than a slab', () => {
    const answer = (tag: string, size: number): RunFunctionResponse => ({
      meta: { tag },
      desired: { composite: { resource: { blob: 'x'.repeat(size), list: [1, 'two', null, true] } } },
    });
    // Many small answers (several slabs' worth), then one larger than a slab, then small ones again.
    const sizes = [...Array.from({ length: 100 }, () => 6000), 600_000, 10, 6000];
    const sent = sizes.map((size, i) => answer(`t${String(i)}`, size));
    const bytes = sent.map((rsp) => encodeResponse(rsp));
    bytes.forEach((b, i) => {
      assert.deepEqual(decodeResponse(b), sent[i], `answer ${String(i)}`);
    });
  });

  it('encodes responses with enum names, a Duration TTL and readiness', () => {
    const rsp = {
      meta: { tag: 'x', ttl: '60s' },
      desired: { resources: { db: { resource: { kind: 'Database' }, ready: 'READY_TRUE' as const } } },
      results: [{ severity: 'SEVERITY_FATAL' as const, message: 'm', target: 'TARGET_COMPOSITE' as const }],
      conditions: [{ type: 'InstanceReady', status: 'STATUS_CONDITION_FALSE' as const, reason: 'NotFound' }],
    };
    assert.deepEqual(decodeResponse(encodeResponse(rsp)), rsp);
  });

  it('encodes every part of a response the function writes, read back the way Crossplane reads it', () => {
    const rsp: RunFunctionResponse = {
      meta: { tag: 't', ttl: '1.500s' }, // ProtoJSON writes fractions in groups of 3 digits
      desired: {
        composite: {
          resource: { status: { users: [{ name: 'a', n: 1.25 }], gone: null, ok: true } },
          connectionDetails: { password: Buffer.from('s3cret').toString('base64') },
          ready: 'READY_FALSE',
        },
        resources: {
          user: { resource: { spec: { forProvider: { list: [[], {}, 'x'] } } } },
          grant: { resource: {}, ready: 'READY_TRUE' },
        },
      },
      results: [
        {
          severity: 'SEVERITY_WARNING',
          message: 'w',
          reason: 'Waiting',
          target: 'TARGET_COMPOSITE_AND_CLAIM',
        },
      ],
      context: { 'apiextensions.crossplane.io/environment': { a: 'b' } },
      requirements: {
        resources: {
          byName: { apiVersion: 'v1', kind: 'Secret', matchName: 's', namespace: 'ns' },
          byLabels: { apiVersion: 'v1', kind: 'ConfigMap', matchLabels: { labels: { app: 'x' } } },
        },
      },
      conditions: [
        {
          type: 'InstanceReady',
          status: 'STATUS_CONDITION_TRUE',
          reason: 'Available',
          message: 'ok',
          target: 'TARGET_COMPOSITE_AND_CLAIM',
        },
      ],
    };
    assert.deepEqual(decodeResponse(encodeResponse(rsp)), rsp);
  });

  it('reports a Struct holding NaN or Infinity as unrepresentable, keeping the tag', async () => {
    const Struct = (await protobuf.load('google/protobuf/struct.proto')).lookupType('google.protobuf.Struct');
    for (const value of [{ numberValue: NaN }, { numberValue: -Infinity }]) {
      const struct = Struct.encode(Struct.fromObject({ fields: { v: value } })).finish();
      // RunFunctionRequest{meta{tag:"keep"}, input: struct} by hand: field 1 and field 4, length-delimited.
      const meta = Buffer.from([0x0a, 4, ...Buffer.from('keep')]);
      const bytes = Buffer.concat([
        Buffer.from([0x0a, meta.length]),
        meta,
        Buffer.from([0x22, struct.length]),
        Buffer.from(struct),
      ]);
      assert.throws(
        () => decodeRequest(bytes),
        (err: unknown) => err instanceof UnrepresentableRequest && err.tag === 'keep',
        JSON.stringify(value),
      );
    }
  });

  it('reads a Value with no kind set as null', async () => {
    const Struct = (await protobuf.load('google/protobuf/struct.proto')).lookupType('google.protobuf.Struct');
    const struct = Struct.encode(Struct.fromObject({ fields: { v: {} } })).finish();
    const bytes = Buffer.concat([Buffer.from([0x22, struct.length]), Buffer.from(struct)]);
    assert.deepEqual(decodeRequest(bytes).input, { v: null });
  });
});

describe('runAppDatabase on any request', () => {
  it('never throws and always answers with the tag, whatever the composite, Input and fetched instances', () => {
    const anyComposite = fc.oneof(
      jsonObject,
      fc.record({ metadata: jsonObject, spec: jsonObject }),
      fc.record({
        metadata: fc.constant({ name: 'x', namespace: 'team-a' }),
        spec: fc.record({
          instanceRef: fc.oneof(json, fc.constant({ name: 'pg-main', namespace: 'databases' })),
          users: fc.oneof(json, fc.array(fc.record({ name: json, privileges: json }))),
          database: fc.oneof(json, jsonObject),
          backup: json,
          engine: json,
        }),
      }) as fc.Arbitrary<JsonObject>,
    );
    const anyInstances = fc.oneof(fc.array(jsonObject), fc.constant([instance('postgres')]));
    fc.assert(
      fc.property(
        anyComposite,
        fc.option(jsonObject),
        anyInstances,
        fc.string(),
        (composite, input, items, tag) => {
          const response = runAppDatabase({
            meta: { tag },
            observed: { composite: { resource: composite } },
            ...(input === null ? {} : { input }),
            requiredResources: { 'database-instance': { items: items.map((resource) => ({ resource })) } },
          });
          assert.equal(response.meta.tag, tag);
          // Whatever was decided must also encode onto the wire.
          encodeResponse(response);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('composes from a valid composite regardless of extra fields', () => {
    const response = runAppDatabase({
      observed: {
        composite: {
          resource: appDatabase({
            instanceRef: { name: 'pg-main', namespace: 'databases' },
            extra: [1, { a: null }],
          }),
        },
      },
      requiredResources: { 'database-instance': { items: [{ resource: instance('postgres') }] } },
    });
    assert.ok(response.desired?.resources?.['database']);
  });
});
