// The object store's server-side copy, as /complete uses it: whole, or in parts past the size one
// copy may take; refused when the source changed since it was read.
import { assertEquals } from './assert.ts';
import { putObject, test } from './helpers.ts';
import { objectAt } from './store.ts';
import { getServices } from '../supabase/functions/_shared/services.ts';

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
