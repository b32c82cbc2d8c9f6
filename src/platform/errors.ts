/**
 * One error type for everything the app expects to go wrong. `code` is stable
 * (scripts match on it), `status` is the HTTP answer, `details` carries
 * per-field issues. Anything that is not an AppError is a bug and becomes a 500.
 */
export interface ErrorIssue {
  path: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly details?: ErrorIssue[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AppError';
  }
}

export const notFound = (message = 'The page you asked for does not exist.') =>
  new AppError('not_found', 404, message);

export const isAppError = (error: unknown): error is AppError => error instanceof AppError;
