import { spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { FfmpegError } from './media-errors';

export interface FfmpegProgress {
  /** Frames written so far. */
  frame: number;
  /** Output position in seconds. */
  outTimeS: number;
}

export interface RunFfmpegOptions {
  /** The executable (from `resolveFfmpeg`). */
  binary: string;
  /** Arguments, as an array: never a shell string (file names may contain anything). */
  args: readonly string[];
  /** The file the run is about, named in errors. */
  file?: string;
  /** Called as ffmpeg reports progress (`-progress pipe:1` is added; stdout must be free). */
  onProgress?: (progress: FfmpegProgress) => void;
  /** Fed to ffmpeg's stdin (e.g. raw frames for `-i pipe:0`). */
  stdin?: Readable;
  /** Where ffmpeg's stdout goes (e.g. raw frames from `pipe:1`); excludes `onProgress`. */
  stdout?: Writable;
  signal?: AbortSignal;
}

export interface FfmpegResult {
  /** Everything ffmpeg wrote on stderr (bounded to the last 64 KiB). */
  stderr: string;
  /** ffmpeg's error messages (it runs with `-loglevel error`), `[demuxer @ 0x…]` prefixes removed. */
  errorLines: string[];
}

const STDERR_LIMIT = 64 * 1024;

/**
 * Run ffmpeg with `spawn` and an argument array, stream its progress, and on failure throw an
 * `FfmpegError` that quotes the end of its stderr.
 */
export function runFfmpeg(options: RunFfmpegOptions): Promise<FfmpegResult> {
  if (options.onProgress && options.stdout) throw new Error('runFfmpeg: onProgress and stdout both need stdout');
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', ...(options.onProgress ? ['-progress', 'pipe:1', '-nostats'] : []), ...options.args];
  if (options.stdin) args.splice(args.indexOf('-nostdin'), 1);
  return new Promise((resolve, reject) => {
    const child = spawn(options.binary, args, {
      stdio: [options.stdin ? 'pipe' : 'ignore', options.onProgress || options.stdout ? 'pipe' : 'ignore', 'pipe'],
      signal: options.signal,
    });
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_LIMIT);
    });
    if (options.onProgress && child.stdout) {
      const onProgress = options.onProgress;
      let pending = '';
      let current: FfmpegProgress = { frame: 0, outTimeS: 0 };
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => {
        pending += chunk;
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) {
          const [key, value] = line.split('=', 2);
          if (key === 'frame') current = { ...current, frame: Number(value) };
          else if (key === 'out_time_us' || key === 'out_time_ms') current = { ...current, outTimeS: Number(value) / 1e6 };
          else if (key === 'progress') onProgress(current);
        }
      });
    } else if (options.stdout && child.stdout) {
      child.stdout.pipe(options.stdout);
    }
    if (options.stdin && child.stdin) {
      child.stdin.on('error', () => undefined); // EPIPE when ffmpeg exits early; the exit code tells why.
      options.stdin.pipe(child.stdin);
    }
    child.on('error', (error) => {
      reject(new FfmpegError(`cannot run ffmpeg (${options.binary}): ${error.message}`, { file: options.file, cause: error }));
    });
    child.on('close', (code, signal) => {
      const errorLines = ffmpegErrorLines(stderr);
      if (code === 0) {
        resolve({ stderr, errorLines });
        return;
      }
      const reason = signal ? `killed by ${signal}` : `exit code ${code}`;
      const detail = errorLines.length ? errorLines[errorLines.length - 1] : lastLine(stderr);
      const failure = new FfmpegError(`ffmpeg failed (${reason})${detail ? `: ${detail}` : ''}`, { file: options.file });
      failure.errorLines = errorLines;
      reject(failure);
    });
  });
}

/** The lines of ffmpeg's `-loglevel error` output, without the `[mov,mp4 @ 0x55…]` noise. */
export function ffmpegErrorLines(stderr: string): string[] {
  return stderr
    .split('\n')
    .map((line) => line.replace(/^\[[^\]]+ @ 0x[0-9a-f]+\]\s*/i, '').trim())
    .filter((line) => line.length > 0);
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines[lines.length - 1]?.trim() ?? '';
}
