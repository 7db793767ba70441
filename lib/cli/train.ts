// ft-roberta train | predict | evaluate
//
//   ft-roberta train [--params FILE.json] [--output-dir DIR]
//       trains with the defaults of params.ts (the offline default) overridden by the JSON file;
//       progress goes to stderr, the last stdout line is one JSON object with the metrics.
//   ft-roberta predict --model DIR "text" ...
//       one list of {label, score} (all labels, best first) per text.
//   ft-roberta evaluate --model DIR [--data SOURCE] [--split test] [--limit N] [--max-length N] [--onnx [--quantized]]
//       accuracy, f1, precision, recall, confusion_matrix, samples_per_s over a split.
import { parseArgs } from 'node:util';
import type { CliCommand } from './types';
import { initBackend } from '../backend';
import { readJsonFile } from '../fsutil';
import { runDefaultTraining, loadSplit } from '../train-api';
import { params as workshopParams, type WorkshopParams } from '../../params';
import { pipeline, evaluateModel } from '../pipeline';
import { RobertaForSequenceClassification } from '../model/roberta';
import { loadTokenizer } from '../tokenizer';
import { loadOnnxRuntimeModel } from '../export/ort';

function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value) + '\n');
}

function logToStderr(line: string): void {
  process.stderr.write(line + '\n');
}

/** params.ts with the fields of a JSON file; unknown fields and wrong types are errors naming them. */
export function readParams(file: string | undefined, defaults: WorkshopParams = workshopParams): WorkshopParams {
  if (file === undefined) return { ...defaults };
  const json = readJsonFile(file);
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new Error(`${file}: expected a JSON object of training parameters`);
  const merged: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(json)) {
    if (!(key in defaults)) throw new Error(`${file}: unknown parameter '${key}' (known: ${Object.keys(defaults).join(', ')})`);
    const expected = typeof defaults[key as keyof WorkshopParams];
    if (typeof value !== expected) throw new Error(`${file}: parameter '${key}' should be a ${expected}, found ${JSON.stringify(value)}`);
    merged[key] = value;
  }
  return merged as unknown as WorkshopParams;
}

const train: CliCommand = {
  summary: 'train on the offline default (or --params FILE.json overrides); prints one JSON line of metrics',
  async run(argv) {
    const { values } = parseArgs({ args: argv, options: { params: { type: 'string' }, 'output-dir': { type: 'string' } }, strict: true });
    const params = readParams(values.params);
    if (values['output-dir'] !== undefined) params.outputDir = values['output-dir'];
    const platform = await initBackend(params.backend);
    logToStderr(`backend ${platform.backend}; training ${params.model} on ${params.data} (${params.trainSize} train / ${params.validationSize} validation reviews)`);
    const { result, baselineAccuracy } = await runDefaultTraining(params, { log: logToStderr });
    printJson({ ...result.metrics, unigram_baseline_eval_accuracy: baselineAccuracy });
  },
};

const predict: CliCommand = {
  summary: 'predict --model DIR "text" ...: label scores per text, best first',
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { model: { type: 'string' }, 'max-length': { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
    if (values.model === undefined) throw new Error('predict: --model DIR is required');
    if (positionals.length === 0) throw new Error('predict: give at least one text to classify');
    await initBackend(workshopParams.backend);
    const classify = await pipeline(values.model);
    const maxLength = values['max-length'] === undefined ? undefined : Number(values['max-length']);
    printJson(await classify(positionals, { maxLength }));
    classify.dispose();
  },
};

const evaluate: CliCommand = {
  summary: 'evaluate --model DIR [--data SOURCE] [--split test] [--limit N]: accuracy, F1, confusion matrix',
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        model: { type: 'string' },
        data: { type: 'string', default: workshopParams.data },
        split: { type: 'string', default: 'test' },
        limit: { type: 'string' },
        'max-length': { type: 'string' },
        'batch-size': { type: 'string', default: '32' },
        onnx: { type: 'boolean', default: false },
        quantized: { type: 'boolean', default: false },
      },
      strict: true,
    });
    if (values.model === undefined) throw new Error('evaluate: --model DIR is required');
    const split = values.split;
    if (split !== 'train' && split !== 'validation' && split !== 'test') throw new Error(`evaluate: --split must be train, validation or test, got '${split}'`);
    const limit = values.limit === undefined ? undefined : Number(values.limit);
    if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new Error(`evaluate: --limit must be a positive integer, got '${values.limit}'`);
    // --onnx: an exported folder (or a saved model, exported on the fly) on ONNX Runtime.
    const onnx = values.onnx || values.quantized;
    if (!onnx) await initBackend(workshopParams.backend);
    const model = onnx
      ? await loadOnnxRuntimeModel(values.model, { quantized: values.quantized })
      : await RobertaForSequenceClassification.fromPretrained(values.model);
    const tokenizer = await loadTokenizer(values.model);
    const data = await loadSplit(values.data, split, { limit, seed: workshopParams.seed });
    const report = await evaluateModel({
      model,
      tokenizer,
      data,
      limit,
      maxLength: values['max-length'] === undefined ? undefined : Number(values['max-length']),
      batchSize: Number(values['batch-size']),
    });
    printJson(report);
    if (model instanceof RobertaForSequenceClassification) model.dispose();
  },
};

export const commands: Record<string, CliCommand> = { train, predict, evaluate };
