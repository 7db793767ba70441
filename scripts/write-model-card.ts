// Ships the body of an `ft-roberta pretrain` run as a Hugging Face folder (config.json,
// model.safetensors in float16, README.md model card) and writes every figure of the card from the
// run's own records, never by hand:
//
//   node dist/scripts/write-model-card.js --run runs/pretrain-offline [--out models/offline-pretrained]
//   node dist/scripts/write-model-card.js --table runs/ft-*.json     (fine-tuning runs as a markdown table)
//
// `--run PREFIX` names what the run left behind:
//   PREFIX.json   the command's stdout; its last line is the result JSON (steps, held-out figures, model_dir)
//   PREFIX.argv   the command line, one argument per line (copied from /proc/PID/cmdline while it ran)
//   PREFIX.start  UTC seconds when it was launched; PREFIX.end  UTC seconds when it exited
// The weights come from the result's model_dir, or from OUTPUT_DIR/checkpoint when the run was interrupted.
// Position rows the run never trained (it packed `--max-length` tokens) are widened to 514 like
// roberta-base, with freshly initialised rows, so the body also takes 512-token inputs.
// Tokens seen are counted by replaying the run's batch order (lib/pretrain.ts's Pretrainer.batch).
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'node:util';
import { initBackend } from '../lib/backend';
import { parseCommandArgs } from '../lib/cli/args';
import { PRETRAIN } from '../lib/cli/specs';
import { generateSplit } from '../lib/data/corpus';
import { ensureDir, writeFileAtomic, writeJsonAtomic } from '../lib/fsutil';
import { configToJson, ROBERTA_BASE_CONFIG, type RobertaConfig } from '../lib/model/config';
import { RobertaForMaskedLM } from '../lib/model/roberta';
import { writeSafetensors, type NamedFloat32Tensor } from '../lib/model/safetensors';
import { Pretrainer } from '../lib/pretrain';
import { UNSEEN_ID_BIAS } from '../lib/compact-vocabulary';
import { loadTokenizer, type RobertaTokenizer } from '../lib/tokenizer';
import { params as workshopParams } from '../params';

const POSITION_TABLE = 'roberta.embeddings.position_embeddings.weight';
const LM_HEAD_BIAS = 'lm_head.bias';

/** The last line of the pretrain command's stdout, as JSON. */
export interface PretrainRunJson {
  steps: number;
  stopped: 'completed' | 'interrupted';
  sequences: number;
  vocabulary: 'full' | number;
  train_loss_last_10_steps: number;
  seconds_per_step: number;
  heldout_mlm_loss: number | null;
  heldout_masked_accuracy: number | null;
  unigram_masked_accuracy: number | null;
  heldout_masked_tokens: number;
  model_dir: string | null;
}

export interface RunRecord {
  result: PretrainRunJson;
  /** The command line without the node executable. */
  command: string[];
  wallSeconds: number;
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

function readSeconds(file: string): number {
  const text = readText(file).trim();
  const value = Number(text);
  if (!/^\d+$/.test(text)) throw new Error(`${file}: expected UTC seconds (an integer), found ${JSON.stringify(text)}`);
  return value;
}

/** Reads PREFIX.json / .argv / .start / .end; errors name the file and what was wrong. */
export function readRunRecord(prefix: string): RunRecord {
  const jsonFile = `${prefix}.json`;
  const lines = readText(jsonFile)
    .split('\n')
    .filter((line) => line.trim() !== '');
  if (lines.length === 0) throw new Error(`${jsonFile}: empty (the run printed no result line)`);
  let result: PretrainRunJson;
  try {
    result = JSON.parse(lines[lines.length - 1]) as PretrainRunJson;
  } catch (err) {
    throw new Error(`${jsonFile}: the last line is not JSON (${(err as Error).message})`);
  }
  for (const key of ['steps', 'seconds_per_step', 'heldout_mlm_loss', 'heldout_masked_accuracy'] as const) {
    if (typeof result[key] !== 'number') {
      throw new Error(`${jsonFile}: expected a number in '${key}', found ${JSON.stringify(result[key])}`);
    }
  }
  const argv = readText(`${prefix}.argv`)
    .split('\n')
    .filter((arg) => arg !== '');
  const pretrainAt = argv.indexOf('pretrain');
  if (pretrainAt < 0) throw new Error(`${prefix}.argv: expected a 'pretrain' command line, found ${argv.join(' ')}`);
  return {
    result,
    command: argv,
    wallSeconds: readSeconds(`${prefix}.end`) - readSeconds(`${prefix}.start`),
  };
}

/** Replays the run's batch order from its options and seed: the tokens (not padding) of the batches it fed. */
function tokensSeen(model: RobertaForMaskedLM, record: RunRecord, tokenizer: RobertaTokenizer): number {
  const args = parseCommandArgs(PRETRAIN, record.command.slice(record.command.indexOf('pretrain') + 1));
  if (args.string('texts') !== undefined) {
    throw new Error('write-model-card: only runs on the offline corpus are replayed');
  }
  const seed = args.integer('seed', workshopParams.seed, 0);
  const texts = generateSplit(seed, 'unsupervised', args.integer('reviews', 20000)).map((review) => review.text);
  const pretrainer = new Pretrainer({
    model,
    tokenizer,
    texts,
    maxLength: args.integer('max-length', 256),
    batchSize: args.integer('batch-size', 16),
    maxSteps: record.result.steps,
    seed,
  });
  try {
    let tokens = 0;
    for (let step = 0; step < record.result.steps; step++) {
      const epoch = Math.floor(step / pretrainer.batchesPerEpoch);
      const batch = pretrainer.batch(epoch, step % pretrainer.batchesPerEpoch);
      tokens += batch.attentionMask.reduce((sum, bit) => sum + bit, 0);
    }
    return tokens;
  } finally {
    pretrainer.dispose();
  }
}

/** The run's output folder (its --output-dir, relative to the working directory it ran in). */
function weightsDir(record: RunRecord): string {
  if (record.result.model_dir !== null) return record.result.model_dir;
  const args = parseCommandArgs(PRETRAIN, record.command.slice(record.command.indexOf('pretrain') + 1));
  const outputDir = args.string('output-dir');
  if (outputDir === undefined) {
    throw new Error('write-model-card: an interrupted run without --output-dir has no checkpoint');
  }
  return path.join(outputDir, 'checkpoint');
}

/** The model's tensors; the position table widened to `positions` rows, the new rows taken from `fresh`. */
async function shippedTensors(
  model: RobertaForMaskedLM,
  fresh: RobertaForMaskedLM,
  positions: number,
): Promise<NamedFloat32Tensor[]> {
  const tensors: NamedFloat32Tensor[] = [];
  for (const [name, variable] of model.parameters) {
    const values = (await variable.data()) as Float32Array;
    if (name !== POSITION_TABLE || variable.shape[0] >= positions) {
      tensors.push({ name, shape: variable.shape, values });
      continue;
    }
    const hidden = values.length / variable.shape[0];
    const freshTable = fresh.parameters.get(name);
    if (freshTable === undefined) throw new Error(`write-model-card: the fresh model has no '${name}'`);
    const out = Float32Array.from(((await freshTable.data()) as Float32Array).subarray(0, positions * hidden));
    out.set(values);
    tensors.push({ name, shape: [positions, hidden], values: out });
  }
  return tensors;
}

function fixed(value: number | null, digits: number): string {
  return value === null ? 'n/a' : value.toFixed(digits);
}

export interface CardFacts {
  record: RunRecord;
  config: RobertaConfig;
  trainedPositions: number;
  tokensSeen: number;
  /** Ids the softmax ran over: those whose lm_head.bias is not UNSEEN_ID_BIAS. */
  scoredIds: number;
  sha256: string;
  bytes: number;
  parameters: number;
  exportCommand: string;
}

/** Thousands separated, as the card prints counts. */
function count(value: number): string {
  return value.toLocaleString('en-US');
}

/** The README.md of the shipped folder. */
export function modelCard(facts: CardFacts): string {
  const { record, config } = facts;
  const r = record.result;
  const args = parseCommandArgs(PRETRAIN, record.command.slice(record.command.indexOf('pretrain') + 1));
  const seed = args.integer('seed', workshopParams.seed, 0);
  const minutes = (record.wallSeconds / 60).toFixed(1);
  const threads = args.integer('wasm-threads', 1);
  const reviews = count(args.integer('reviews', 20000));
  const heldOutReviews = count(args.integer('held-out-reviews', 500, 0));
  const shape =
    `${config.num_hidden_layers} layers, hidden ${config.hidden_size}, ${config.num_attention_heads} heads, ` +
    `intermediate ${config.intermediate_size}`;
  const packed = facts.trainedPositions - 2;
  const loss = `${fixed(r.heldout_mlm_loss, 4)} (softmax over the pretraining ids)`;
  return `# offline-pretrained: a small RoBERTa body pretrained on the offline corpus

A \`RobertaForMaskedLM\` (${shape}; ${count(facts.parameters)} parameters) pretrained by this
project with masked-language modelling on the unlabelled reviews of the offline corpus (its \`unsupervised\`
split, disjoint from train / validation / test). It is what \`params.model = 'offline'\` fine-tunes.
Use it with the offline tokenizer (\`tokenizer: 'offline'\`).

## How it was made

Pretraining texts: the first ${reviews} reviews of the offline corpus's unsupervised split (seed ${seed});
held out: the next ${heldOutReviews}. The command (the last line it prints is the result JSON this card
quotes):

    ${record.command.join(' ')}

Export (float16, this card):

    ${facts.exportCommand}

- Recipe: RoBERTa's (dynamic 15% masking with 80/10/10 replacement, full-sentence packing, AdamW beta2 0.98,
  warmup then linear decay). With \`--restrict-vocabulary\` the softmax ran over ${facts.scoredIds} token ids: the
  ${r.vocabulary} that occur in the pretraining text and the special tokens. Ids absent from the corpus were never
  trained; in the shipped weights they have decoder bias (\`lm_head.bias\`) ${UNSEEN_ID_BIAS}, so a
  full-vocabulary softmax gives them probability 0, which is the softmax the body was trained and measured with.
- Steps: ${r.steps} (${r.stopped}); tokens seen: ${count(facts.tokensSeen)} (padding excluded);
  packed sequences available: ${count(r.sequences)}.
- Wall time: ${minutes} min from launch to exit (${r.seconds_per_step.toFixed(2)} s per step; tfjs wasm backend,
  ${threads === 1 ? 'one thread' : `${threads} threads`}, on a 2-core machine that ran other work at the same time).
- Positions: pretraining packed ${packed} tokens per sequence, so position rows ${facts.trainedPositions} and up
  (of ${config.max_position_embeddings}) are freshly initialised, not learned.

## What it learned (held-out text)

Figures on ${count(r.heldout_masked_tokens)} masked tokens of unlabelled reviews held out from pretraining:

| | masked-token accuracy | MLM loss |
|---|---|---|
| this body | ${fixed(r.heldout_masked_accuracy, 4)} | ${loss} |
| unigram guesser (most frequent token) | ${fixed(r.unigram_masked_accuracy, 4)} | |

Training loss over the last 10 steps: ${r.train_loss_last_10_steps.toFixed(4)}.

## File

\`model.safetensors\`: float16 (rounded to nearest), ${(facts.bytes / 2 ** 20).toFixed(1)} MiB.
SHA-256 of model.safetensors: \`${facts.sha256}\`
`;
}

/**
 * A markdown table of `ft-roberta train` runs: for each RUN.json (the command's stdout) its
 * RUN.params.json (the --params file) gives the model and learning rate.
 */
export function fineTuningTable(runFiles: string[]): string {
  const rows = runFiles.map((file) => {
    const lines = readText(file)
      .split('\n')
      .filter((line) => line.trim() !== '');
    if (lines.length === 0) throw new Error(`${file}: empty (the run printed no metrics line)`);
    const metrics = JSON.parse(lines[lines.length - 1]) as Record<string, number>;
    const paramsFile = file.replace(/\.json$/, '.params.json');
    const runParams = JSON.parse(readText(paramsFile)) as Record<string, unknown>;
    const model = String(runParams.model ?? workshopParams.model);
    const learningRate = Number(runParams.learningRate ?? workshopParams.learningRate);
    const warmup = Number(runParams.warmupRatio ?? workshopParams.warmupRatio);
    return (
      `| ${model} | ${learningRate} | ${warmup} | ${metrics.eval_accuracy.toFixed(4)} | ` +
      `${metrics.unigram_baseline_eval_accuracy.toFixed(4)} | ${(metrics.train_runtime / 60).toFixed(1)} | ` +
      `${path.basename(file)} |`
    );
  });
  return [
    '| model | learning rate | warmup ratio | validation accuracy | bag-of-words (unigram) | training min | run file |',
    '|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      table: { type: 'boolean', default: false },
      run: { type: 'string' },
      out: { type: 'string', default: path.join('models', 'offline-pretrained') },
      positions: { type: 'string', default: String(ROBERTA_BASE_CONFIG.max_position_embeddings) },
    },
  });
  if (values.table === true) {
    process.stdout.write(fineTuningTable(positionals) + '\n');
    return;
  }
  if (values.run === undefined) {
    throw new Error('usage: write-model-card --run PREFIX [--out DIR] [--positions N] | --table RUN.json ...');
  }
  const out = values.out!;
  const positions = Number(values.positions);
  const record = readRunRecord(values.run);
  await initBackend('wasm');
  const tokenizer = await loadTokenizer('offline');
  const model = await RobertaForMaskedLM.fromPretrained(weightsDir(record), { strict: true });
  const trainedPositions = model.config.max_position_embeddings;
  const config: RobertaConfig = { ...model.config, max_position_embeddings: Math.max(positions, trainedPositions) };
  const fresh = RobertaForMaskedLM.fromConfig(config, { seed: workshopParams.seed });
  try {
    const tensors = await shippedTensors(model, fresh, config.max_position_embeddings);
    const bias = tensors.find((tensor) => tensor.name === LM_HEAD_BIAS)?.values ?? new Float32Array();
    const scoredIds = bias.filter((value) => value !== UNSEEN_ID_BIAS).length;
    ensureDir(out);
    const weightsFile = path.join(out, 'model.safetensors');
    writeSafetensors(weightsFile, tensors, { format: 'pt' }, 'F16');
    writeJsonAtomic(path.join(out, 'config.json'), { ...configToJson(config), architectures: ['RobertaForMaskedLM'] });
    const bytes = fs.readFileSync(weightsFile);
    const card = modelCard({
      record,
      config,
      trainedPositions,
      tokensSeen: tokensSeen(model, record, tokenizer),
      scoredIds,
      sha256: crypto.createHash('sha256').update(bytes).digest('hex'),
      bytes: bytes.length,
      parameters: tensors.reduce((sum, t) => sum + t.values.length, 0),
      exportCommand: `node dist/scripts/write-model-card.js --run ${values.run} --out ${out}`,
    });
    writeFileAtomic(path.join(out, 'README.md'), card);
    process.stdout.write(`${out}: ${bytes.length} bytes of float16 weights, card written\n`);
  } finally {
    model.dispose();
    fresh.dispose();
  }
}

if (require.main === module) {
  main().catch((err: Error) => {
    process.stderr.write(`write-model-card: ${err.message}\n`);
    process.exit(1);
  });
}
