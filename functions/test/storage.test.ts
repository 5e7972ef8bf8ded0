// The object store's server-side copy, as /complete uses it: whole, or in parts past the size one
// copy may take; refused when the source changed since it was read.
import { assert, assertEquals, assertMatch } from './assert.ts';
import { putObject, test } from './helpers.ts';
import { objectAt } from './store.ts';
import { config } from '../supabase/functions/_shared/config.ts';
import { getServices } from '../supabase/functions/_shared/services.ts';
import { copyTimeoutMs, Storage } from '../supabase/functions/_shared/storage.ts';

const sha256 = async (bytes: Uint8Array): Promise<string> =>
  Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array(bytes))))
    .map((b) => b.toString(16).padStart(2, '0'))
    .join('');

const random = (bytes: number): Uint8Array<ArrayBuffer> => {
  const out = new Uint8Array(bytes);
  for (let at = 0; at < bytes; at += 65536) crypto.getRandomValues(out.subarray(at, at + 65536));
  return out;
};

test('a copy in one request and a copy in parts give the source, byte for byte', async () => {
  const { storage } = getServices();
  const source = `uploads/copy-test/${crypto.randomUUID()}/source`;
  const bytes = random(12 * 1024 * 1024 + 17);
  await putObject(source, bytes);
  const head = await storage.head(source);
  assertEquals(head?.size, bytes.length);
  for (const partBytes of [undefined, 5 * 1024 * 1024]) {
    const target = `uploads/copy-test/${crypto.randomUUID()}/target`;
    await storage.copy(source, target, head!, partBytes);
    const copied = await objectAt(target);
    assertEquals(copied && (await sha256(copied)), await sha256(bytes));
  }
});

test('a copy whose source changed after it was read is refused with 409 and copies nothing', async () => {
  const { storage } = getServices();
  const source = `uploads/copy-test/${crypto.randomUUID()}/source`;
  await putObject(source, random(6 * 1024 * 1024));
  const head = await storage.head(source);
  await putObject(source, random(6 * 1024 * 1024));
  for (const partBytes of [undefined, 5 * 1024 * 1024]) {
    const target = `uploads/copy-test/${crypto.randomUUID()}/target`;
    let status = 0;
    try {
      await storage.copy(source, target, head!, partBytes);
    } catch (error) {
      status = (error as { status?: number }).status ?? -1;
    }
    assertEquals(status, 409);
    assertEquals(await objectAt(target), null);
  }
});

test('a copy larger than S3_COPY_PART_BYTES goes in parts of that size, byte for byte', async () => {
  const storage = new Storage({ ...config(), S3_COPY_PART_BYTES: 5 * 1024 * 1024 });
  const source = `uploads/copy-test/${crypto.randomUUID()}/source`;
  const bytes = random(12 * 1024 * 1024 + 17);
  await putObject(source, bytes);
  const head = await storage.head(source);
  const target = `uploads/copy-test/${crypto.randomUUID()}/target`;
  await storage.copy(source, target, head!);
  const copied = await objectAt(target);
  assertEquals(copied && (await sha256(copied)), await sha256(bytes));
  // A multipart object's ETag ends in its count of parts.
  assertMatch((await storage.head(target))?.etag ?? '', /-3"?$/);
});

test("a copy's time allowed grows with its bytes: a copy at 25 MiB/s is never cut short", () => {
  assertEquals(copyTimeoutMs(0), 15_000);
  for (const bytes of [5 * 1024 ** 2, 512 * 1024 ** 2, 5 * 1024 ** 3])
    assert(
      copyTimeoutMs(bytes) >= 15_000 + (bytes / (25 * 1024 ** 2)) * 1000,
      `${String(bytes)} bytes: ${String(copyTimeoutMs(bytes))} ms`,
    );
  return Promise.resolve();
});
