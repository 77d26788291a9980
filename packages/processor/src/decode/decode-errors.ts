// Why a span could not become a cost event, as a code a dead letter keeps in its `genops-dlq-code` header beside the
// reason: something to count and alert on by kind, and the reason to read.

export const DECODE_ERROR_CODES = [
  /** The message is not JSON (nor OTLP protobuf). */
  'NOT_JSON',
  /** The message opens like OTLP protobuf but is neither a protobuf TracesData nor JSON. */
  'NOT_OTLP_PROTO',
  /** JSON, but not OTLP JSON traces (`resourceSpans`). */
  'NOT_OTLP_TRACES',
  /** A span without the OTLP shape (ids, times, attributes). */
  'INVALID_SPAN',
  /** A span without an attribute a cost event needs (its cost or model, when nothing can price it). */
  'MISSING_ATTRIBUTE',
  /** An attribute with a value no call can have (a negative or absurd cost or token count). */
  'INVALID_ATTRIBUTE',
] as const;

export type DecodeErrorCode = (typeof DECODE_ERROR_CODES)[number];

export class DecodeError extends Error {
  constructor(
    readonly code: DecodeErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DecodeError';
  }
}

/** A span (or whole message) that cannot become a cost event: what kind of failure, and exactly why. */
export interface DecodeFailure {
  code: DecodeErrorCode;
  reason: string;
  traceId?: string;
  spanId?: string;
}
