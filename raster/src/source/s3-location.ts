/** An object in S3-compatible storage, named as s3://bucket/key. */
export interface S3Location {
  bucket: string;
  key: string;
}

export function isS3Url(location: string): boolean {
  return location.startsWith('s3://');
}

export function parseS3Url(url: string): S3Location {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(url);
  if (!match) throw new RangeError(`"${url}" is not an s3://bucket/key URL`);
  return { bucket: match[1]!, key: match[2]! };
}
