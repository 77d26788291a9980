// Errors are values with a code; the HTTP edge maps them to a status and `{ error: { code, message, details } }`.

export class GenOpsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 500,
    readonly details?: unknown,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'GenOpsError';
  }
}

/** Bad input from a client: a 400 that names the field. */
export class ValidationError extends GenOpsError {
  constructor(field: string, message: string) {
    super('INVALID_ARGUMENT', `${field}: ${message}`, 400, { field });
    this.name = 'ValidationError';
  }
}

/** Bad configuration: stops start-up with a message naming the variable or line. */
export class ConfigError extends GenOpsError {
  constructor(message: string) {
    super('INVALID_CONFIG', message, 500);
    this.name = 'ConfigError';
  }
}
