"""Rasters of the kinds users send, written by GDAL for the engine's tests. Each subcommand writes
its files to DIR and prints a JSON list of {name, path, ...}.

  nodata DIR    sparse tiled rasters: every data type with in-range, out-of-range, fractional,
                near-FLT_MAX and NaN nodata values; only the top row of tiles is written
  formats DIR   NBITS 1-7, 9-15 and 17-31, 16-bit floats, LERC (bare, in Deflate and ZSTD), JPEG (YCbCr,
                RGB, grey, band-interleaved, with a mask); and formats the engine refuses (CCITT,
                WebP, 64-bit integers, complex samples)
  masks DIR     an internal mask with absent tiles, alpha bands GDAL takes as masks and ones it
                does not (nodata first, colour interpretation overridden)
"""
import json
import sys

import numpy as np
from osgeo import gdal, osr

gdal.UseExceptions()
gdal.SetConfigOption("GDAL_PAM_ENABLED", "NO")

GDT = {
    "Byte": gdal.GDT_Byte, "UInt16": gdal.GDT_UInt16, "Int16": gdal.GDT_Int16,
    "UInt32": gdal.GDT_UInt32, "Int32": gdal.GDT_Int32, "Float32": gdal.GDT_Float32,
    "Float64": gdal.GDT_Float64, "Int64": gdal.GDT_Int64, "CInt16": gdal.GDT_CInt16,
}
NP = {
    "Byte": np.uint8, "UInt16": np.uint16, "Int16": np.int16, "UInt32": np.uint32,
    "Int32": np.int32, "Float32": np.float32, "Float64": np.float64, "Int64": np.int64,
    "CInt16": np.int16,
}
NAN = float("nan")
NODATA = {
    "Byte": [7, 300, -1, 1.5, NAN],
    "UInt16": [65535, 70000, -5, 2.5],
    "Int16": [-32768, 40000, -1.5],
    "UInt32": [4294967295, 5e9, -1],
    "Int32": [-2147483648, 3e9, 0.5],
    "Float32": [-3.4e38, 3.4028234664e38, 3.4028235e38, 1e39, 0.1, -9999, NAN],
    "Float64": [-3.4e38, 0.1, NAN],
}


def georeferenced(path, width, height, bands, dtype, options):
    ds = gdal.GetDriverByName("GTiff").Create(path, width, height, bands, GDT[dtype], options)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(32633)
    ds.SetProjection(srs.ExportToWkt())
    ds.SetGeoTransform([500000, 10, 0, 5000000, 0, -10])
    return ds


def scene(width, height, bands, seed=1):
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    return [np.sin(x / (9 + b)) * np.cos(y / (7 + b)) + rng.normal(0, 0.2, (height, width)) for b in range(bands)]


def nodata_values(dtype, nodata):
    """The type's extremes, 0, 1, 2 and the nodata value as the type holds it, then a ramp."""
    info = np.finfo(np.float32) if dtype.startswith("Float") else np.iinfo(NP[dtype])
    special = [info.min, info.max, 0, 1, 2]
    if dtype.startswith("Float"):
        special += [np.array(nodata).astype(NP[dtype]), np.float32(0.1), NAN]
    elif info.min <= nodata <= info.max and nodata == nodata:
        special += [int(nodata), int(np.floor(nodata)), int(np.ceil(nodata))]
    ramp = np.arange(16 * 40, dtype=np.float64) % 50
    ramp[: len(special)] = special
    return ramp.reshape(16, 40).astype(NP[dtype])


def nodata_fixtures(out_dir):
    out = []
    for dtype, values in NODATA.items():
        for i, nodata in enumerate(values):
            name = f"nodata-{dtype}-{i}"
            path = f"{out_dir}/{name}.tif"
            options = ["TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16", "SPARSE_OK=TRUE", "COMPRESS=DEFLATE"]
            ds = georeferenced(path, 40, 40, 1, dtype, options)
            band = ds.GetRasterBand(1)
            band.SetNoDataValue(nodata)
            with np.errstate(all="ignore"):
                band.WriteArray(nodata_values(dtype, nodata), 0, 0)
            ds = None
            out.append({"name": name, "path": path, "dataType": dtype, "nodata": repr(nodata)})
    return out


def write(path, dtype, bands, options, width=333, height=71, data=None, mask=None):
    ds = georeferenced(path, width, height, bands, dtype, options)
    arrays = data or scene(width, height, bands)
    for b, values in enumerate(arrays, start=1):
        ds.GetRasterBand(b).WriteArray(values)
    if mask is not None:
        ds.CreateMaskBand(gdal.GMF_PER_DATASET)
        ds.GetRasterBand(1).GetMaskBand().WriteArray(mask)
    ds = None


def formats_fixtures(out_dir):
    out = []
    gdal.SetConfigOption("GDAL_TIFF_INTERNAL_MASK", "YES")
    for bits in list(range(1, 8)) + list(range(9, 16)) + list(range(17, 32)):
        dtype = "Byte" if bits < 8 else "UInt16" if bits < 16 else "UInt32"
        for layout, options, bands in [
            ("striped-deflate", ["COMPRESS=DEFLATE"], 1),
            ("tiled-lzw-pixel", ["TILED=YES", "BLOCKXSIZE=32", "BLOCKYSIZE=32", "COMPRESS=LZW", "INTERLEAVE=PIXEL"], 3),
            ("striped-none-band", ["INTERLEAVE=BAND", "BLOCKYSIZE=5"], 2),
            ("bigendian", ["TILED=YES", "ENDIANNESS=BIG"], 2),
        ]:
            if layout == "bigendian" and bits not in (3, 12, 24):
                continue
            if bits not in (1, 2, 3, 5, 7, 12, 17, 24, 31) and layout != "striped-deflate":
                continue
            name = f"nbits{bits}-{layout}"
            path = f"{out_dir}/{name}.tif"
            top = 2 ** bits - 1
            data = [np.floor((v - v.min()) / (np.ptp(v) or 1) * top).astype(NP[dtype]) for v in scene(333, 71, bands, bits)]
            write(path, dtype, bands, options + [f"NBITS={bits}"], data=data)
            out.append({"name": name, "path": path, "kind": "read"})
    for name, options in [
        ("float16-striped", ["NBITS=16", "COMPRESS=DEFLATE"]),
        ("float16-tiled-p3", ["NBITS=16", "TILED=YES", "COMPRESS=DEFLATE", "PREDICTOR=3"]),
        ("float16-bigendian", ["NBITS=16", "ENDIANNESS=BIG"]),
    ]:
        path = f"{out_dir}/{name}.tif"
        data = [v * 1000 for v in scene(333, 71, 2)]
        data[0][3, 3:8] = [NAN, np.inf, -np.inf, 1e-6, 65504]
        write(path, "Float32", 2, options, data=data)
        out.append({"name": name, "path": path, "kind": "read"})
    for name, dtype, bands, options in [
        ("lerc-f32-tiled", "Float32", 1, ["COMPRESS=LERC", "TILED=YES", "BLOCKXSIZE=64", "BLOCKYSIZE=64"]),
        ("lerc-deflate-f32-pixel", "Float32", 3, ["COMPRESS=LERC_DEFLATE", "INTERLEAVE=PIXEL"]),
        ("lerc-deflate-u16-band", "UInt16", 2, ["COMPRESS=LERC_DEFLATE", "INTERLEAVE=BAND", "TILED=YES"]),
        ("lerc-i16-lossy", "Int16", 1, ["COMPRESS=LERC", "MAX_Z_ERROR=2"]),
        ("lerc-zstd-f32", "Float32", 1, ["COMPRESS=LERC_ZSTD", "BLOCKYSIZE=16"]),
        ("lerc-zstd-u16-band", "UInt16", 2, ["COMPRESS=LERC_ZSTD", "INTERLEAVE=BAND", "TILED=YES"]),
    ]:
        path = f"{out_dir}/{name}.tif"
        data = [(v * 3000).astype(NP[dtype]) if dtype != "UInt16" else ((v + 2) * 3000).astype(NP[dtype]) for v in scene(333, 71, bands)]
        if dtype == "Float32":
            data[0][5, 10:20] = NAN
        write(path, dtype, bands, options, data=data)
        out.append({"name": name, "path": path, "kind": "read"})
    rgb = [np.clip((v + 1.5) * 80, 0, 255).astype(np.uint8) for v in scene(300, 270, 3)]
    mask = np.full((270, 300), 255, np.uint8)
    mask[40:120, 30:200] = 0
    for name, options, bands, with_mask in [
        ("jpeg-ycbcr-mask", ["TILED=YES", "COMPRESS=JPEG", "PHOTOMETRIC=YCBCR", "JPEG_QUALITY=85"], 3, True),
        ("jpeg-ycbcr-striped", ["COMPRESS=JPEG", "PHOTOMETRIC=YCBCR", "BLOCKYSIZE=32"], 3, False),
        ("jpeg-rgb", ["TILED=YES", "COMPRESS=JPEG", "PHOTOMETRIC=RGB"], 3, False),
        ("jpeg-grey", ["TILED=YES", "BLOCKXSIZE=64", "BLOCKYSIZE=64", "COMPRESS=JPEG"], 1, False),
        ("jpeg-band", ["TILED=YES", "COMPRESS=JPEG", "INTERLEAVE=BAND"], 3, False),
    ]:
        path = f"{out_dir}/{name}.tif"
        write(path, "Byte", bands, options, width=300, height=270, data=rgb[:bands], mask=mask if with_mask else None)
        out.append({"name": name, "path": path, "kind": "read"})
    for name, dtype, options, format_name in [
        ("ccitt-fax4", "Byte", ["COMPRESS=CCITTFAX4", "NBITS=1"], "CCITT Group 4"),
        ("webp", "Byte", ["COMPRESS=WEBP"], "WebP"),
        ("int64", "Int64", [], "64-bit integer"),
        ("complex", "CInt16", [], "complex"),
    ]:
        path = f"{out_dir}/{name}.tif"
        bands = 3 if format_name == "WebP" else 1
        data = [np.clip(v * 100, 0, 1 if "NBITS=1" in options else 255).astype(NP[dtype]) for v in scene(64, 64, bands)]
        write(path, dtype, bands, options, width=64, height=64, data=data)
        out.append({"name": name, "path": path, "kind": "refused", "format": format_name})
    return out


def masks_fixtures(out_dir):
    out = []
    gdal.SetConfigOption("GDAL_TIFF_INTERNAL_MASK", "YES")
    data = [np.clip((v + 1.5) * 80, 1, 255).astype(np.uint8) for v in scene(200, 150, 3)]
    # An internal mask whose tiles are partly absent: only the top row of mask tiles is written.
    path = f"{out_dir}/mask-sparse.tif"
    ds = georeferenced(path, 200, 150, 3, "Byte", ["TILED=YES", "BLOCKXSIZE=64", "BLOCKYSIZE=64", "SPARSE_OK=TRUE"])
    for b in range(3):
        ds.GetRasterBand(b + 1).WriteArray(data[b][:64], 0, 0)
    ds.CreateMaskBand(gdal.GMF_PER_DATASET)
    mask = np.full((64, 200), 255, np.uint8)
    mask[10:30, 20:90] = 0
    ds.GetRasterBand(1).GetMaskBand().WriteArray(mask, 0, 0)
    ds = None
    out.append({"name": "mask-sparse", "path": path, "bands": 3})
    alpha = np.full((150, 200), 255, np.uint8)
    alpha[50:100, 60:140] = 0
    alpha[0:5, :] = 128
    for name, dtype, bands, options, nodata, colorinterp in [
        ("alpha-rgba", "Byte", 4, ["PHOTOMETRIC=RGB", "ALPHA=NON-PREMULTIPLIED", "TILED=YES"], None, None),
        ("alpha-rgba-premultiplied", "Byte", 4, ["PHOTOMETRIC=RGB", "ALPHA=PREMULTIPLIED"], None, None),
        ("alpha-grey-u16", "UInt16", 2, ["ALPHA=YES", "COMPRESS=DEFLATE"], None, None),
        ("alpha-with-nodata", "Byte", 4, ["PHOTOMETRIC=RGB", "ALPHA=YES"], 0, None),
        ("alpha-overridden", "Byte", 4, ["PHOTOMETRIC=RGB", "ALPHA=YES"], None, gdal.GCI_Undefined),
        ("alpha-three-bands", "Byte", 3, ["PHOTOMETRIC=MINISBLACK", "ALPHA=YES"], None, None),
    ]:
        path = f"{out_dir}/{name}.tif"
        ds = georeferenced(path, 200, 150, bands, dtype, options)
        for b in range(bands - 1):
            ds.GetRasterBand(b + 1).WriteArray(data[b].astype(NP[dtype]))
            if nodata is not None:
                ds.GetRasterBand(b + 1).SetNoDataValue(nodata)
        scale = 257 if dtype == "UInt16" else 1
        ds.GetRasterBand(bands).WriteArray(alpha.astype(NP[dtype]) * scale)
        if nodata is not None:
            ds.GetRasterBand(bands).SetNoDataValue(nodata)
        if colorinterp is not None:
            ds.GetRasterBand(bands).SetColorInterpretation(colorinterp)
        ds = None
        out.append({"name": name, "path": path, "bands": bands})
    return out


if __name__ == "__main__":
    command, directory = sys.argv[1:]
    made = {"nodata": nodata_fixtures, "formats": formats_fixtures, "masks": masks_fixtures}[command](directory)
    print(json.dumps(made))
