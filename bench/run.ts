// `npm run bench`: the padding benchmark with a table on stdout (options: lib/padding-bench.ts).
import { BENCH_USAGE, parseBenchArgs, runPaddingBench } from '../lib/padding-bench';

async function main(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(`usage: npm run bench -- [options]\n${BENCH_USAGE}`);
    return;
  }
  await runPaddingBench(parseBenchArgs(argv, (line) => console.log(line)));
}

main(process.argv.slice(2)).then(
  // Worker threads of the threaded wasm build would keep the process alive.
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
