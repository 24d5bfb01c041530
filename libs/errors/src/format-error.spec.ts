import { promises as fs } from 'node:fs';
import { DiskFullError, NextframeError, UsageError, formatError, exitCodeOf, guardWrite } from './index';

class FrameSizeMismatchError extends NextframeError {}

describe('formatError', () => {
  it('prints a nextframe error as one line naming the file', () => {
    const error = new FrameSizeMismatchError('frame 12 is 64x48,\n  expected 64x64', { file: 'data/a/000012.png' });
    expect(formatError(error)).toBe('error: data/a/000012.png: frame 12 is 64x48, expected 64x64');
    expect(error.name).toBe('FrameSizeMismatchError');
    expect(exitCodeOf(error)).toBe(1);
  });

  it('uses exit code 2 for usage errors', () => {
    expect(exitCodeOf(new UsageError('unknown option --fsp'))).toBe(2);
    expect(formatError(new UsageError('unknown option --fsp'))).toBe('error: unknown option --fsp');
  });

  it('names the type of an unexpected error and keeps the stack only when verbose', () => {
    const bug = new TypeError('x is undefined');
    expect(formatError(bug)).toBe('error: TypeError: x is undefined (run with --verbose for the stack trace)');
    expect(formatError(bug, true)).toContain('at ');
    expect(formatError('plain string thrown')).toBe('error: plain string thrown');
    expect(exitCodeOf(bug)).toBe(1);
  });
});

describe('a full disk', () => {
  // /dev/full answers every write with ENOSPC: a real full disk, without filling one.
  it('is one line naming the file being written (guardWrite)', async () => {
    const failed = await guardWrite('runs/x/metrics.jsonl', () => fs.appendFile('/dev/full', 'row\n')).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(DiskFullError);
    expect(formatError(failed)).toBe('error: runs/x/metrics.jsonl: no space left on device (ENOSPC) while writing; free some space and run again');
    expect(exitCodeOf(failed)).toBe(1);
  });

  it('passes other errors through guardWrite unchanged', async () => {
    const missing = await guardWrite('x', () => fs.readFile('/no/such/file')).catch((error: unknown) => error);
    expect((missing as { code: string }).code).toBe('ENOENT');
    await expect(guardWrite('x', async () => 7)).resolves.toBe(7);
  });

  it('is one line even when a write was not wrapped', async () => {
    const handle = await fs.open('/dev/full', 'w');
    const raw = await handle.writeFile('x').catch((error: unknown) => error);
    await handle.close();
    expect(String(raw)).toContain('ENOSPC');
    expect(formatError(raw)).toBe('error: no space left on device (ENOSPC); free some space and run again');
    const withPath = Object.assign(new Error('ENOSPC: no space left on device, open'), { code: 'ENOSPC', path: 'data/a.png' });
    expect(formatError(withPath)).toBe('error: data/a.png: no space left on device (ENOSPC); free some space and run again');
  });
});
