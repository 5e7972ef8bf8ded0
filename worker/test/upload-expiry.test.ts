import type { S3Client } from '@aws-sdk/client-s3';
import { UPLOAD_STAGING_DAYS, UPLOAD_STAGING_PREFIX } from '@harita/contracts';
import { describe, expect, it } from 'vitest';
import { ensureUploadExpiry, UPLOAD_EXPIRY_RULE } from '../src/upload-expiry.js';

describe('the staging uploads lifecycle rule', () => {
  it("expires staged uploads at the contracts' age, the one the API's upload URLs are capped by", async () => {
    const sent: { input: unknown }[] = [];
    const s3 = {
      send: (command: { input: unknown }) => {
        sent.push(command);
        return Promise.resolve({ Rules: [] });
      },
    } as unknown as S3Client;
    await ensureUploadExpiry(s3, 'harita');
    expect(sent[1]?.input).toMatchObject({
      Bucket: 'harita',
      LifecycleConfiguration: {
        Rules: [
          {
            ID: UPLOAD_EXPIRY_RULE,
            Filter: { Prefix: UPLOAD_STAGING_PREFIX },
            Expiration: { Days: UPLOAD_STAGING_DAYS },
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: UPLOAD_STAGING_DAYS },
          },
        ],
      },
    });
  });
});
