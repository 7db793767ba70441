// `ft-roberta bench`: the padding benchmark (bench/padding-bench.ts). Progress and the table go to
// stderr, the results as JSON to stdout, like every ft-roberta command.
import type { CliCommand } from './types';
import { BENCH_USAGE, parseBenchArgs, runPaddingBench } from '../../bench/padding-bench';

export const commands: Record<string, CliCommand> = {
  bench: {
    summary: 'time training steps for static, dynamic and length-grouped padding (--help for options)',
    async run(argv: string[]): Promise<void> {
      if (argv.includes('--help') || argv.includes('-h')) {
        process.stdout.write(`usage: ft-roberta bench [options]\n${BENCH_USAGE}\n`);
        return;
      }
      const result = await runPaddingBench(parseBenchArgs(argv, (line) => process.stderr.write(line + '\n')));
      process.stdout.write(JSON.stringify(result, null, 1) + '\n');
    },
  },
};
