import { spawnSync, type SpawnSyncOptions } from 'node:child_process';

export interface CommandResult {
  ok: boolean;
  stdout: string;
  /** Why it failed, in one line (the last line of stderr, a timeout, a missing program). */
  why: string;
}

/** Run a program to completion without a shell; never throws. */
export function runCommand(program: string, args: string[], options: SpawnSyncOptions & { timeoutMs?: number } = {}): CommandResult {
  const run = spawnSync(program, args, { encoding: 'utf8', maxBuffer: 1 << 26, timeout: options.timeoutMs, ...options });
  const stdout = String(run.stdout ?? '');
  const stderr = String(run.stderr ?? '');
  if (run.error) {
    const code = (run.error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? `${program} not found` : code === 'ETIMEDOUT' ? `${program} timed out after ${Math.round((options.timeoutMs ?? 0) / 1000)} s` : run.error.message;
    return { ok: false, stdout, why };
  }
  if (run.status !== 0) {
    const last = stderr.trim().split('\n').filter(Boolean).pop() ?? stdout.trim().split('\n').pop() ?? '';
    return { ok: false, stdout, why: `${program} exited with ${run.status ?? run.signal}${last ? `: ${last.trim()}` : ''}` };
  }
  return { ok: true, stdout, why: '' };
}
