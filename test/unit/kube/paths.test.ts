import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ResourceType } from '../../../src/kube/api.ts';
import {
  apiVersionOf,
  collectionPath,
  objectPath,
  queryString,
  resourceNameOf,
} from '../../../src/kube/paths.ts';
import { statusError } from '../../../src/kube/rest.ts';

const configMaps: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  plural: 'configmaps',
  namespaced: true,
};
const databases: ResourceType = {
  group: 'dbops.dbprovision.io',
  version: 'v1alpha1',
  kind: 'Database',
  plural: 'databases',
  namespaced: true,
};
const crds: ResourceType = {
  group: 'apiextensions.k8s.io',
  version: 'v1',
  kind: 'CustomResourceDefinition',
  plural: 'customresourcedefinitions',
  namespaced: false,
};

describe('REST paths', () => {
  it('put the core group under /api and the others under /apis', () => {
    assert.equal(collectionPath(configMaps, 'ns'), '/api/v1/namespaces/ns/configmaps');
    assert.equal(
      collectionPath(databases, 'ns'),
      '/apis/dbops.dbprovision.io/v1alpha1/namespaces/ns/databases',
    );
  });

  it('list all namespaces without one, and ignore a namespace for cluster-scoped types', () => {
    assert.equal(collectionPath(databases), '/apis/dbops.dbprovision.io/v1alpha1/databases');
    assert.equal(collectionPath(databases, ''), '/apis/dbops.dbprovision.io/v1alpha1/databases');
    assert.equal(collectionPath(crds, 'ns'), '/apis/apiextensions.k8s.io/v1/customresourcedefinitions');
  });

  it('address one object and its status subresource', () => {
    assert.equal(
      objectPath(configMaps, { namespace: 'ns', name: 'a' }),
      '/api/v1/namespaces/ns/configmaps/a',
    );
    assert.equal(
      objectPath(databases, { namespace: 'ns', name: 'a' }, 'status'),
      '/apis/dbops.dbprovision.io/v1alpha1/namespaces/ns/databases/a/status',
    );
    assert.equal(
      objectPath(crds, { name: 'databases.dbops.dbprovision.io' }),
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/databases.dbops.dbprovision.io',
    );
  });

  it('escape names and refuse a namespaced object without a namespace', () => {
    assert.equal(
      objectPath(configMaps, { namespace: 'ns', name: 'a/b' }),
      '/api/v1/namespaces/ns/configmaps/a%2Fb',
    );
    assert.throws(() => objectPath(configMaps, { name: 'a' }), /needs a namespace/);
  });

  it('name versions and resources like kubectl', () => {
    assert.equal(apiVersionOf(configMaps), 'v1');
    assert.equal(apiVersionOf(databases), 'dbops.dbprovision.io/v1alpha1');
    assert.equal(resourceNameOf(configMaps), 'configmaps');
    assert.equal(resourceNameOf(databases), 'databases.dbops.dbprovision.io');
  });

  it('build query strings from the defined parameters only', () => {
    assert.equal(queryString({}), '');
    assert.equal(queryString({ a: undefined }), '');
    assert.equal(
      queryString({ labelSelector: 'app=x,tier in (a,b)', b: undefined, watch: '1' }),
      '?labelSelector=app%3Dx%2Ctier+in+%28a%2Cb%29&watch=1',
    );
  });
});

describe('statusError', () => {
  it('takes code, reason and message from a Status body', () => {
    const body = JSON.stringify({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      message: 'configmaps "a" already exists',
      reason: 'AlreadyExists',
      code: 409,
    });
    const err = statusError(409, body, 'POST /x');
    assert.equal(err.code, 409);
    assert.equal(err.reason, 'AlreadyExists');
    assert.equal(err.message, 'configmaps "a" already exists');
  });

  it('reads a watch ERROR object, whose code is inside', () => {
    const err = statusError(
      500,
      { kind: 'Status', code: 410, reason: 'Expired', message: 'too old' },
      'watch',
    );
    assert.equal(err.code, 410);
    assert.equal(err.reason, 'Expired');
  });

  it('falls back to the HTTP code for other bodies', () => {
    const err = statusError(503, '<html>bad gateway</html>', 'GET /api/v1/x');
    assert.equal(err.code, 503);
    assert.equal(err.reason, 'ServiceUnavailable');
    assert.equal(err.message, 'GET /api/v1/x: HTTP 503 ServiceUnavailable');
    assert.equal(statusError(418, '', 'GET /').reason, 'Unknown');
  });
});
