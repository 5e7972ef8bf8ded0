import { ObjectName, resultPrefix } from '@harita/contracts';
import { ApiError } from './http.ts';

/**
 * Why `key` is not a key in the job's own folder, `tenants/{tenant}/jobs/{job}/`, or undefined
 * when it is. Only the canonical spelling counts: lower-case ids, no leading `/`, no empty or
 * `..` segment, no backslash or NUL, each segment below the folder a plain object name.
 */
export function resultKeyFault(key: string, tenantId: string, jobId: string): string | undefined {
  if (key.includes('\\') || key.includes('\0')) return 'holds a backslash or a NUL character';
  if (key.startsWith('/')) return 'starts with "/"';
  if (key.split('/').some((segment) => segment === '..' || segment === '.'))
    return 'has a "." or ".." segment';
  if (key.includes('//')) return 'has an empty segment ("//")';
  const prefix = resultPrefix(tenantId, jobId);
  if (!key.startsWith(prefix)) return `is outside the job's folder ${prefix}`;
  const rest = key.slice(prefix.length).split('/');
  if (!rest.every((segment) => ObjectName.safeParse(segment).success))
    return 'names an object with characters other than letters, digits, ".", "_" or "-"';
  return undefined;
}

/**
 * Refuses a result key outside the job's own folder.
 * @throws ApiError 422 `result_key_outside_job`, naming the key and why
 */
export function assertResultKey(key: string, tenantId: string, jobId: string): void {
  const fault = resultKeyFault(key, tenantId, jobId);
  if (fault)
    throw new ApiError(
      422,
      'result_key_outside_job',
      `result key ${JSON.stringify(key)} ${fault}: results go under tenants/{tenant}/jobs/{job}/`,
    );
}
