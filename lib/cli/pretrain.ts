// ft-roberta pretrain | fill-mask: the masked-language model's command-line face.
//
//   ft-roberta pretrain [--texts FILE.json] [--held-out FILE.json] [--output-dir DIR] [--steps N] ...
//       MLM pretraining (lib/pretrain.ts) of the small offline shape, or of --model DIR, on a JSON
//       array of texts (default: the offline corpus's unsupervised split). Progress goes to stderr;
//       the last stdout line is one JSON object: the held-out MLM loss and masked-token accuracy
//       next to the unigram guesser's.
//   ft-roberta fill-mask --model DIR [--top-k 5] "text with <mask>" ...
//       Hugging Face's fill-mask output as JSON (one result per text).
import * as path from 'path';
import { UsageError, type ParsedArgs } from './args';
import { FILL_MASK, PRETRAIN } from './specs';
import { defineCommand, type CliCommand } from './types';
import { BACKEND_CHOICES, initBackend } from '../backend';
import { readJsonFile } from '../fsutil';
import { generateSplit } from '../data/corpus';
import { offlineModelConfig } from '../model/config';
import { RobertaForMaskedLM } from '../model/roberta';
import { loadTokenizer } from '../tokenizer';
import { freshMaskedLanguageModel, pretrain } from '../pretrain';
import { fillMaskPipeline } from '../fill-mask';
import { WORKSHOP_DEFAULTS as workshopParams } from '../defaults';

function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value) + '\n');
}

function logToStderr(line: string): void {
  process.stderr.write(line + '\n');
}

/** A JSON array of strings; errors name the file and the first bad entry. */
export function readTexts(file: string): string[] {
  const json = readJsonFile(file);
  if (!Array.isArray(json)) {
    throw new Error(`${file}: expected a JSON array of texts, found ${json === null ? 'null' : typeof json}`);
  }
  const bad = json.findIndex((t) => typeof t !== 'string');
  if (bad >= 0) throw new Error(`${file}: entry ${bad} is not a string (found ${JSON.stringify(json[bad])})`);
  return json as string[];
}

/** A number >= 0, or undefined when the option is absent. */
function nonNegativeNumber(args: ParsedArgs, name: string): number | undefined {
  const text = args.string(name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0) {
    throw new UsageError(`--${name} should be a number >= 0, found ${JSON.stringify(text)}`);
  }
  return value;
}

function optionalInteger(args: ParsedArgs, name: string): number | undefined {
  return args.string(name) === undefined ? undefined : args.integer(name, 0);
}

/** Pretraining texts and held-out texts: from files, or disjoint parts of the unsupervised split. */
function pretrainingTexts(args: ParsedArgs, seed: number): { texts: string[]; heldOutTexts: string[] } {
  const heldOutFile = args.string('held-out');
  const textsFile = args.string('texts');
  if (textsFile !== undefined) {
    return { texts: readTexts(textsFile), heldOutTexts: heldOutFile === undefined ? [] : readTexts(heldOutFile) };
  }
  const count = args.integer('reviews', 20000);
  const heldOutCount = args.integer('held-out-reviews', 500, 0);
  const reviews = generateSplit(seed, 'unsupervised', count + (heldOutFile === undefined ? heldOutCount : 0));
  const texts = reviews.slice(0, count).map((review) => review.text);
  const heldOutTexts =
    heldOutFile === undefined ? reviews.slice(count).map((review) => review.text) : readTexts(heldOutFile);
  return { texts, heldOutTexts };
}

const pretrainCommand: CliCommand = defineCommand(PRETRAIN, async (args) => {
  const seed = args.integer('seed', workshopParams.seed, 0);
  const maxLength = args.integer('max-length', 256);
  const backend = args.oneOf('backend', BACKEND_CHOICES, workshopParams.backend);
  const learningRate = nonNegativeNumber(args, 'learning-rate');
  const warmupRatio = nonNegativeNumber(args, 'warmup-ratio');
  const modelSource = args.string('model');
  const { texts, heldOutTexts } = pretrainingTexts(args, seed);
  const wasmThreads = optionalInteger(args, 'wasm-threads');
  const platform = await initBackend(backend, { wasmThreads: wasmThreads ?? workshopParams.wasmThreads });
  const tokenizer = await loadTokenizer(args.string('tokenizer') ?? modelSource ?? 'offline');
  const model =
    modelSource === undefined
      ? freshMaskedLanguageModel(
          offlineModelConfig(tokenizer.vocabSize, { max_position_embeddings: Math.max(258, maxLength + 2) }),
          seed,
        )
      : await RobertaForMaskedLM.fromPretrained(modelSource, { log: logToStderr });
  logToStderr(
    `backend ${platform.backend}; MLM pretraining on ${texts.length} texts ` +
      `(${heldOutTexts.length} held out), ${model.numParameters()} parameters`,
  );
  // Ctrl-C (SIGINT) stops after the current step: the checkpoint is saved and the held-out figures
  // still printed; a second Ctrl-C quits at once. Without this, an interrupt lost the JSON line.
  const stop = new AbortController();
  let interrupts = 0;
  const onSigint = (): void => {
    interrupts += 1;
    if (interrupts > 1) process.exit(130);
    logToStderr('interrupt received: stopping after the current step (press Ctrl-C again to quit at once)');
    stop.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    const result = await pretrain({
      model,
      tokenizer,
      texts,
      heldOutTexts,
      maxLength,
      batchSize: args.integer('batch-size', 16),
      maxSteps: optionalInteger(args, 'steps'),
      epochs: optionalInteger(args, 'epochs'),
      learningRate,
      warmupRatio,
      restrictVocabulary: args.flag('restrict-vocabulary'),
      checkpointSteps: optionalInteger(args, 'checkpoint-steps'),
      resumeFrom: args.string('resume'),
      outputDir: args.string('output-dir') ?? path.join(workshopParams.outputDir, 'pretrain'),
      seed,
      signal: stop.signal,
      log: logToStderr,
    });
    if (result.stopped === 'interrupted') process.exitCode = 130;
    const last = result.losses.slice(-10);
    printJson({
      steps: result.steps,
      stopped: result.stopped,
      sequences: result.sequences,
      vocabulary: result.vocabulary,
      train_loss_last_10_steps: last.reduce((a, b) => a + b, 0) / Math.max(1, last.length),
      seconds_per_step: result.secondsPerStep,
      heldout_mlm_loss: result.heldOut?.loss ?? null,
      heldout_masked_accuracy: result.heldOut?.accuracy ?? null,
      unigram_masked_accuracy: result.heldOut?.unigramAccuracy ?? null,
      heldout_masked_tokens: result.heldOut?.maskedTokens ?? 0,
      model_dir: result.finalModelDir,
    });
  } finally {
    process.removeListener('SIGINT', onSigint);
    model.dispose();
  }
});

const fillMaskCommand: CliCommand = defineCommand(FILL_MASK, async (args) => {
  const topK = args.integer('top-k', 5);
  await initBackend(args.oneOf('backend', BACKEND_CHOICES, workshopParams.backend));
  const fill = await fillMaskPipeline(args.required('model'), { topK, hub: { log: logToStderr } });
  try {
    printJson(args.positionals.length === 1 ? await fill(args.positionals[0]) : await fill(args.positionals));
  } finally {
    fill.dispose();
  }
});

export const commands: Record<string, CliCommand> = { pretrain: pretrainCommand, 'fill-mask': fillMaskCommand };
