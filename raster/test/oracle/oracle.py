"""GDAL as the oracle for the raster engine's tests. Subcommands print JSON.

  fixtures DIR           write GeoTIFFs in many layouts to DIR, with manifest.json
  read FILE OUT          every band as GDAL reads it, raw little-endian, to OUT; prints metadata
  validate FILE          GDAL's COG validator: {"valid": bool, "errors": [...], "warnings": [...]}
  compare A B TOL        band 1 of both: max difference where both valid, nodata-mask mismatches
  overview FILE          per overview: GDAL's values against numpy's 2x2 average/nearest of the level above
  zonal RASTER ZONES B   zonal statistics: each feature burned alone by GDAL's rasterize
  masks FILE OUT         every band's mask as GDAL reads it (1 valid, 0 masked) to OUT; prints flags
  masked FILE OUT E N=B  E (numpy, over float64 bands N) where GDAL's masks say every band is valid
                         and NaN elsewhere, to OUT as float64; prints per-band statistics over the
                         same masks
"""
import json
import subprocess
import sys

import numpy as np
from osgeo import gdal, ogr, osr

gdal.UseExceptions()
W, H = 517, 389


def scene(bands, dtype, rng):
    y, x = np.mgrid[0:H, 0:W].astype(np.float64)
    out = []
    for b in range(bands):
        base = 1000 + 800 * np.sin(x / (23 + 7 * b)) * np.cos(y / (17 + 5 * b)) + (b + 1) * 300
        noise = rng.normal(0, 40, (H, W))
        v = base + noise
        if dtype == "Byte":
            v = v / 12
        if dtype == "Int16":
            v = v - 1500
        if dtype == "Float32":
            v = v / 1000.0
        out.append(v)
    return out


GDT = {"Byte": gdal.GDT_Byte, "UInt16": gdal.GDT_UInt16, "Int16": gdal.GDT_Int16, "Float32": gdal.GDT_Float32}
NP = {"Byte": np.uint8, "UInt16": np.uint16, "Int16": np.int16, "Float32": np.float32}

# name, type, bands, creation options, nodata, overviews, extra
LAYOUTS = [
    ("u16-tiled-deflate-p2-pixel", "UInt16", 3, ["TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256", "COMPRESS=DEFLATE", "PREDICTOR=2", "INTERLEAVE=PIXEL"], 0, False, {}),
    ("u16-striped-lzw-band", "UInt16", 2, ["COMPRESS=LZW", "INTERLEAVE=BAND"], None, False, {}),
    ("u16-tiled-zstd-p2-band-overviews", "UInt16", 2, ["TILED=YES", "COMPRESS=ZSTD", "PREDICTOR=2", "INTERLEAVE=BAND"], 0, True, {}),
    ("u16-striped-none", "UInt16", 2, ["COMPRESS=NONE", "BLOCKYSIZE=7"], None, False, {}),
    ("u16-bigendian-deflate-p2", "UInt16", 2, ["TILED=YES", "COMPRESS=DEFLATE", "PREDICTOR=2", "ENDIANNESS=BIG"], 0, False, {}),
    ("u16-cog-deflate", "UInt16", 2, ["COMPRESS=DEFLATE", "BLOCKSIZE=256"], 0, True, {"cog": True}),
    ("u16-scaled-described", "UInt16", 2, ["TILED=YES", "COMPRESS=DEFLATE"], 0, False, {"scale": 0.0001, "offset": -0.1}),
    ("byte-striped-deflate-pixel", "Byte", 3, ["COMPRESS=DEFLATE", "INTERLEAVE=PIXEL"], None, False, {}),
    ("byte-tiled-lzw-p2-mask", "Byte", 2, ["TILED=YES", "COMPRESS=LZW", "PREDICTOR=2"], None, False, {"mask": True}),
    ("byte-striped-packbits", "Byte", 1, ["COMPRESS=PACKBITS"], 7, False, {}),
    ("i16-tiled-deflate-p2-nodata", "Int16", 2, ["TILED=YES", "COMPRESS=DEFLATE", "PREDICTOR=2"], -32768, False, {}),
    ("i16-striped-zstd-band", "Int16", 2, ["COMPRESS=ZSTD", "INTERLEAVE=BAND"], None, True, {}),
    ("f32-tiled-deflate-p3-nan", "Float32", 2, ["TILED=YES", "COMPRESS=DEFLATE", "PREDICTOR=3"], float("nan"), False, {"nans": True}),
    ("f32-striped-lzw-p3-band", "Float32", 2, ["COMPRESS=LZW", "PREDICTOR=3", "INTERLEAVE=BAND"], None, False, {}),
    ("f32-tiled-zstd-nodata", "Float32", 2, ["TILED=YES", "COMPRESS=ZSTD"], -9999, True, {}),
]


def fixtures(out_dir):
    rng = np.random.default_rng(7)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(32633)
    manifest = []
    for name, dtype, bands, options, nodata, overviews, extra in LAYOUTS:
        path = f"{out_dir}/{name}.tif"
        mem = gdal.GetDriverByName("MEM").Create("", W, H, bands, GDT[dtype])
        mem.SetGeoTransform([500000, 10, 0, 5000000, 0, -10])
        mem.SetProjection(srs.ExportToWkt())
        holes = rng.random((H, W)) < 0.03
        for b, values in enumerate(scene(bands, dtype, rng), start=1):
            arr = values.astype(NP[dtype])
            if nodata is not None and not (isinstance(nodata, float) and np.isnan(nodata)):
                arr[holes] = nodata
            if extra.get("nans"):
                arr[holes] = np.nan
            band = mem.GetRasterBand(b)
            band.WriteArray(arr)
            if nodata is not None:
                band.SetNoDataValue(nodata)
            if "scale" in extra:
                band.SetScale(extra["scale"])
                band.SetOffset(extra["offset"])
                band.SetDescription(["red", "nir"][b - 1])
        if extra.get("mask"):
            mem.CreateMaskBand(gdal.GMF_PER_DATASET)
            m = np.full((H, W), 255, dtype=np.uint8)
            m[100:180, 50:300] = 0
            mem.GetRasterBand(1).GetMaskBand().WriteArray(m)
        if extra.get("cog"):
            gdal.GetDriverByName("COG").CreateCopy(path, mem, options=options)
        else:
            gdal.SetConfigOption("GDAL_TIFF_INTERNAL_MASK", "YES")
            ds = gdal.GetDriverByName("GTiff").CreateCopy(path, mem, options=options)
            if overviews:
                ds.BuildOverviews("AVERAGE", [2, 4])
            ds = None
        manifest.append({"name": name, "path": path, "dataType": dtype, "bands": bands, "nodata": None if nodata is None else str(nodata), "mask": bool(extra.get("mask")), "scaled": "scale" in extra})
    json.dump(manifest, open(f"{out_dir}/manifest.json", "w"), indent=1)
    print(json.dumps(manifest))


def read(path, out):
    ds = gdal.Open(path)
    arrays = [ds.GetRasterBand(b).ReadAsArray() for b in range(1, ds.RasterCount + 1)]
    with open(out, "wb") as f:
        for a in arrays:
            f.write(a.astype(a.dtype.newbyteorder("<")).tobytes())
    band = ds.GetRasterBand(1)
    srs = ds.GetSpatialRef()
    print(json.dumps({
        "width": ds.RasterXSize, "height": ds.RasterYSize, "bands": ds.RasterCount,
        "dataType": gdal.GetDataTypeName(band.DataType), "nodata": None if band.GetNoDataValue() is None else str(band.GetNoDataValue()),
        "geoTransform": list(ds.GetGeoTransform()), "epsg": int(srs.GetAuthorityCode(None)) if srs and srs.GetAuthorityCode(None) else None,
        "overviews": [[band.GetOverview(i).XSize, band.GetOverview(i).YSize] for i in range(band.GetOverviewCount())],
        "blockSize": band.GetBlockSize(), "descriptions": [ds.GetRasterBand(b).GetDescription() for b in range(1, ds.RasterCount + 1)],
        "compression": ds.GetMetadataItem("COMPRESSION", "IMAGE_STRUCTURE"),
        "predictor": ds.GetMetadataItem("PREDICTOR", "IMAGE_STRUCTURE"),
    }))


def validate(path):
    from osgeo_utils.samples import validate_cloud_optimized_geotiff as v
    warnings, errors, _ = v.validate(path, full_check=True)
    print(json.dumps({"valid": not errors, "errors": errors, "warnings": warnings}))


def valid_mask(band, arr):
    nd = band.GetNoDataValue()
    ok = np.ones(arr.shape, dtype=bool)
    if arr.dtype.kind == "f":
        ok &= np.isfinite(arr)
    if nd is not None and not np.isnan(nd):
        ok &= arr != nd
    return ok


def compare(a_path, b_path, tol):
    a_ds, b_ds = gdal.Open(a_path), gdal.Open(b_path)
    a_band, b_band = a_ds.GetRasterBand(1), b_ds.GetRasterBand(1)
    a, b = a_band.ReadAsArray().astype(np.float64), b_band.ReadAsArray().astype(np.float64)
    va, vb = valid_mask(a_band, a), valid_mask(b_band, b)
    both = va & vb
    diff = float(np.max(np.abs(a[both] - b[both]))) if both.any() else 0.0
    print(json.dumps({"maxDiff": diff, "maskMismatches": int(np.sum(va != vb)), "valid": int(both.sum()), "withinTolerance": diff <= float(tol)}))


def overview(path):
    ds = gdal.Open(path)
    band = ds.GetRasterBand(1)
    upper = band.ReadAsArray().astype(np.float64)
    nd = band.GetNoDataValue()
    result = []
    for i in range(band.GetOverviewCount()):
        ovr = band.GetOverview(i)
        got = ovr.ReadAsArray().astype(np.float64)
        h, w = got.shape
        pad = np.full((h * 2, w * 2), np.nan)
        pad[: upper.shape[0], : upper.shape[1]] = upper
        if nd is not None:
            pad[pad == nd] = np.nan
        blocks = pad.reshape(h, 2, w, 2)
        with np.errstate(all="ignore"):
            average = np.nanmean(blocks, axis=(1, 3))
        nearest = blocks[:, 0, :, 0]
        if band.DataType != gdal.GDT_Float32 and band.DataType != gdal.GDT_Float64:
            average = np.floor(average + 0.5)
        empty = np.isnan(average)
        if nd is not None:
            average[empty] = nd
            nearest = np.where(np.isnan(nearest), nd, nearest)
        result.append({
            "size": [w, h],
            "averageMaxDiff": float(np.nanmax(np.abs(got - average))),
            "nearestMaxDiff": float(np.nanmax(np.abs(got - nearest))),
        })
        upper = got
    print(json.dumps(result))


def zonal(path, zones_path, band_number):
    ds = gdal.Open(path)
    band = ds.GetRasterBand(int(band_number))
    arr = band.ReadAsArray().astype(np.float64)
    ok = valid_mask(band, arr) & (band.GetMaskBand().ReadAsArray() > 0)
    scale, offset = band.GetScale() or 1.0, band.GetOffset() or 0.0
    values = arr * scale + offset
    zones = ogr.Open(zones_path)
    layer = zones.GetLayer(0)
    out = []
    for feature in layer:
        target = gdal.GetDriverByName("MEM").Create("", ds.RasterXSize, ds.RasterYSize, 1, gdal.GDT_Byte)
        target.SetGeoTransform(ds.GetGeoTransform())
        target.SetSpatialRef(ds.GetSpatialRef())
        one = ogr.GetDriverByName("Memory").CreateDataSource("")
        single = one.CreateLayer("zone", layer.GetSpatialRef(), layer.GetGeomType())
        copy = ogr.Feature(single.GetLayerDefn())
        copy.SetGeometry(feature.GetGeometryRef())
        single.CreateFeature(copy)
        gdal.RasterizeLayer(target, [1], single, burn_values=[1])
        member = target.GetRasterBand(1).ReadAsArray() > 0
        chosen = values[member & ok]
        out.append({
            "pixelCount": int(member.sum()), "validCount": int(chosen.size),
            "min": float(chosen.min()) if chosen.size else None, "max": float(chosen.max()) if chosen.size else None,
            "mean": float(chosen.mean()) if chosen.size else None, "stddev": float(chosen.std()) if chosen.size else None,
        })
    print(json.dumps(out))


def masks(path, out):
    ds = gdal.Open(path)
    bands = [ds.GetRasterBand(b) for b in range(1, ds.RasterCount + 1)]
    with open(out, "wb") as f:
        for band in bands:
            f.write((band.GetMaskBand().ReadAsArray() > 0).astype(np.uint8).tobytes())
    print(json.dumps({"flags": [band.GetMaskFlags() for band in bands]}))


def masked(path, out, expression, *names):
    ds = gdal.Open(path)
    arrays = {}
    ok = np.ones((ds.RasterYSize, ds.RasterXSize), dtype=bool)
    statistics = []
    for item in names:
        name, number = item.split("=")
        band = ds.GetRasterBand(int(number))
        arr = band.ReadAsArray().astype(np.float64)
        valid = ~np.isnan(arr) & (band.GetMaskBand().ReadAsArray() > 0)
        chosen = arr[valid]
        statistics.append({
            "band": int(number), "validCount": int(chosen.size), "nodataCount": int(arr.size - chosen.size),
            "min": float(chosen.min()), "max": float(chosen.max()),
            "mean": float(chosen.mean()), "stddev": float(chosen.std()),
        })
        arrays[name] = arr
        ok &= valid
    with np.errstate(all="ignore"):
        result = eval(expression, {"numpy": np}, arrays)
    np.where(ok, result, np.nan).astype("<f8").tofile(out)
    print(json.dumps(statistics))


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    {"fixtures": fixtures, "read": read, "validate": validate, "compare": compare, "overview": overview, "zonal": zonal, "masks": masks, "masked": masked}[command](*args)
