/** One `ft-roberta` sub-command: receives the arguments after its name. */
export interface CliCommand {
  summary: string;
  run(argv: string[]): Promise<void>;
}
