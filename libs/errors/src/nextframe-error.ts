/**
 * Base class of every error nextframe expects: bad input, missing tools, failed runs.
 * The CLI prints these as one line (`file: problem`); anything else is a bug and gets a stack trace.
 */
export class NextframeError extends Error {
  /** The file or folder the problem is about, when there is one. */
  readonly file?: string;
  /** The process exit code the CLI uses for this error. */
  readonly exitCode: number;

  constructor(message: string, options: { file?: string; cause?: unknown; exitCode?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.file = options.file;
    this.exitCode = options.exitCode ?? 1;
  }

  /** `file: message`, or just the message. */
  oneLine(): string {
    const text = this.message.replace(/\s*\n\s*/g, ' ').trim();
    return this.file ? `${this.file}: ${text}` : text;
  }
}

/** Wrong command-line usage: unknown option, missing value, bad number. Exit code 2, like most CLIs. */
export class UsageError extends NextframeError {
  constructor(message: string) {
    super(message, { exitCode: 2 });
  }
}
