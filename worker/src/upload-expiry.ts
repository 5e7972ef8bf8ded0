import {
  GetBucketLifecycleConfigurationCommand,
  PutBucketLifecycleConfigurationCommand,
  S3ServiceException,
  type LifecycleRule,
  type S3Client,
} from '@aws-sdk/client-s3';
import { UPLOAD_STAGING_DAYS, UPLOAD_STAGING_PREFIX } from '@harita/contracts';

/** The rule's ID: it is replaced, never added twice, and the bucket's other rules are kept. */
export const UPLOAD_EXPIRY_RULE = 'harita-staging-uploads';

/**
 * Gives the bucket a lifecycle rule for the API's staging uploads (`uploads/`): objects there
 * expire UPLOAD_STAGING_DAYS (a day) after they were written, and multipart uploads left there
 * unfinished are aborted after as long. The API caps its upload URLs by the same constant, so the
 * rule never removes an upload that may still be completed. The API removes each one itself (on completion, and by its sweep once the URL has
 * expired); the rule is the store's own backstop for what the API never got to.
 * @throws S3ServiceException when the store refuses (a store without lifecycle support answers
 *   NotImplemented)
 */
export async function ensureUploadExpiry(s3: S3Client, bucket: string): Promise<void> {
  let rules: LifecycleRule[] = [];
  try {
    const current = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }));
    rules = current.Rules ?? [];
  } catch (error) {
    if (!(error instanceof S3ServiceException && error.name === 'NoSuchLifecycleConfiguration'))
      throw error;
  }
  await s3.send(
    new PutBucketLifecycleConfigurationCommand({
      Bucket: bucket,
      LifecycleConfiguration: {
        Rules: [
          ...rules.filter((rule) => rule.ID !== UPLOAD_EXPIRY_RULE),
          {
            ID: UPLOAD_EXPIRY_RULE,
            Status: 'Enabled',
            Filter: { Prefix: UPLOAD_STAGING_PREFIX },
            Expiration: { Days: UPLOAD_STAGING_DAYS },
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: UPLOAD_STAGING_DAYS },
          },
        ],
      },
    }),
  );
}
