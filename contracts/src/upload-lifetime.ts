/**
 * How long a staged upload (under `uploads/`) lives, from one set of numbers: the bucket's
 * lifecycle rule, the API's cap on an upload URL's life and its time to complete agree by
 * construction, so the store never expires an upload that can still be completed.
 */

/** Days after it was written that the bucket's lifecycle rule expires a staged upload. */
export const UPLOAD_STAGING_DAYS = 1;

/** How long after its URL expires an upload may still be completed (a long PUT started in time). */
export const UPLOAD_COMPLETION_GRACE_SECONDS = 3600;

/** Time left for a /complete started at the deadline to copy its upload before the rule's age. */
const COMPLETION_MARGIN_SECONDS = 3600;

/**
 * The longest an upload URL may be valid (UPLOAD_URL_SECONDS): URL, grace and margin fit in the
 * lifecycle rule's age, since the object is written after its URL is issued.
 */
export const MAX_UPLOAD_URL_SECONDS =
  UPLOAD_STAGING_DAYS * 24 * 3600 - UPLOAD_COMPLETION_GRACE_SECONDS - COMPLETION_MARGIN_SECONDS;
