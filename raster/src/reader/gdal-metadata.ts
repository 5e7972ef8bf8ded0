/** Per-band metadata GDAL keeps in its GDAL_METADATA TIFF tag. */
export interface BandMetadata {
  description: string | null;
  scale: number;
  offset: number;
}

const ITEM = /<Item\s+([^>]*)>([^<]*)<\/Item>/g;
const ATTRIBUTE = /(\w+)="([^"]*)"/g;

function unescapeXml(text: string): string {
  return text
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&apos;', "'")
    .replaceAll('&amp;', '&');
}

export function escapeXml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

export function parseGdalMetadata(xml: string | undefined, bandCount: number): BandMetadata[] {
  const bands: BandMetadata[] = Array.from({ length: bandCount }, () => ({
    description: null,
    scale: 1,
    offset: 0,
  }));
  if (!xml) return bands;
  for (const [, attributeText = '', value = ''] of xml.matchAll(ITEM)) {
    const attributes: Record<string, string | undefined> = Object.fromEntries(
      Array.from(attributeText.matchAll(ATTRIBUTE), (m) => [m[1] ?? '', m[2] ?? '']),
    );
    const band = bands[Number(attributes.sample)];
    if (attributes.sample === undefined || !band) continue;
    const text = unescapeXml(value.trim());
    if (attributes.role === 'scale' && Number.isFinite(Number(text))) band.scale = Number(text);
    else if (attributes.role === 'offset' && Number.isFinite(Number(text)))
      band.offset = Number(text);
    else if (attributes.role === 'description') band.description = text;
  }
  return bands;
}

/** Each band's colour interpretation where GDAL_METADATA names one (GDAL's own override), else null. */
export function colorInterpretations(
  xml: string | undefined,
  bandCount: number,
): (string | null)[] {
  const names: (string | null)[] = Array.from({ length: bandCount }, () => null);
  for (const [, attributeText = '', value = ''] of (xml ?? '').matchAll(ITEM)) {
    const sample = /sample="(\d+)"/.exec(attributeText)?.[1];
    if (
      /role="colorinterp"/.test(attributeText) &&
      sample !== undefined &&
      Number(sample) < bandCount
    )
      names[Number(sample)] = value.trim();
  }
  return names;
}

export function formatGdalMetadata(bands: readonly BandMetadata[]): string | undefined {
  const items: string[] = [];
  bands.forEach((band, sample) => {
    if (band.offset !== 0 || band.scale !== 1) {
      items.push(
        `<Item name="OFFSET" sample="${String(sample)}" role="offset">${String(band.offset)}</Item>`,
      );
      items.push(
        `<Item name="SCALE" sample="${String(sample)}" role="scale">${String(band.scale)}</Item>`,
      );
    }
    if (band.description !== null) {
      items.push(
        `<Item name="DESCRIPTION" sample="${String(sample)}" role="description">${escapeXml(band.description)}</Item>`,
      );
    }
  });
  return items.length === 0
    ? undefined
    : `<GDALMetadata>\n${items.map((item) => `  ${item}\n`).join('')}</GDALMetadata>\n`;
}

export function parseNodata(text: string | undefined): number | null {
  if (text === undefined) return null;
  const trimmed = text.replace(/\0+$/, '').trim().toLowerCase();
  if (trimmed === 'nan') return Number.NaN;
  if (trimmed === 'inf') return Number.POSITIVE_INFINITY;
  if (trimmed === '-inf') return Number.NEGATIVE_INFINITY;
  const value = Number(trimmed);
  return trimmed === '' || !Number.isFinite(value) ? null : value;
}

export function formatNodata(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Number.POSITIVE_INFINITY) return 'inf';
  if (value === Number.NEGATIVE_INFINITY) return '-inf';
  return String(value);
}
