import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'minio';
import { ndviToCog, rasterInfo, rasterStatistics } from '@harita/raster';
import {
  ObjectStoreContainer,
  type StartedObjectStoreContainer,
} from '../src/services/object-store.js';

// The raster engine reading and writing through S3 range requests and multipart uploads, against
// the object store from OBJECT_STORE_IMAGE; GDAL makes the input and judges the output.
const run = promisify(execFile);
const bucket = 'harita-rasters';
const SIZE = 2000;

let store: StartedObjectStoreContainer;
let minio: Client;
let s3: S3Client;
let dir: string;

async function python(code: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('/usr/bin/python3', ['-c', code, ...args], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'harita-e2e-raster-'));
  store = await new ObjectStoreContainer().start();
  minio = store.client();
  await minio.makeBucket(bucket);
  s3 = new S3Client({
    endpoint: store.endpoint.href,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { accessKeyId: store.accessKey, secretAccessKey: store.secretKey },
  });
  await python(
    `
import sys, numpy as np
from osgeo import gdal, osr
gdal.UseExceptions()
n = int(sys.argv[2])
y, x = np.mgrid[0:n, 0:n]
mem = gdal.GetDriverByName("MEM").Create("", n, n, 2, gdal.GDT_UInt16)
mem.SetGeoTransform([500000, 10, 0, 5000000, 0, -10])
srs = osr.SpatialReference(); srs.ImportFromEPSG(32633); mem.SetProjection(srs.ExportToWkt())
red = (2000 + 900 * np.sin(x / 40.0)).astype(np.uint16)
nir = (4000 + 1500 * np.cos(y / 55.0) + (x * 7 + y * 13) % 97).astype(np.uint16)
red[:50, :300] = 0
for i, band in enumerate((red, nir), start=1):
    mem.GetRasterBand(i).WriteArray(band); mem.GetRasterBand(i).SetNoDataValue(0)
gdal.GetDriverByName("COG").CreateCopy(sys.argv[1], mem, options=["COMPRESS=DEFLATE", "PREDICTOR=YES"])
`,
    join(dir, 'scene.tif'),
    String(SIZE),
  );
  const body = await readFile(join(dir, 'scene.tif'));
  await minio.putObject(bucket, 'tenant-a/scene.tif', body, body.length, {
    'Content-Type': 'image/tiff',
  });
});

afterAll(async () => {
  s3.destroy();
  await store.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('the raster engine over S3', () => {
  it('reads a COG header by range requests', async () => {
    const info = await rasterInfo(`s3://${bucket}/tenant-a/scene.tif`, { s3 });
    expect(info).toMatchObject({
      width: SIZE,
      height: SIZE,
      bandCount: 2,
      dataType: 'UInt16',
      epsg: 32633,
      nodata: 0,
    });
    expect(info.overviews.length).toBeGreaterThan(0);
  });

  it('computes NDVI from S3 to S3 (a multipart upload) to the same bytes as from disk, a valid COG', async () => {
    const output = await ndviToCog(
      `s3://${bucket}/tenant-a/scene.tif`,
      `s3://${bucket}/tenant-a/results/ndvi.tif`,
      { red: 1, nir: 2, s3 },
    );
    expect(output.bytes).toBeGreaterThan(8 * 1024 * 1024);
    const stat = await minio.statObject(bucket, 'tenant-a/results/ndvi.tif');
    expect(stat.size).toBe(output.bytes);
    expect(stat.etag).toMatch(/-\d+$/);
    expect(stat.metaData['content-type']).toContain('profile=cloud-optimized');

    const local = join(dir, 'ndvi-local.tif');
    await ndviToCog(join(dir, 'scene.tif'), local, { red: 1, nir: 2 });
    const downloaded = join(dir, 'ndvi-s3.tif');
    const chunks: Buffer[] = [];
    for await (const chunk of await minio.getObject(bucket, 'tenant-a/results/ndvi.tif'))
      chunks.push(chunk as Buffer);
    await writeFile(downloaded, Buffer.concat(chunks));
    expect(Buffer.concat(chunks).equals(await readFile(local))).toBe(true);
    expect(createHash('sha256').update(Buffer.concat(chunks)).digest('hex')).toBe(output.sha256);

    const validation = JSON.parse(
      await python(
        'import sys, json\nfrom osgeo_utils.samples import validate_cloud_optimized_geotiff as v\nw, e, _ = v.validate(sys.argv[1], full_check=True)\nprint(json.dumps({"errors": e}))',
        downloaded,
      ),
    ) as { errors: string[] };
    expect(validation.errors).toEqual([]);
    const [stats] = await rasterStatistics(`s3://${bucket}/tenant-a/results/ndvi.tif`, {
      s3,
      buckets: 0,
    });
    expect(stats).toMatchObject({ validCount: SIZE * SIZE - 50 * 300 });
    expect(stats?.min).toBeGreaterThan(-1);
    expect(stats?.max).toBeLessThan(1);
  });

  it('says which object is missing or forbidden, and fails an upload to a missing bucket', async () => {
    await expect(rasterInfo(`s3://${bucket}/tenant-a/absent.tif`, { s3 })).rejects.toThrow(
      /no such object/,
    );
    await expect(
      ndviToCog(`s3://${bucket}/tenant-a/scene.tif`, 's3://harita-no-such-bucket/ndvi.tif', {
        red: 1,
        nir: 2,
        s3,
      }),
    ).rejects.toThrow();
    const wrongKey = new S3Client({
      endpoint: store.endpoint.href,
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: { accessKeyId: store.accessKey, secretAccessKey: 'not-the-secret' },
    });
    await expect(rasterInfo(`s3://${bucket}/tenant-a/scene.tif`, { s3: wrongKey })).rejects.toThrow(
      /access denied \(403\): check the S3 credentials/,
    );
    wrongKey.destroy();
  });
});
