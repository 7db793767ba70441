// `ft-roberta logits` and `ft-roberta resave`: the model's command-line face, also used to check
// parity with Python on checkpoints from elsewhere.
import * as fs from 'fs';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import type { CliCommand } from './types';
import { initBackend, type BackendChoice } from '../backend';
import { readJsonFile } from '../fsutil';
import { RobertaForMaskedLM, RobertaForSequenceClassification } from '../model/roberta';
import { pretrainedArchitecture } from '../model/pretrained';

function requireOption(value: string | undefined, flag: string, usage: string): string {
  if (value === undefined || value === '') throw new Error(`missing ${flag}\nusage: ${usage}`);
  return value;
}

/** A rectangular int matrix from the input file; errors name the file and field. */
function intMatrix(file: string, field: string, value: unknown): number[][] {
  if (!Array.isArray(value) || value.length === 0 || !value.every(Array.isArray)) {
    throw new Error(`${file}: "${field}" must be a non-empty list of lists of integers`);
  }
  const rows = value as unknown[][];
  const width = rows[0].length;
  rows.forEach((row, i) => {
    if (row.length !== width) throw new Error(`${file}: "${field}" row ${i} has ${row.length} entries, row 0 has ${width}`);
    const bad = row.findIndex((v) => typeof v !== 'number' || !Number.isInteger(v));
    if (bad >= 0) throw new Error(`${file}: "${field}"[${i}][${bad}] must be an integer, found ${JSON.stringify(row[bad])}`);
  });
  if (width === 0) throw new Error(`${file}: "${field}" rows are empty`);
  return rows as number[][];
}

function readLogitsInput(file: string): { inputIds: number[][]; attentionMask: number[][] | null } {
  const json = readJsonFile(file);
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new Error(`${file}: expected {"input_ids": [[...]], "attention_mask": [[...]]}`);
  const record = json as Record<string, unknown>;
  const inputIds = intMatrix(file, 'input_ids', record.input_ids);
  if (record.attention_mask === undefined) return { inputIds, attentionMask: null };
  const attentionMask = intMatrix(file, 'attention_mask', record.attention_mask);
  if (attentionMask.length !== inputIds.length || attentionMask[0].length !== inputIds[0].length) {
    throw new Error(
      `${file}: "attention_mask" is ${attentionMask.length}x${attentionMask[0].length}, "input_ids" ${inputIds.length}x${inputIds[0].length}`,
    );
  }
  return { inputIds, attentionMask };
}

const logits: CliCommand = {
  summary: 'logits --model DIR|HUB_ID --input FILE.json [--backend wasm|cpu]: eval-mode logits as JSON (classifier or masked LM)',
  async run(argv) {
    const usage = 'ft-roberta logits --model DIR|HUB_ID --input FILE.json [--backend auto|wasm|cpu|tensorflow]';
    const { values } = parseArgs({ args: argv, options: { model: { type: 'string' }, input: { type: 'string' }, backend: { type: 'string' } }, strict: true });
    const modelSource = requireOption(values.model, '--model', usage);
    const inputFile = requireOption(values.input, '--input', usage);
    const input = readLogitsInput(inputFile);
    await initBackend((values.backend ?? 'auto') as BackendChoice);
    const log = { log: (message: string) => process.stderr.write(`${message}\n`) };
    const masked = (await pretrainedArchitecture(modelSource, log)) === 'RobertaForMaskedLM';
    const model = masked ? await RobertaForMaskedLM.fromPretrained(modelSource, log) : await RobertaForSequenceClassification.fromPretrained(modelSource, log);
    try {
      // [batch][labels] from a classifier, [batch][sequence][vocabulary] from a masked-language model.
      const rows = tf.tidy(() => {
        const inputIds = tf.tensor2d(input.inputIds, undefined, 'int32');
        const attentionMask = input.attentionMask === null ? undefined : tf.tensor2d(input.attentionMask, undefined, 'int32');
        return model.forward({ inputIds, attentionMask }, { training: false }).arraySync();
      });
      // An MLM's logits run to megabytes: wait until the pipe took them all, since the CLI exits right after.
      await new Promise<void>((resolve, reject) => process.stdout.write(`${JSON.stringify({ logits: rows })}\n`, (err) => (err ? reject(err) : resolve())));
    } finally {
      model.dispose();
    }
  },
};

const resave: CliCommand = {
  summary: 'resave --model DIR|HUB_ID --out DIR: load (safetensors or pytorch_model.bin) and save as config.json + model.safetensors',
  async run(argv) {
    const usage = 'ft-roberta resave --model DIR|HUB_ID --out DIR [--backend auto|wasm|cpu|tensorflow]';
    const { values } = parseArgs({ args: argv, options: { model: { type: 'string' }, out: { type: 'string' }, backend: { type: 'string' } }, strict: true });
    const modelSource = requireOption(values.model, '--model', usage);
    const out = requireOption(values.out, '--out', usage);
    if (fs.existsSync(out) && !fs.statSync(out).isDirectory()) throw new Error(`${out}: exists and is not a folder`);
    await initBackend((values.backend ?? 'auto') as BackendChoice);
    const model = await RobertaForSequenceClassification.fromPretrained(modelSource, { log: (message) => process.stderr.write(`${message}\n`) });
    try {
      await model.savePretrained(out);
      const report = model.loadReport;
      process.stdout.write(
        `${JSON.stringify({ saved: out, parameters: model.numParameters(), missing: report?.missing ?? [], unexpected: report?.unexpected ?? [], ignored: report?.ignored ?? [] })}\n`,
      );
    } finally {
      model.dispose();
    }
  },
};

export const commands: Record<string, CliCommand> = { logits, resave };
