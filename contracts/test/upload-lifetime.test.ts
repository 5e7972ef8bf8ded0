import { describe, expect, it } from 'vitest';
import {
  MAX_UPLOAD_URL_SECONDS,
  UPLOAD_COMPLETION_GRACE_SECONDS,
  UPLOAD_STAGING_DAYS,
} from '../src/index.js';

describe('upload lifetime', () => {
  it('completes every upload before the lifecycle rule expires it', () => {
    expect(MAX_UPLOAD_URL_SECONDS).toBeGreaterThanOrEqual(900);
    expect(MAX_UPLOAD_URL_SECONDS + UPLOAD_COMPLETION_GRACE_SECONDS).toBeLessThan(
      UPLOAD_STAGING_DAYS * 24 * 3600,
    );
  });
});
