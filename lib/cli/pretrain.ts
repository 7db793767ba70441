// ft-roberta pretrain | fill-mask: the masked-language model's command-line face.
//
//   ft-roberta pretrain [--texts FILE.json] [--held-out FILE.json] [--output-dir DIR] [--steps N] ...
//       MLM pretraining (lib/pretrain.ts) of the small offline shape, or of --model DIR, on a JSON
//       array of texts (default: reviews of the offline corpus, labels dropped). Progress goes to
//       stderr; the last stdout line is one JSON object: the held-out MLM loss and masked-token
//       accuracy next to the unigram guesser's.
//   ft-roberta fill-mask --model DIR [--top-k 5] "text with <mask>" ...
//       Hugging Face's fill-mask output as JSON (one result per text).
import * as path from 'path';
import { parseArgs } from 'node:util';
import type { CliCommand } from './types';
import { initBackend, type BackendChoice } from '../backend';
import { readJsonFile } from '../fsutil';
import { generateCorpus } from '../data/corpus';
import { offlineModelConfig } from '../model/config';
import { RobertaForMaskedLM } from '../model/roberta';
import { loadTokenizer } from '../tokenizer';
import { pretrain } from '../pretrain';
import { fillMaskPipeline } from '../fill-mask';
import { params as workshopParams } from '../../params';

function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value) + '\n');
}

function logToStderr(line: string): void {
  process.stderr.write(line + '\n');
}

/** A JSON array of strings; errors name the file and the first bad entry. */
export function readTexts(file: string): string[] {
  const json = readJsonFile(file);
  if (!Array.isArray(json))
    throw new Error(`${file}: expected a JSON array of texts, found ${json === null ? 'null' : typeof json}`);
  const bad = json.findIndex((t) => typeof t !== 'string');
  if (bad >= 0) throw new Error(`${file}: entry ${bad} is not a string (found ${JSON.stringify(json[bad])})`);
  return json as string[];
}

function positiveInteger(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(Number.isInteger(n) && n > 0)) throw new Error(`pretrain: ${flag} must be a positive integer, got '${value}'`);
  return n;
}

function positiveNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(Number.isFinite(n) && n >= 0)) throw new Error(`pretrain: ${flag} must be a number >= 0, got '${value}'`);
  return n;
}

const pretrainCommand: CliCommand = {
  summary:
    'pretrain [--texts FILE.json] [--steps N] [--restrict-vocabulary] ...: masked-language-model pretraining; prints one JSON line',
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        texts: { type: 'string' },
        'held-out': { type: 'string' },
        reviews: { type: 'string', default: '20000' },
        'held-out-reviews': { type: 'string', default: '500' },
        model: { type: 'string' },
        tokenizer: { type: 'string' },
        'output-dir': { type: 'string', default: path.join(workshopParams.outputDir, 'pretrain') },
        steps: { type: 'string' },
        epochs: { type: 'string' },
        'batch-size': { type: 'string', default: '16' },
        'max-length': { type: 'string', default: '256' },
        'learning-rate': { type: 'string' },
        'warmup-ratio': { type: 'string' },
        'restrict-vocabulary': { type: 'boolean', default: false },
        'checkpoint-steps': { type: 'string' },
        resume: { type: 'string' },
        seed: { type: 'string', default: String(workshopParams.seed) },
        backend: { type: 'string', default: workshopParams.backend },
      },
      strict: true,
    });
    const seed = Number(values.seed);
    if (!Number.isInteger(seed)) throw new Error(`pretrain: --seed must be an integer, got '${values.seed}'`);
    const maxLength = positiveInteger(values['max-length'], '--max-length') ?? 256;
    let texts: string[];
    let heldOutTexts: string[];
    if (values.texts !== undefined) {
      texts = readTexts(values.texts);
      heldOutTexts = values['held-out'] === undefined ? [] : readTexts(values['held-out']);
    } else {
      const train = positiveInteger(values.reviews, '--reviews') ?? 0;
      const validation = positiveInteger(values['held-out-reviews'], '--held-out-reviews') ?? 0;
      const corpus = generateCorpus({ seed, sizes: { train, validation, test: 0 } });
      texts = corpus.train.map((review) => review.text);
      heldOutTexts =
        values['held-out'] === undefined
          ? corpus.validation.map((review) => review.text)
          : readTexts(values['held-out']);
    }
    const platform = await initBackend(values.backend as BackendChoice);
    const tokenizer = await loadTokenizer(values.tokenizer ?? values.model ?? 'offline');
    const model =
      values.model === undefined
        ? RobertaForMaskedLM.fromConfig(
            offlineModelConfig(tokenizer.vocabSize, { max_position_embeddings: Math.max(258, maxLength + 2) }),
            { seed },
          )
        : await RobertaForMaskedLM.fromPretrained(values.model, { log: logToStderr });
    logToStderr(
      `backend ${platform.backend}; MLM pretraining on ${texts.length} texts (${heldOutTexts.length} held out), ${model.numParameters()} parameters`,
    );
    try {
      const result = await pretrain({
        model,
        tokenizer,
        texts,
        heldOutTexts,
        maxLength,
        batchSize: positiveInteger(values['batch-size'], '--batch-size'),
        maxSteps: positiveInteger(values.steps, '--steps'),
        epochs: positiveInteger(values.epochs, '--epochs'),
        learningRate: positiveNumber(values['learning-rate'], '--learning-rate'),
        warmupRatio: positiveNumber(values['warmup-ratio'], '--warmup-ratio'),
        restrictVocabulary: values['restrict-vocabulary'],
        checkpointSteps: positiveInteger(values['checkpoint-steps'], '--checkpoint-steps'),
        resumeFrom: values.resume,
        outputDir: values['output-dir'],
        seed,
        log: logToStderr,
      });
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
      model.dispose();
    }
  },
};

const fillMaskCommand: CliCommand = {
  summary: 'fill-mask --model DIR [--top-k 5] "text with <mask>" ...: the likeliest tokens for each mask, as JSON',
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: {
        model: { type: 'string' },
        'top-k': { type: 'string', default: '5' },
        backend: { type: 'string', default: workshopParams.backend },
      },
      allowPositionals: true,
      strict: true,
    });
    if (values.model === undefined) throw new Error('fill-mask: --model DIR is required');
    if (positionals.length === 0) throw new Error('fill-mask: give at least one text with <mask> in it');
    const topK = Number(values['top-k']);
    if (!(Number.isInteger(topK) && topK > 0))
      throw new Error(`fill-mask: --top-k must be a positive integer, got '${values['top-k']}'`);
    await initBackend(values.backend as BackendChoice);
    const fill = await fillMaskPipeline(values.model, { topK, hub: { log: logToStderr } });
    try {
      printJson(positionals.length === 1 ? await fill(positionals[0]) : await fill(positionals));
    } finally {
      fill.dispose();
    }
  },
};

export const commands: Record<string, CliCommand> = { pretrain: pretrainCommand, 'fill-mask': fillMaskCommand };
