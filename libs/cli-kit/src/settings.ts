import type { z } from 'zod';
import { UsageError } from '@nextframe/errors';
import type { OptionSpec, ParsedCommand } from './command';

/** How the command line spells a setting: the seed's flag (`stats_freq`), a short letter, other spellings (`stats-freq`). */
export interface SettingFlag {
  name: string;
  short?: string;
  aliases?: readonly string[];
  /** Shown in help: `--steps N`. */
  valueName: string;
}

/**
 * One setting, described once: its schema holds the check, the default and the description
 * (`.describe()`), which are the manifest's field, its JSON Schema, the flag's help and its
 * default text. Without `flag` it is set in a manifest only.
 */
export interface Setting<S extends z.ZodType = z.ZodType> {
  schema: S;
  flag?: SettingFlag;
}

export type SettingTable = Record<string, Setting>;

/** A setting: `setting(z.int().min(1).default(10).describe('…'), { name: 'stats_freq', valueName: 'N' })`. */
export function setting<S extends z.ZodType>(schema: S, flag?: SettingFlag): Setting<S> {
  return flag ? { schema, flag } : { schema };
}

/** The value a setting takes when nobody sets it (its schema's default), or undefined. */
export function settingDefault(entry: Setting): unknown {
  const result = entry.schema.safeParse(undefined);
  return result.success ? result.data : undefined;
}

/** The command-line options of a table's settings: help from each schema's description, default text from its default. */
export function settingOptions(table: SettingTable): Record<string, OptionSpec> {
  const options: Record<string, OptionSpec> = {};
  for (const entry of Object.values(table)) {
    if (!entry.flag) continue;
    const { name, short, aliases, valueName } = entry.flag;
    const fallback = settingDefault(entry);
    options[name] = {
      type: 'string',
      description: entry.schema.description ?? '',
      valueName,
      ...(short ? { short } : {}),
      ...(aliases ? { aliases } : {}),
      ...(fallback !== undefined ? { defaultText: String(fallback) } : {}),
    };
  }
  return options;
}

/**
 * The settings given as flags, keyed by setting, each checked by its schema (a number where the
 * schema wants one). A bad value is a usage error naming the flag: `--steps must be at least 1, got 0`.
 */
export function settingsFromFlags(table: SettingTable, parsed: ParsedCommand): Record<string, unknown> {
  const given: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(table)) {
    const raw = entry.flag ? parsed.values[entry.flag.name] : undefined;
    if (typeof raw !== 'string') continue;
    given[key] = flagValue(entry.schema, entry.flag as SettingFlag, raw);
  }
  return given;
}

function flagValue(schema: z.ZodType, flag: SettingFlag, raw: string): unknown {
  const label = flag.short ? `-${flag.short}/--${flag.name}` : `--${flag.name}`;
  const asText = schema.safeParse(raw);
  if (asText.success) return asText.data;
  const number = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(number)) throw new UsageError(`${label} ${describeRejection(asText.error, raw)}`);
  const asNumber = schema.safeParse(number);
  if (asNumber.success) return asNumber.data;
  throw new UsageError(`${label} ${describeRejection(asNumber.error, raw)}`);
}

/** `must be at least 1, got 0` from zod's first issue. */
function describeRejection(error: z.ZodError, raw: string): string {
  type Issue = z.core.$ZodIssue & { minimum?: number | bigint; maximum?: number | bigint; inclusive?: boolean; expected?: string; values?: unknown[]; errors?: Issue[][] };
  let issue = error.issues[0] as Issue;
  // A union (`t`, `f` or a boolean): report the alternative that lists values.
  if (issue.code === 'invalid_union') issue = issue.errors?.flat().find((i) => i.code === 'invalid_value') ?? issue;
  const got = `got '${raw}'`;
  if (issue.code === 'too_small') return `must be ${issue.inclusive === false ? 'greater than' : 'at least'} ${issue.minimum}, ${got}`;
  if (issue.code === 'too_big') return `must be ${issue.inclusive === false ? 'less than' : 'at most'} ${issue.maximum}, ${got}`;
  if (issue.code === 'invalid_type' && (issue.expected === 'int' || issue.expected === 'number')) return `must be ${issue.expected === 'int' ? 'an integer' : 'a number'}, ${got}`;
  if (issue.code === 'invalid_value' && issue.values) return `must be ${alternatives(issue.values.map(String))}, ${got}`;
  return `${issue.message.charAt(0).toLowerCase()}${issue.message.slice(1)}, ${got}`;
}

/** `t or f`, `a, b or c`. */
function alternatives(values: readonly string[]): string {
  return values.length < 2 ? values.join('') : `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`;
}
