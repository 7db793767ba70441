#!/usr/bin/env node
// The `ft-roberta` command line. Each sub-command lives in lib/cli/<area>.ts and is loaded only
// when it runs, so `--help` and `--version` answer without importing tfjs; what each command
// accepts is declared in lib/cli/specs.ts.
//
// Exit codes: 0 success, 1 failure, 2 usage error (usage on stderr), 130 interrupted (Ctrl-C).
// JSON results go to stdout, progress and messages to stderr.
import * as fs from 'fs';
import * as path from 'path';
import { UsageError, commandUsage, isHelpRequest, parseCommandArgs, type CommandSpec } from './cli/args';
import * as specs from './cli/specs';
import type { CliCommand } from './cli/types';

interface RegisteredCommand {
  spec: CommandSpec;
  load(): Promise<CliCommand>;
}

const COMMANDS: Record<string, RegisteredCommand> = {
  train: { spec: specs.TRAIN, load: async () => (await import('./cli/train')).commands.train },
  predict: { spec: specs.PREDICT, load: async () => (await import('./cli/train')).commands.predict },
  evaluate: { spec: specs.EVALUATE, load: async () => (await import('./cli/train')).commands.evaluate },
  logits: { spec: specs.LOGITS, load: async () => (await import('./cli/model')).commands.logits },
  resave: { spec: specs.RESAVE, load: async () => (await import('./cli/model')).commands.resave },
  tokenize: { spec: specs.TOKENIZE, load: async () => (await import('./cli/data')).commands.tokenize },
  'padding-report': {
    spec: specs.PADDING_REPORT,
    load: async () => (await import('./cli/data')).commands['padding-report'],
  },
  corpus: { spec: specs.CORPUS, load: async () => (await import('./cli/corpus')).commands.corpus },
  bench: { spec: specs.BENCH, load: async () => (await import('./cli/bench')).commands.bench },
  'plan-batch': { spec: specs.PLAN_BATCH, load: async () => (await import('./cli/plan')).commands['plan-batch'] },
  pretrain: { spec: specs.PRETRAIN, load: async () => (await import('./cli/pretrain')).commands.pretrain },
  'fill-mask': { spec: specs.FILL_MASK, load: async () => (await import('./cli/pretrain')).commands['fill-mask'] },
  export: { spec: specs.EXPORT, load: async () => (await import('./cli/export')).commands.export },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(([name, command]) => `  ${name.padEnd(width)}  ${command.spec.summary}`);
  return [
    'usage: ft-roberta <command> [options]',
    '       ft-roberta <command> --help',
    '       ft-roberta --version',
    '',
    'commands:',
    ...lines,
  ].join('\n');
}

function packageVersion(): string {
  // dist/lib/cli.js -> the package root.
  const file = path.resolve(__dirname, '..', '..', 'package.json');
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
}

/** Runs the command line; resolves to the exit code. */
async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    process.stdout.write(usage() + '\n');
    return 0;
  }
  if (name === '--version' || name === '-V') {
    process.stdout.write(packageVersion() + '\n');
    return 0;
  }
  if (name === 'help') {
    const topic = rest[0] === undefined ? undefined : COMMANDS[rest[0]];
    if (rest[0] !== undefined && topic === undefined) return usageError(`unknown command '${rest[0]}'`, usage());
    process.stdout.write((topic === undefined ? usage() : commandUsage(topic.spec)) + '\n');
    return 0;
  }
  const registered = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (registered === undefined) {
    return usageError(name.startsWith('-') ? `unknown option '${name}'` : `unknown command '${name}'`, usage());
  }
  if (isHelpRequest(rest)) {
    process.stdout.write(commandUsage(registered.spec) + '\n');
    return 0;
  }
  try {
    // Options the spec does not declare, missing values and missing arguments are answered here,
    // before the command's module (and tfjs with it) is loaded; the command parses the line again.
    parseCommandArgs(registered.spec, rest);
    const command = await registered.load();
    await command.run(rest);
  } catch (err) {
    if (err instanceof UsageError) return usageError(`${name}: ${err.message}`, commandUsage(registered.spec));
    throw err;
  }
  return typeof process.exitCode === 'number' ? process.exitCode : 0;
}

function usageError(message: string, usageText: string): number {
  process.stderr.write(`ft-roberta: ${message}\n\n${usageText}\n`);
  return 2;
}

// `ft-roberta corpus | head`: a reader that stops early is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`ft-roberta: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
