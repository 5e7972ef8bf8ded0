// The object store as the worker sees it: what is at a key, read with the store's own keys.
import { AwsClient } from 'aws4fetch';

const s3 = new AwsClient({
  accessKeyId: Deno.env.get('S3_ACCESS_KEY_ID') ?? '',
  secretAccessKey: Deno.env.get('S3_SECRET_ACCESS_KEY') ?? '',
  region: 'us-east-1',
  service: 's3',
});

const at = (key: string) =>
  `${Deno.env.get('S3_ENDPOINT') ?? ''}/${Deno.env.get('S3_BUCKET') ?? ''}/${key}`;

/** The object's bytes, or null when the key holds none. */
export async function objectAt(key: string): Promise<Uint8Array | null> {
  const response = await s3.fetch(at(key));
  if (response.status === 404) {
    await response.body?.cancel();
    return null;
  }
  if (!response.ok) throw new Error(`GET ${key} answered ${String(response.status)}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** The keys under `prefix`. */
export async function keysUnder(prefix: string): Promise<string[]> {
  const response = await s3.fetch(`${at('')}?list-type=2&prefix=${encodeURIComponent(prefix)}`);
  const text = await response.text();
  if (!response.ok) throw new Error(`LIST ${prefix} answered ${String(response.status)}`);
  return [...text.matchAll(/<Key>([^<]+)<\/Key>/g)].map((m) => m[1] ?? '');
}
