"""The GDAL sides of the NDVI benchmark. Usage:
  gdal_routes.py vrt SCENE OUT.vrt     an NDVI VRT with a Python pixel function (route b's input)
  gdal_routes.py decode SCENE          read every band, strip by strip (GDAL's decode throughput)
  gdal_routes.py compare A B           max |A - B| where both valid, and nodata mismatches, as JSON
"""
import json
import sys

import numpy as np
from osgeo import gdal

gdal.UseExceptions()

PIXEL_FUNCTION = """
import numpy as np
def ndvi(in_ar, out_ar, xoff, yoff, xsize, ysize, raster_xsize, raster_ysize, buf_radius, gt, **kwargs):
    red = in_ar[0].astype(np.float64)
    nir = in_ar[1].astype(np.float64)
    total = nir + red
    bad = (in_ar[0] == 0) | (in_ar[1] == 0) | (total == 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out_ar[:] = np.where(bad, -9999, (nir - red) / total)
"""


def vrt(scene, out):
    ds = gdal.Open(scene)
    sources = "".join(
        f'<SimpleSource><SourceFilename relativeToVRT="0">{scene}</SourceFilename><SourceBand>{b}</SourceBand></SimpleSource>'
        for b in (1, 2)
    )
    gt = ", ".join(repr(v) for v in ds.GetGeoTransform())
    with open(out, "w") as f:
        f.write(
            f'<VRTDataset rasterXSize="{ds.RasterXSize}" rasterYSize="{ds.RasterYSize}">'
            f"<SRS>{ds.GetProjection()}</SRS><GeoTransform>{gt}</GeoTransform>"
            '<VRTRasterBand dataType="Float32" band="1" subClass="VRTDerivedRasterBand">'
            "<NoDataValue>-9999</NoDataValue><PixelFunctionType>ndvi</PixelFunctionType>"
            f"<PixelFunctionLanguage>Python</PixelFunctionLanguage><PixelFunctionCode><![CDATA[{PIXEL_FUNCTION}]]></PixelFunctionCode>"
            f"{sources}</VRTRasterBand></VRTDataset>"
        )


def decode(scene):
    ds = gdal.Open(scene)
    for y in range(0, ds.RasterYSize, 512):
        ds.ReadRaster(0, y, ds.RasterXSize, min(512, ds.RasterYSize - y))


def compare(a_path, b_path):
    # Keep the datasets referenced: a band outlives a collected dataset only as a dangling pointer.
    a_ds, b_ds = gdal.Open(a_path), gdal.Open(b_path)
    a = a_ds.GetRasterBand(1).ReadAsArray().astype(np.float64)
    b = b_ds.GetRasterBand(1).ReadAsArray().astype(np.float64)
    va, vb = a != -9999, b != -9999
    both = va & vb
    print(json.dumps({"maxDiff": float(np.max(np.abs(a[both] - b[both]))), "nodataMismatches": int(np.sum(va != vb))}))


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    {"vrt": vrt, "decode": decode, "compare": compare}[command](*args)
