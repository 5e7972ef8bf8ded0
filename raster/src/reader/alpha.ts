import type { ImageLayout } from './image-layout.js';

const ASSOCIATED_ALPHA = 1;
const UNASSOCIATED_ALPHA = 2;

/**
 * The 0-based band GDAL takes as the mask of the others (its GMF_ALPHA), or null: the last of 2 or
 * 4 Byte or UInt16 bands, when that band is alpha by its GDAL_METADATA colour interpretation where
 * one is named (GDAL's override: NAIP tiles tag NIR as alpha and override it), else by
 * ExtraSamples. The caller checks first that no internal mask and no nodata take precedence.
 */
export function alphaMaskBand(
  layout: ImageLayout,
  colorInterpretations: readonly (string | null)[],
): number | null {
  const count = layout.samplesPerPixel;
  if ((count !== 2 && count !== 4) || !['Byte', 'UInt16'].includes(layout.dataType)) return null;
  const last = count - 1;
  const named = colorInterpretations[last];
  if (named !== null && named !== undefined) return named.toLowerCase() === 'alpha' ? last : null;
  const extra = layout.extraSamples[layout.extraSamples.length - 1];
  const isAlpha =
    layout.extraSamples.length > 0 && (extra === ASSOCIATED_ALPHA || extra === UNASSOCIATED_ALPHA);
  return isAlpha ? last : null;
}
