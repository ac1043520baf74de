// Errors that are the user's to fix (a bad config, flag, file or dataset). The CLI prints
// their message as one line and exits with code 2; anything else is a bug and keeps its stack.

export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

/** A data file that cannot be read or does not have the expected shape. */
export class DataError extends UserError {
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = 'DataError';
  }
}
