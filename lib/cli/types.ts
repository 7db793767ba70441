import { parseCommandArgs, type CommandSpec, type ParsedArgs } from './args';

/** One `ft-roberta` sub-command: receives the arguments after its name. */
export interface CliCommand {
  spec: CommandSpec;
  summary: string;
  run(argv: string[]): Promise<void>;
}

/** A command whose arguments are parsed against its declared options before `run` sees them. */
export function defineCommand(spec: CommandSpec, run: (args: ParsedArgs) => Promise<void>): CliCommand {
  return { spec, summary: spec.summary, run: (argv) => run(parseCommandArgs(spec, argv)) };
}
