// The one argument parser of every `ft-roberta` command. A command declares its options (see
// specs.ts); anything else on the command line is a usage error (exit code 2), and the same
// declaration prints the command's --help.

/** A mistake in how the command was called: exit code 2, with the command's usage on stderr. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface OptionSpec {
  /**
   * 'string': takes a value (`--out DIR` or `--out=DIR`); 'boolean': a switch;
   * 'optional': a switch that may take a value (`--resume` or `--resume DIR`).
   */
  kind: 'string' | 'boolean' | 'optional';
  /** The value's placeholder in the help, e.g. DIR, N, FILE.json. */
  value?: string;
  description: string;
  required?: boolean;
}

export interface CommandSpec {
  name: string;
  /** One line for `ft-roberta --help`. */
  summary: string;
  /** Positional arguments as the usage line shows them (e.g. 'TEXT…'); absent: none allowed. */
  positionals?: { name: string; min: number };
  /** Options by long name, without the leading dashes. */
  options: Record<string, OptionSpec>;
  /** Extra lines after the option list (examples, notes). */
  notes?: string[];
}

/** What a command line gave: option values by long name, and the positional arguments. */
export class ParsedArgs {
  constructor(
    private readonly values: ReadonlyMap<string, string | true>,
    readonly positionals: string[],
  ) {}

  /** The value of a 'string' option (or of an 'optional' one given with a value). */
  string(name: string): string | undefined {
    const value = this.values.get(name);
    return value === true ? undefined : value;
  }

  /** The value of an option declared `required` (parseCommandArgs has checked it is there). */
  required(name: string): string {
    const value = this.string(name);
    if (value === undefined) throw new UsageError(`missing --${name}`);
    return value;
  }

  /** The options given, in command-line order. */
  given(): [string, string | true][] {
    return [...this.values];
  }

  /** Whether a switch (or any option) was given. */
  flag(name: string): boolean {
    return this.values.has(name);
  }

  /** An 'optional' option: undefined when absent, true when given without a value, else its value. */
  optional(name: string): string | true | undefined {
    return this.values.get(name);
  }

  /** An integer value >= min; `fallback` when the option is absent. */
  integer(name: string, fallback: number, min = 1): number {
    const text = this.string(name);
    if (text === undefined) return fallback;
    const parsed = Number(text);
    if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(parsed) || parsed < min) {
      const expected = min === 1 ? 'a positive integer' : `an integer >= ${min}`;
      throw new UsageError(`--${name} should be ${expected}, found ${JSON.stringify(text)}`);
    }
    return parsed;
  }

  /** A value among `choices`; `fallback` when the option is absent. */
  oneOf<T extends string>(name: string, choices: readonly T[], fallback: T): T {
    const text = this.string(name);
    if (text === undefined) return fallback;
    if (!(choices as readonly string[]).includes(text)) {
      throw new UsageError(`--${name} should be one of ${choices.join(', ')}, found ${JSON.stringify(text)}`);
    }
    return text as T;
  }
}

export function isHelpRequest(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

/** Parses `argv` (the arguments after the command's name) against the command's declared options. */
export function parseCommandArgs(spec: CommandSpec, argv: readonly string[]): ParsedArgs {
  const values = new Map<string, string | true>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    if (!arg.startsWith('--')) throw new UsageError(`unknown option '${arg}'`);
    const equals = arg.indexOf('=');
    const name = arg.slice(2, equals < 0 ? undefined : equals);
    const inline = equals < 0 ? undefined : arg.slice(equals + 1);
    const option = spec.options[name];
    if (option === undefined) throw new UsageError(`unknown option '--${name}'`);
    if (values.has(name)) throw new UsageError(`--${name} is given twice`);
    if (option.kind === 'boolean') {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value, found ${JSON.stringify(inline)}`);
      values.set(name, true);
    } else if (inline !== undefined) {
      if (inline === '') throw new UsageError(`--${name} needs a value (${option.value ?? 'VALUE'})`);
      values.set(name, inline);
    } else {
      const next = argv[i + 1];
      const hasValue = next !== undefined && !next.startsWith('-');
      if (hasValue) {
        values.set(name, next);
        i += 1;
      } else if (option.kind === 'optional') {
        values.set(name, true);
      } else {
        throw new UsageError(`--${name} needs a value (${option.value ?? 'VALUE'})`);
      }
    }
  }
  for (const [name, option] of Object.entries(spec.options)) {
    if (option.required && !values.has(name)) throw new UsageError(`missing --${name} ${option.value ?? ''}`.trimEnd());
  }
  if (spec.positionals === undefined && positionals.length > 0) {
    throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])} (this command takes options only)`);
  }
  if (spec.positionals !== undefined && positionals.length < spec.positionals.min) {
    const count = spec.positionals.min === 1 ? 'one' : String(spec.positionals.min);
    throw new UsageError(`give at least ${count} ${spec.positionals.name.replace('…', '')}`);
  }
  return new ParsedArgs(values, positionals);
}

function optionLabel(name: string, option: OptionSpec): string {
  const value = option.value ?? 'VALUE';
  if (option.kind === 'boolean') return `--${name}`;
  return option.kind === 'optional' ? `--${name} [${value}]` : `--${name} ${value}`;
}

/** The command's --help text: usage line, summary, options. */
export function commandUsage(spec: CommandSpec): string {
  const required = Object.entries(spec.options)
    .filter(([, option]) => option.required)
    .map(([name, option]) => optionLabel(name, option));
  const positionals = spec.positionals ? [spec.positionals.name] : [];
  const usage = ['usage: ft-roberta', spec.name, ...required, '[options]', ...positionals];
  const rows: [string, string][] = [
    ...Object.entries(spec.options).map(([name, option]): [string, string] => [
      optionLabel(name, option),
      option.description,
    ]),
    ['-h, --help', 'show this help'],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return [
    usage.join(' '),
    '',
    spec.summary,
    '',
    'options:',
    ...rows.map(([label, description]) => `  ${label.padEnd(width)}  ${description}`),
    ...(spec.notes && spec.notes.length > 0 ? ['', ...spec.notes] : []),
  ].join('\n');
}
