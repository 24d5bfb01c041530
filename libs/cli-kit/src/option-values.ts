import { UsageError } from '@nextframe/errors';
import type { OptionSpec, ParsedCommand } from './command';

/** `--backend` and `--threads`, as every command that computes takes them. */
export const BACKEND_OPTIONS: Record<'backend' | 'threads', OptionSpec> = {
  backend: { type: 'string', valueName: 'NAME', description: 'auto, tensorflow, wasm or cpu (env NEXTFRAME_BACKEND)', defaultText: 'auto' },
  threads: { type: 'string', valueName: 'N', description: 'threads of the backend (env NEXTFRAME_THREADS)', defaultText: 'all cores' },
};

/** The string value of an option, or undefined (absent, or a boolean flag). */
export function stringValues(parsed: ParsedCommand): (key: string) => string | undefined {
  const values = parsed.values as Record<string, unknown>;
  return (key) => (typeof values[key] === 'string' ? (values[key] as string) : undefined);
}

/** A number option: `--fps 12.5`; a clear usage error for anything else. */
export function numberOption(
  name: string,
  raw: string | undefined,
  rules: { min?: number; max?: number; integer?: boolean; exclusiveMin?: boolean } = {},
): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  const kind = rules.integer ? 'an integer' : 'a number';
  if (raw.trim() === '' || !Number.isFinite(value) || (rules.integer && !Number.isInteger(value))) {
    throw new UsageError(`--${name} must be ${kind}, got '${raw}'`);
  }
  if (rules.min !== undefined && (rules.exclusiveMin ? value <= rules.min : value < rules.min)) {
    throw new UsageError(`--${name} must be ${rules.exclusiveMin ? 'greater than' : 'at least'} ${rules.min}, got ${raw}`);
  }
  if (rules.max !== undefined && value > rules.max) {
    throw new UsageError(`--${name} must be at most ${rules.max}, got ${raw}`);
  }
  return value;
}

/** `WxH`, e.g. `--size 64x48`. */
export function sizeOption(name: string, raw: string | undefined): { width: number; height: number } | undefined {
  if (raw === undefined) return undefined;
  const match = /^(\d+)x(\d+)$/i.exec(raw.trim());
  if (!match || Number(match[1]) < 1 || Number(match[2]) < 1) {
    throw new UsageError(`--${name} must look like WIDTHxHEIGHT (e.g. 64x48), got '${raw}'`);
  }
  return { width: Number(match[1]), height: Number(match[2]) };
}

/** A time: seconds (`12.5`) or `[[HH:]MM:]SS[.frac]` (`1:02.5`). */
export function timeOption(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const parts = raw.trim().split(':');
  const ok = parts.length <= 3 && parts.every((p) => /^\d+(\.\d+)?$/.test(p));
  if (!ok) throw new UsageError(`--${name} must be seconds or [HH:]MM:SS, got '${raw}'`);
  return parts.reduce((total, part) => total * 60 + Number(part), 0);
}
