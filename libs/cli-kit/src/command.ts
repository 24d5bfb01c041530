import { parseArgs } from 'node:util';
import { UsageError } from '@nextframe/errors';

/** One option of a command. `aliases` keeps the seed's spellings working (`--num_clips`). */
export interface OptionSpec {
  type: 'string' | 'boolean';
  description: string;
  short?: string;
  aliases?: readonly string[];
  /** Shown in help: `--fps N`. */
  valueName?: string;
  /** Shown in help; applied by the command itself so that validation stays in one place. */
  defaultText?: string;
  multiple?: boolean;
}

export interface CommandSpec {
  /** `extract`, as typed after `nextframe`. */
  name: string;
  /** One line for the command list. */
  summary: string;
  /** `nextframe extract <video...> --out DIR [options]` */
  usage: string;
  /** Paragraphs after the usage line. */
  details?: string;
  options: Record<string, OptionSpec>;
  /** Accept options this spec does not list (placeholder commands). */
  allowUnknownOptions?: boolean;
  /**
   * What the command takes besides options (`<video...>`, `PRED TRUTH`). Without it an argument
   * that is not an option is a usage error: `--set a=b c=d` must not silently drop `c=d`.
   */
  positionals?: string;
  /** Example command lines for the help. */
  examples?: readonly string[];
}

export interface ParsedCommand {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  help: boolean;
  verbose: boolean;
}

const COMMON: Record<string, OptionSpec> = {
  help: { type: 'boolean', short: 'h', aliases: ['H'], description: 'show this help' },
  verbose: { type: 'boolean', description: 'print stack traces and tool output on errors' },
};

/** Parse `argv` (without `node` and the script) against a command's options; unknown options and stray arguments are errors. */
export function parseCommand(spec: CommandSpec, argv: readonly string[]): ParsedCommand {
  const all = { ...COMMON, ...spec.options };
  const config: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  const canonical = new Map<string, string>();
  for (const [name, option] of Object.entries(all)) {
    const shortTaken = name !== 'help' || !Object.values(spec.options).some((o) => o.short === 'h');
    config[name] = definedOnly({ type: option.type, multiple: option.multiple, short: shortTaken ? option.short : undefined });
    canonical.set(name, name);
    for (const alias of option.aliases ?? []) {
      if (alias.length === 1) {
        if (Object.values(spec.options).some((o) => o.short === alias)) continue;
        config[`__short_${alias}`] = definedOnly({ type: option.type, short: alias, multiple: option.multiple });
        canonical.set(`__short_${alias}`, name);
      } else {
        config[alias] = definedOnly({ type: option.type, multiple: option.multiple });
        canonical.set(alias, name);
      }
    }
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options: config, allowPositionals: true, strict: !spec.allowUnknownOptions });
  } catch (error) {
    throw new UsageError(`${spec.name}: ${cleanParseError((error as Error).message)} (see nextframe ${spec.name} --help)`);
  }
  if (!spec.positionals && parsed.positionals.length > 0) {
    const stray = parsed.positionals[0];
    const hint = stray.includes('=') ? ` (each --set takes one FIELD=VALUE: --set ${stray})` : '';
    throw new UsageError(`${spec.name}: unexpected argument '${stray}'${hint} (see nextframe ${spec.name} --help)`);
  }
  const values: ParsedCommand['values'] = {};
  for (const [key, value] of Object.entries(parsed.values)) {
    const name = canonical.get(key) ?? key;
    const previous = values[name];
    if (Array.isArray(previous) && Array.isArray(value)) values[name] = [...previous, ...(value as string[])];
    else values[name] = value as string | boolean | string[];
  }
  return {
    values,
    positionals: parsed.positionals,
    help: values.help === true,
    verbose: values.verbose === true,
  };
}

/** parseArgs rejects keys that are present but undefined. */
function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function cleanParseError(message: string): string {
  // node's messages end with hints about `--` that do not apply here; keep the first sentence.
  return message.split('. ')[0].replace(/\.$/, '').replace(/^Unknown option '([^']+)'.*/, "unknown option '$1'");
}

/** The help text of a command. */
export function formatHelp(spec: CommandSpec): string {
  const all = { ...spec.options, ...COMMON };
  const rows = Object.entries(all).map(([name, option]) => {
    const names = [
      option.short ? `-${option.short}` : undefined,
      `--${name}`,
      ...(option.aliases ?? []).map((a) => (a.length === 1 ? `-${a}` : `--${a}`)),
    ].filter(Boolean);
    const value = option.type === 'string' ? ` ${option.valueName ?? 'VALUE'}` : '';
    const text = option.defaultText ? `${option.description} (default: ${option.defaultText})` : option.description;
    return [`${names.join(', ')}${value}`, text] as const;
  });
  const width = Math.min(34, Math.max(...rows.map(([left]) => left.length)) + 2);
  const lines = [`Usage: ${spec.usage}`, '', spec.summary];
  if (spec.details) lines.push('', spec.details.trim());
  lines.push('', 'Options:');
  for (const [left, right] of rows) {
    lines.push(left.length + 2 > width ? `  ${left}\n  ${' '.repeat(width)}${right}` : `  ${left.padEnd(width)}${right}`);
  }
  if (spec.examples?.length) lines.push('', 'Examples:', ...spec.examples.map((e) => `  ${e}`));
  return `${lines.join('\n')}\n`;
}
