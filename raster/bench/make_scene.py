"""A synthetic Sentinel-2-sized scene: two UInt16 bands (red, NIR) with spatial structure and
about 2 % nodata, written by GDAL as a Deflate COG. Usage: make-scene.py OUTPUT [SIZE]"""
import sys

import numpy as np
from osgeo import gdal, osr

gdal.UseExceptions()
out = sys.argv[1]
size = int(sys.argv[2]) if len(sys.argv) > 2 else 10980
rng = np.random.default_rng(42)

y, x = np.mgrid[0:size, 0:size].astype(np.float32) / size
fields = np.sin(x * 23.0) * np.cos(y * 17.0) + 0.5 * np.sin((x + y) * 61.0)
vegetation = (fields + 1.5) / 3.0
del x, y, fields
noise = rng.normal(0, 0.003, (size, size)).astype(np.float32)
red = np.clip((0.25 - 0.18 * vegetation + noise) * 10000, 1, 65534).astype(np.uint16)
nir = np.clip((0.15 + 0.45 * vegetation - noise) * 10000, 1, 65534).astype(np.uint16)
del noise, vegetation
# Nodata as clouds and a swath edge: blobs plus a corner, about 2 % of the pixels.
holes = np.zeros((size, size), dtype=bool)
for cy, cx in rng.integers(0, size, (60, 2)):
    r = size // 170
    holes[max(cy - r, 0) : cy + r, max(cx - r, 0) : cx + r] = True
edge = size // 14
holes[:edge, : edge * 2] = True
red[holes] = 0
nir[holes] = 0
print(f"nodata fraction {holes.mean():.4f}", file=sys.stderr)

mem = gdal.GetDriverByName("MEM").Create("", size, size, 2, gdal.GDT_UInt16)
mem.SetGeoTransform([600000, 10, 0, 5000040, 0, -10])
srs = osr.SpatialReference()
srs.ImportFromEPSG(32633)
mem.SetProjection(srs.ExportToWkt())
for i, (band, name) in enumerate(((red, "red"), (nir, "nir")), start=1):
    b = mem.GetRasterBand(i)
    b.WriteArray(band)
    b.SetNoDataValue(0)
    b.SetDescription(name)
gdal.GetDriverByName("COG").CreateCopy(
    out, mem, options=["COMPRESS=DEFLATE", "PREDICTOR=YES", "BLOCKSIZE=512", "NUM_THREADS=ALL_CPUS"]
)
