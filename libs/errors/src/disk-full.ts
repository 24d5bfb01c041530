import { NextframeError } from './nextframe-error';

/** errno codes of a write that failed for lack of space: a full disk, or a user's quota reached. */
const NO_SPACE_CODES = new Set(['ENOSPC', 'EDQUOT']);

/** A write failed because the disk (or quota) is full: one line naming the file being written. */
export class DiskFullError extends NextframeError {
  constructor(file: string, code: string, cause?: unknown) {
    super(`no space left on device (${code}) while writing; free some space and run again`, { file, cause });
  }
}

/** The errno code of a Node.js system error, if it has one. */
function errnoCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** True for the errors of a full disk or quota. */
export function isNoSpaceError(error: unknown): boolean {
  const code = errnoCode(error);
  return code !== undefined && NO_SPACE_CODES.has(code);
}

/**
 * Run a write of `file`; a full disk becomes a `DiskFullError` naming `file` (Node's own message,
 * `ENOSPC: no space left on device, write`, names none). Other errors pass through unchanged.
 */
export async function guardWrite<T>(file: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isNoSpaceError(error)) throw new DiskFullError(file, String(errnoCode(error)), error);
    throw error;
  }
}
