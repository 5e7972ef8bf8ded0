import { describe, expect, it } from 'vitest';
import {
  InvalidObjectKeyError,
  assertTenantKey,
  datasetKey,
  parseObjectKey,
  resultKey,
  stagingKey,
  tenantPrefix,
  UPLOAD_STAGING_PREFIX,
} from '../src/index.js';

const tenant = '0b9f4a4e-3c1d-4c55-9b1e-6d7f0c2a1e01';
const other = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const dataset = '5d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const job = '7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918';

describe('object keys', () => {
  it('lays out inputs and results under the tenant prefix', () => {
    expect(datasetKey(tenant, dataset, 'scene.tif')).toBe(
      `tenants/${tenant}/datasets/${dataset}/scene.tif`,
    );
    expect(resultKey(tenant, job, 'ndvi.tif')).toBe(`tenants/${tenant}/jobs/${job}/ndvi.tif`);
    expect(resultKey(tenant, job, 'ndvi.tif').startsWith(tenantPrefix(tenant))).toBe(true);
  });

  it('parses the keys it makes', () => {
    expect(parseObjectKey(datasetKey(tenant, dataset, 'a.tif'))).toEqual({
      kind: 'dataset',
      tenantId: tenant,
      datasetId: dataset,
      file: 'a.tif',
    });
    expect(parseObjectKey(resultKey(tenant, job, 'out.json'))).toEqual({
      kind: 'result',
      tenantId: tenant,
      jobId: job,
      artifact: 'out.json',
    });
  });

  it.each([
    ['a traversal', '../other/scene.tif'],
    ['a nested path', 'a/b.tif'],
    ['an empty name', ''],
    ['a hidden name', '.env'],
    ['a space', 'my scene.tif'],
    ['a double dot', 'scene..tif'],
  ])('refuses %s as a file name', (_, file) => {
    expect(() => datasetKey(tenant, dataset, file)).toThrow(InvalidObjectKeyError);
  });

  it('refuses ids that are not UUIDs', () => {
    expect(() => datasetKey('tenant-1', dataset, 'a.tif')).toThrow(/tenant id is not a UUID/);
    expect(() => resultKey(tenant, '42', 'a.tif')).toThrow(/job id is not a UUID/);
  });

  it.each([
    `tenants/${tenant}/datasets/${dataset}`,
    `tenants/${tenant}/datasets/${dataset}/a/b.tif`,
    `tenants/${tenant}/models/${dataset}/a.tif`,
    `/tenants/${tenant}/datasets/${dataset}/a.tif`,
    `tenants/${tenant}/datasets/${dataset}/../../${other}/datasets/${dataset}/a.tif`,
  ])('refuses the malformed key %s', (key) => {
    expect(() => parseObjectKey(key)).toThrow(InvalidObjectKeyError);
  });

  it("refuses another tenant's key", () => {
    const theirs = datasetKey(other, dataset, 'scene.tif');
    expect(() => assertTenantKey(tenant, theirs)).toThrow(/outside tenant/);
    expect(assertTenantKey(other.toUpperCase(), theirs).tenantId).toBe(other);
  });

  it('puts uploads under the staging prefix, outside every tenant prefix the worker reads', () => {
    const key = stagingKey(tenant.toUpperCase(), dataset, job);
    expect(key).toBe(`uploads/${tenant}/${dataset}/${job}`);
    expect(key.startsWith(UPLOAD_STAGING_PREFIX)).toBe(true);
    expect(() => parseObjectKey(key)).toThrow(InvalidObjectKeyError);
    expect(() => stagingKey(tenant, dataset, '../x')).toThrow(/upload nonce is not a UUID/);
  });
});
