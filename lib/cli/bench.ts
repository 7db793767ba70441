// `ft-roberta bench`: the padding benchmark (lib/padding-bench.ts). Progress and the table go to
// stderr, the results as JSON to stdout, like every ft-roberta command.
import { runPaddingBench, parseBenchArgs, type BenchOptions } from '../padding-bench';
import { UsageError, parseCommandArgs } from './args';
import { BENCH } from './specs';
import type { CliCommand } from './types';

export const commands: Record<string, CliCommand> = {
  bench: {
    spec: BENCH,
    summary: BENCH.summary,
    async run(argv: string[]): Promise<void> {
      // The declared options catch unknown flags; the benchmark's own parser reads the values, and
      // whatever it rejects is a usage error too.
      parseCommandArgs(BENCH, argv);
      let options: BenchOptions;
      try {
        options = parseBenchArgs(argv, (line) => process.stderr.write(line + '\n'));
      } catch (err) {
        throw new UsageError(err instanceof Error ? err.message : String(err));
      }
      const result = await runPaddingBench(options);
      process.stdout.write(JSON.stringify(result, null, 1) + '\n');
    },
  },
};
