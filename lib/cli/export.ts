// ft-roberta export --model DIR --out DIR2 [--quantize] [--force] [--tokenizer SOURCE] [--task NAME]
//
// Writes the folder transformers.js loads (config.json, tokenizer files, onnx/model.onnx and with
// --quantize onnx/model_quantized.onnx); prints one JSON line describing what was written.
import { parseArgs } from 'node:util';
import type { CliCommand } from './types';
import { exportOnnx } from '../export/onnx';
import type { RobertaHead } from '../export/onnx-graph';

const USAGE =
  'ft-roberta export --model DIR --out DIR2 [--quantize] [--force] [--tokenizer offline|DIR|HUB_ID]' +
  ' [--task text-classification|fill-mask]';

const TASK_HEADS: Record<string, RobertaHead> = {
  'text-classification': 'sequence-classification',
  'fill-mask': 'masked-lm',
};

const exportCommand: CliCommand = {
  summary: 'export --model DIR --out DIR2 [--quantize] [--force]: ONNX folder for transformers.js / ONNX Runtime',
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        model: { type: 'string' },
        out: { type: 'string' },
        quantize: { type: 'boolean', default: false },
        force: { type: 'boolean', default: false },
        tokenizer: { type: 'string' },
        task: { type: 'string' },
      },
      strict: true,
    });
    if (values.model === undefined || values.model === '') throw new Error(`export: missing --model\nusage: ${USAGE}`);
    if (values.out === undefined || values.out === '') throw new Error(`export: missing --out\nusage: ${USAGE}`);
    let head: RobertaHead | undefined;
    if (values.task !== undefined) {
      head = TASK_HEADS[values.task];
      if (head === undefined) {
        throw new Error(`export: --task must be ${Object.keys(TASK_HEADS).join(' or ')}, got '${values.task}'`);
      }
    }
    const { model, out, quantize, force, tokenizer } = values;
    const result = await exportOnnx({ model, out, quantize, force, tokenizer, head });
    if (result.tokenizer === null) {
      process.stderr.write(`export: ${model} has no tokenizer files and no --tokenizer was given: none exported\n`);
    }
    process.stdout.write(JSON.stringify(result) + '\n');
  },
};

export const commands: Record<string, CliCommand> = { export: exportCommand };
