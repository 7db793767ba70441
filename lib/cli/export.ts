// ft-roberta export --model DIR --out DIR2 [--quantize] [--force] [--tokenizer SOURCE] [--task NAME]
//
// Writes the folder transformers.js loads (config.json, tokenizer files, onnx/model.onnx and with
// --quantize onnx/model_quantized.onnx); prints one JSON line describing what was written.
import { EXPORT } from './specs';
import { defineCommand, type CliCommand } from './types';
import { exportOnnx } from '../export/onnx';
import type { RobertaHead } from '../export/onnx-graph';

const TASK_HEADS: Record<string, RobertaHead> = {
  'text-classification': 'sequence-classification',
  'fill-mask': 'masked-lm',
};

const exportCommand: CliCommand = defineCommand(EXPORT, async (args) => {
  const tasks = Object.keys(TASK_HEADS);
  const head = args.string('task') === undefined ? undefined : TASK_HEADS[args.oneOf('task', tasks, tasks[0])];
  const model = args.required('model');
  const result = await exportOnnx({
    model,
    out: args.required('out'),
    quantize: args.flag('quantize'),
    force: args.flag('force'),
    tokenizer: args.string('tokenizer'),
    head,
  });
  if (result.tokenizer === null) {
    process.stderr.write(`export: ${model} has no tokenizer files and no --tokenizer was given: none exported\n`);
  }
  process.stdout.write(JSON.stringify(result) + '\n');
});

export const commands: Record<string, CliCommand> = { export: exportCommand };
