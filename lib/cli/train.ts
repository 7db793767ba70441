// ft-roberta train | predict | evaluate
//
//   ft-roberta train [--params FILE.json] [--output-dir DIR] [--resume [DIR]] [--skip-bad-rows]
//       trains with the offline defaults (lib/defaults.ts) (the offline default) overridden by the JSON file;
//       progress goes to stderr, the last stdout line is one JSON object with the metrics.
//       Ctrl-C stops after the current step, saves a checkpoint, prints how to resume, exits 130.
//   ft-roberta predict --model DIR "text" ...
//       one list of {label, score} (all labels, best first) per text.
//   ft-roberta evaluate --model DIR [--data SOURCE] [--split test] [--limit N] [--max-length N] [--skip-bad-rows]
//       [--onnx [--quantized]]
//       accuracy, f1, precision, recall, confusion_matrix, samples_per_s over a split.
import * as path from 'path';
import type { ParsedArgs } from './args';
import { EVALUATE, PREDICT, TRAIN } from './specs';
import { defineCommand, type CliCommand } from './types';
import { CHECKPOINT_DIR_NAME, checkWritableFolder, removeUnfinishedSaves, resolveCheckpointDir } from '../checkpoint';
import { initBackend } from '../backend';
import { readJsonFile } from '../fsutil';
import { runDefaultTraining, loadSplit } from '../train-api';
import { WORKSHOP_DEFAULTS as workshopParams, type WorkshopParams } from '../defaults';
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

/** Names an earlier version of params.ts used, and today's. */
const RENAMED_PARAMETERS: Record<string, string> = {
  epochs: 'numTrainEpochs',
  batchSize: 'perDeviceTrainBatchSize',
  evalBatchSize: 'perDeviceEvalBatchSize',
  optimizer: 'optim',
};

/** The offline defaults with the fields of a JSON file; unknown fields and wrong types are errors naming them. */
export function readParams(file: string | undefined, defaults: WorkshopParams = workshopParams): WorkshopParams {
  if (file === undefined) return { ...defaults };
  const json = readJsonFile(file);
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new Error(`${file}: expected a JSON object of training parameters`);
  }
  const merged: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(json)) {
    if (!(key in defaults)) {
      const renamed = RENAMED_PARAMETERS[key];
      if (renamed !== undefined) {
        throw new Error(`${file}: parameter '${key}' is now '${renamed}' (Hugging Face's TrainingArguments name)`);
      }
      throw new Error(`${file}: unknown parameter '${key}' (known: ${Object.keys(defaults).join(', ')})`);
    }
    const expected = typeof defaults[key as keyof WorkshopParams];
    if (key === 'wasmThreads' && (value === 'auto' || typeof value === 'number')) {
      merged[key] = value;
      continue;
    }
    if (typeof value !== expected) {
      throw new Error(`${file}: parameter '${key}' should be a ${expected}, found ${JSON.stringify(value)}`);
    }
    merged[key] = value;
  }
  return merged as unknown as WorkshopParams;
}

/** A word for a POSIX shell: quoted when it holds anything but safe characters. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The command line that continues from `checkpointDir` with the same options as this run. */
export function resumeCommand(args: ParsedArgs, checkpointDir: string): string {
  const words = ['npx', 'ft-roberta', 'train'];
  for (const [name, value] of args.given()) {
    if (name === 'resume') continue;
    words.push(`--${name}`, ...(value === true ? [] : [value]));
  }
  words.push('--resume', checkpointDir);
  return words.map(shellWord).join(' ');
}

/** The checkpoint `--resume` names: DIR, or without one the output folder's checkpoint. */
function checkpointToResume(resume: string | true, outputDir: string): string {
  const dir = resume === true ? path.join(outputDir, CHECKPOINT_DIR_NAME) : path.resolve(resume);
  try {
    resolveCheckpointDir(dir);
  } catch (err) {
    const where = resume === true ? `no checkpoint to resume in the output folder ${outputDir}` : `--resume ${resume}`;
    throw new Error(`${where}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return dir;
}

const train: CliCommand = defineCommand(TRAIN, async (args) => {
  const params = readParams(args.string('params'));
  params.outputDir = path.resolve(args.string('output-dir') ?? params.outputDir);
  checkWritableFolder(params.outputDir);
  const removed = removeUnfinishedSaves(params.outputDir);
  if (removed.length > 0) {
    const what = removed.length === 1 ? 'unfinished save' : 'unfinished saves';
    logToStderr(`removed ${removed.length} ${what} from an interrupted run: ${removed.join(', ')}`);
  }
  const resume = args.optional('resume');
  const resumeFrom = resume === undefined ? undefined : checkpointToResume(resume, params.outputDir);
  const platform = await initBackend(params.backend, { wasmThreads: params.wasmThreads });
  const sizes = `${params.trainSize} train / ${params.validationSize} validation reviews`;
  logToStderr(`backend ${platform.backend}; training ${params.model} on ${params.data} (${sizes})`);
  if (resumeFrom !== undefined) logToStderr(`resuming from ${resumeFrom}`);
  const { result, baselineAccuracy } = await runDefaultTraining(params, {
    log: logToStderr,
    saveCheckpoints: true,
    resumeFromCheckpoint: resumeFrom,
    skipBadRows: args.flag('skip-bad-rows'),
  });
  if (result.history.stopped === 'interrupted') {
    const checkpointDir = path.join(params.outputDir, CHECKPOINT_DIR_NAME);
    const command = resumeCommand(args, checkpointDir);
    logToStderr(`interrupted: checkpoint saved in ${checkpointDir}; resume with: ${command}`);
    process.exitCode = 130;
    return;
  }
  printJson({ ...result.metrics, unigram_baseline_eval_accuracy: baselineAccuracy });
});

const SPLIT_NAMES = ['train', 'validation', 'test'] as const;

const predict: CliCommand = defineCommand(PREDICT, async (args) => {
  const maxLength = args.string('max-length') === undefined ? undefined : args.integer('max-length', 0);
  await initBackend(workshopParams.backend);
  const classify = await pipeline(args.required('model'));
  printJson(await classify(args.positionals, { maxLength, topK: args.integer('top-k', 1) }));
  classify.dispose();
});

const evaluate: CliCommand = defineCommand(EVALUATE, async (args) => {
  const split = args.oneOf('split', SPLIT_NAMES, 'test');
  const limit = args.string('limit') === undefined ? undefined : args.integer('limit', 0);
  const maxLength = args.string('max-length') === undefined ? undefined : args.integer('max-length', 0);
  const batchSize = args.integer('batch-size', 32);
  const modelDir = args.required('model');
  // --onnx: an exported folder (or a saved model, exported on the fly) on ONNX Runtime.
  const quantized = args.flag('quantized');
  const onnx = args.flag('onnx') || quantized;
  if (!onnx) await initBackend(workshopParams.backend);
  const model = onnx
    ? await loadOnnxRuntimeModel(modelDir, { quantized })
    : await RobertaForSequenceClassification.fromPretrained(modelDir);
  const tokenizer = await loadTokenizer(modelDir);
  const data = await loadSplit(args.string('data') ?? workshopParams.data, split, {
    limit,
    seed: workshopParams.seed,
    skipBadRows: args.flag('skip-bad-rows'),
    log: logToStderr,
  });
  const report = await evaluateModel({ model, tokenizer, data, limit, maxLength, batchSize });
  printJson(report);
  if (model instanceof RobertaForSequenceClassification) model.dispose();
});

export const commands: Record<string, CliCommand> = { train, predict, evaluate };
