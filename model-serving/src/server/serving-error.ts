/** TensorFlow's status codes that the REST API answers with, and the HTTP status TF Serving maps each to. */
const HTTP_STATUS = {
  INVALID_ARGUMENT: 400,
  OUT_OF_RANGE: 400,
  NOT_FOUND: 404,
  FAILED_PRECONDITION: 412,
  RESOURCE_EXHAUSTED: 429,
  INTERNAL: 500,
  UNIMPLEMENTED: 501,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
} as const;

export type StatusCode = keyof typeof HTTP_STATUS;

/** An error answered as TF Serving answers it: the HTTP status of its code and `{"error": message}`. */
export class ServingError extends Error {
  override name = 'ServingError';

  constructor(
    readonly code: StatusCode,
    message: string,
  ) {
    super(message);
  }

  get httpStatus(): number {
    return HTTP_STATUS[this.code];
  }
}

export const invalidArgument = (message: string) => new ServingError('INVALID_ARGUMENT', message);
