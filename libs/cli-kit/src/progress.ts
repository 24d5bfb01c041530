import { SingleBar } from 'cli-progress';

/**
 * Progress of long work. On a terminal: a live bar with counts and ETA (cli-progress, on stderr).
 * Otherwise (CI, a log file, Nx's static output): plain lines, about one per 5% of the work, one
 * every `plainIntervalMs` while it is slow, and the last, so logs stay readable.
 */
export interface Progress {
  /** Set the count of finished items and the extra fields shown (e.g. `{ frames: 120 }`). */
  update(done: number, fields?: Record<string, string | number>): void;
  /** A message that must not be overwritten by the bar (warnings, per-item results). */
  log(line: string): void;
  /**
   * The work was already `done` items in when this run began (a resumed or fine-tuned training):
   * the count starts there and the ETA is estimated from this run's own pace only.
   */
  startFrom(done: number): void;
  stop(): void;
}

export interface ProgressOptions {
  /** `extract` */
  label: string;
  total: number;
  /** What is counted: `videos`. */
  unit: string;
  /** Extra fields after the count, by name, e.g. `['frames']`. */
  fields?: readonly string[];
  /** How a field is labelled when not by its name (`{ rate: 'steps/s' }`). */
  fieldLabels?: Record<string, string>;
  stream?: NodeJS.WriteStream;
  /** Force the plain-line mode (tests, `--no-progress`). */
  plain?: boolean;
  plainIntervalMs?: number;
  /** The clock of the plain mode (milliseconds; tests pass their own). Default `Date.now`. */
  now?: () => number;
}

export function createProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  const fields = options.fields ?? [];
  const tty = !options.plain && stream.isTTY === true && process.env.CI !== 'true';
  if (tty) return ttyProgress(options, stream, fields);
  return plainProgress(options, stream, fields);
}

function ttyProgress(options: ProgressOptions, stream: NodeJS.WriteStream, fields: readonly string[]): Progress {
  const extra = fields.map((f) => ` | {${f}}${label(options, f)}`).join('');
  const bar = new SingleBar({
    format: `${options.label} |{bar}| {value}/{total} ${options.unit}${extra} | {duration_formatted} elapsed, ETA {eta_formatted}`,
    stream,
    hideCursor: true,
    etaBuffer: 20,
    clearOnComplete: false,
  });
  const initial = Object.fromEntries(fields.map((f) => [f, 0]));
  bar.start(options.total, 0, initial);
  let stopped = false;
  return {
    update(done, values) {
      bar.update(done, values);
    },
    startFrom(done) {
      bar.start(options.total, done, initial); // cli-progress estimates the ETA from recent updates
    },
    log(line) {
      // Clear the bar's line, print, and let the next update redraw it.
      stream.write(`\r\x1b[K${line}\n`);
      bar.render();
    },
    stop() {
      if (!stopped) bar.stop();
      stopped = true;
    },
  };
}

function plainProgress(options: ProgressOptions, stream: NodeJS.WriteStream, fields: readonly string[]): Progress {
  const interval = options.plainIntervalMs ?? 10000;
  const clock = options.now ?? Date.now;
  let started = clock();
  let base = 0;
  let lastDone = 0;
  let lastPrinted = started;
  let current: Record<string, string | number> = {};
  const line = (done: number): string => {
    const extra = fields.map((f) => `, ${current[f] ?? 0}${label(options, f)}`).join('');
    const elapsedS = (clock() - started) / 1000;
    const eta = done > base && done < options.total ? `, ETA ${formatSeconds((elapsedS / (done - base)) * (options.total - done))}` : '';
    return `${options.label}: ${done}/${options.total} ${options.unit}${extra}, ${formatSeconds(elapsedS)} elapsed${eta}`;
  };
  return {
    update(done, values) {
      current = { ...current, ...values };
      const now = clock();
      // At most about 20 lines per run, plus one every `interval` while work is slow, plus the last.
      const step = Math.max(1, Math.ceil(options.total / 20));
      if (done !== options.total && done < lastDone + step && now - lastPrinted < interval) return;
      if (done === lastDone && done === options.total) return;
      stream.write(`${line(done)}\n`);
      lastPrinted = now;
      lastDone = done;
    },
    startFrom(done) {
      base = done;
      lastDone = done;
      started = clock();
    },
    log(text) {
      stream.write(`${text}\n`);
    },
    stop: () => undefined,
  };
}

/** ` frames` after a field's value; nothing for a field labelled ''. */
function label(options: ProgressOptions, field: string): string {
  const text = options.fieldLabels?.[field] ?? field;
  return text ? ` ${text}` : '';
}

/** `75s` → `1m15s`. */
export function formatSeconds(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
