/** A report cannot be built from what was asked (unknown contract, future period, no data); the message says why. */
export class ReportError extends Error {
  constructor(
    readonly code: 'invalid' | 'not_found' | 'future' | 'no_data',
    message: string,
  ) {
    super(message);
    this.name = 'ReportError';
  }
}
