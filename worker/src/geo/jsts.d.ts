// The few JSTS modules the buffer uses; JSTS ships no declarations for its ES modules.
declare module 'jsts/org/locationtech/jts/io/GeoJSONReader.js' {
  import type { JstsGeometry } from 'jsts-geometry';
  export default class GeoJSONReader {
    read(geometry: object): JstsGeometry;
  }
}
declare module 'jsts/org/locationtech/jts/io/GeoJSONWriter.js' {
  import type { JstsGeometry } from 'jsts-geometry';
  export default class GeoJSONWriter {
    write(geometry: JstsGeometry): { type: string; coordinates: unknown };
  }
}
declare module 'jsts/org/locationtech/jts/operation/buffer/BufferOp.js' {
  import type { JstsGeometry } from 'jsts-geometry';
  const BufferOp: {
    bufferOp(geometry: JstsGeometry, distance: number, parameters: object): JstsGeometry;
  };
  export default BufferOp;
}
declare module 'jsts/org/locationtech/jts/operation/buffer/BufferParameters.js' {
  const BufferParameters: new (quadrantSegments: number) => object;
  export default BufferParameters;
}
declare module 'jsts/org/locationtech/jts/operation/overlay/OverlayOp.js' {
  import type { JstsGeometry } from 'jsts-geometry';
  const OverlayOp: { intersection(geometry: JstsGeometry, other: JstsGeometry): JstsGeometry };
  export default OverlayOp;
}
declare module 'jsts-geometry' {
  export interface JstsGeometry {
    isEmpty(): boolean;
    getArea(): number;
  }
}
