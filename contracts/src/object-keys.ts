import { ObjectName, Uuid } from './ids.ts';

/**
 * The object-key layout: inputs under `tenants/{tenant}/datasets/{dataset}/{file}`, results under
 * `tenants/{tenant}/jobs/{job}/{artifact}`. Every key a tenant can touch starts with its prefix.
 */
export class InvalidObjectKeyError extends Error {
  override name = 'InvalidObjectKeyError';
}

export type ParsedObjectKey =
  | { kind: 'dataset'; tenantId: string; datasetId: string; file: string }
  | { kind: 'result'; tenantId: string; jobId: string; artifact: string };

function uuid(value: string, what: string): string {
  if (!Uuid.safeParse(value).success)
    throw new InvalidObjectKeyError(`${what} is not a UUID: ${JSON.stringify(value)}`);
  return value.toLowerCase();
}

function name(value: string, what: string): string {
  const parsed = ObjectName.safeParse(value);
  if (!parsed.success) {
    throw new InvalidObjectKeyError(
      `${what} ${JSON.stringify(value)} ${parsed.error.issues[0]?.message ?? 'is invalid'}`,
    );
  }
  return value;
}

export function tenantPrefix(tenantId: string): string {
  return `tenants/${uuid(tenantId, 'tenant id')}/`;
}

export function datasetKey(tenantId: string, datasetId: string, file: string): string {
  return `${tenantPrefix(tenantId)}datasets/${uuid(datasetId, 'dataset id')}/${name(file, 'file name')}`;
}

/**
 * Where the API has clients PUT an upload: outside every key the worker reads, so a presigned
 * URL reaches nothing that is read; the API copies what it validated to the dataset's key. The
 * bucket's lifecycle rule expires this prefix, and the API's sweep removes each object.
 */
export const UPLOAD_STAGING_PREFIX = 'uploads/';

/** A dataset's upload under the staging prefix: `uploads/{tenant}/{dataset}/{nonce}` (uuids). */
export function stagingKey(tenantId: string, datasetId: string, nonce: string): string {
  return `${UPLOAD_STAGING_PREFIX}${uuid(tenantId, 'tenant id')}/${uuid(datasetId, 'dataset id')}/${uuid(nonce, 'upload nonce')}`;
}

export function resultPrefix(tenantId: string, jobId: string): string {
  return `${tenantPrefix(tenantId)}jobs/${uuid(jobId, 'job id')}/`;
}

export function resultKey(tenantId: string, jobId: string, artifact: string): string {
  return `${resultPrefix(tenantId, jobId)}${name(artifact, 'artifact name')}`;
}

export function parseObjectKey(key: string): ParsedObjectKey {
  const parts = key.split('/');
  if (parts.length === 5 && parts[0] === 'tenants') {
    const [, tenant = '', area, id = '', last = ''] = parts;
    if (area === 'datasets') {
      return {
        kind: 'dataset',
        tenantId: uuid(tenant, 'tenant id'),
        datasetId: uuid(id, 'dataset id'),
        file: name(last, 'file name'),
      };
    }
    if (area === 'jobs') {
      return {
        kind: 'result',
        tenantId: uuid(tenant, 'tenant id'),
        jobId: uuid(id, 'job id'),
        artifact: name(last, 'artifact name'),
      };
    }
  }
  throw new InvalidObjectKeyError(
    `not a dataset or result key: ${JSON.stringify(key)} (expected tenants/{tenant}/datasets/{dataset}/{file} or tenants/{tenant}/jobs/{job}/{artifact})`,
  );
}

/** Refuses any key that is malformed or outside the tenant's prefix. */
export function assertTenantKey(tenantId: string, key: string): ParsedObjectKey {
  const parsed = parseObjectKey(key);
  if (parsed.tenantId !== tenantId.toLowerCase()) {
    throw new InvalidObjectKeyError(`key ${JSON.stringify(key)} is outside tenant ${tenantId}`);
  }
  return parsed;
}
