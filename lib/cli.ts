#!/usr/bin/env node
// The `ft-roberta` command line: each sub-command lives in lib/cli/<area>.ts.
import type { CliCommand } from './cli/types';
import { commands as modelCommands } from './cli/model';
import { commands as dataCommands } from './cli/data';
import { commands as corpusCommands } from './cli/corpus';
import { commands as trainCommands } from './cli/train';
import { commands as benchCommands } from './cli/bench';
import { commands as exportCommands } from './cli/export';

const ALL_COMMANDS: Record<string, CliCommand> = {
  ...modelCommands,
  ...dataCommands,
  ...corpusCommands,
  ...trainCommands,
  ...benchCommands,
  ...exportCommands,
};

function usage(): string {
  const width = Math.max(...Object.keys(ALL_COMMANDS).map((name) => name.length));
  const lines = Object.entries(ALL_COMMANDS).map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`);
  return ['usage: ft-roberta <command> [options]', '', 'commands:', ...lines].join('\n');
}

async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage() + '\n');
    return;
  }
  const command = ALL_COMMANDS[name];
  if (command === undefined) throw new Error(`unknown command '${name}'\n${usage()}`);
  await command.run(rest);
}

main(process.argv.slice(2)).then(
  () => process.exit(process.exitCode ?? 0),
  (err: unknown) => {
    process.stderr.write(`ft-roberta: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
