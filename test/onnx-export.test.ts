// ONNX export: the graph onnxruntime-node runs reproduces transformers' logits on the fixtures
// (classifier and masked-LM heads, padded batches and each row alone), the file is what
// transformers.js expects, and bad input gets a clear error.
import { test, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { onnx } from 'onnx-proto';
import { exportOnnx } from '../lib/export/onnx';
import { OnnxRuntimeModel } from '../lib/export/ort';
import { SafetensorsFile, writeSafetensors } from '../lib/model/safetensors';
import { FIXTURES_DIR, REPO_ROOT } from './helpers/paths';
import { worstDifference } from './helpers/compare';

const CLASSIFIER = path.join(FIXTURES_DIR, 'tiny-roberta-a');
const MASKED_LM = path.join(FIXTURES_DIR, 'tiny-roberta-mlm');
const CLI = path.join(REPO_ROOT, 'dist', 'lib', 'cli.js');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'onnx-export-'));
after(() => fs.rmSync(work, { recursive: true, force: true }));

interface Batch {
  input_ids: number[][];
  attention_mask: number[][];
  lengths?: number[];
}

function readExpected<T>(dir: string): T {
  return JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8')) as T;
}

test('classifier: ORT logits within 1e-5 of transformers, padded and each row alone at its own length', async () => {
  const expected = readExpected<{ batch: Batch; logits: number[][]; logits_unpadded_rows: number[][] }>(CLASSIFIER);
  const out = path.join(work, 'classifier');
  const result = await exportOnnx({ model: CLASSIFIER, out });
  assert.equal(result.head, 'sequence-classification');
  const model = await OnnxRuntimeModel.load(out);
  const { input_ids: ids, attention_mask: mask, lengths } = expected.batch;
  const padded = await model.run(ids.flat(), mask.flat(), [ids.length, ids[0].length]);
  assert.deepEqual(padded.dims, [6, 2]);
  const worst = worstDifference(padded.logits, expected.logits.flat());
  assert.ok(worst.diff <= 1e-5, `padded batch: |diff| ${worst.diff} at flat index ${worst.index}`);
  for (let row = 0; row < ids.length; row++) {
    const length = lengths![row];
    const alone = await model.run(ids[row].slice(0, length), mask[row].slice(0, length), [1, length]);
    const rowWorst = worstDifference(alone.logits, expected.logits_unpadded_rows[row]);
    assert.ok(rowWorst.diff <= 1e-5, `row ${row} alone (${length} tokens): |diff| ${rowWorst.diff}`);
  }
});

test('masked LM: logits at the masked positions within 1e-4 of transformers (tied decoder)', async () => {
  type Expected = { batch: Batch; masked_positions: [number, number][]; logits_at_masked_positions: number[][] };
  const expected = readExpected<Expected>(MASKED_LM);
  const out = path.join(work, 'masked-lm');
  const result = await exportOnnx({ model: MASKED_LM, out });
  assert.equal(result.head, 'masked-lm');
  const model = await OnnxRuntimeModel.load(out);
  const { input_ids: ids, attention_mask: mask } = expected.batch;
  const { logits, dims } = await model.run(ids.flat(), mask.flat(), [ids.length, ids[0].length]);
  const [, seq, vocab] = dims;
  assert.deepEqual(dims, [ids.length, ids[0].length, 1000]);
  expected.masked_positions.forEach(([b, s], k) => {
    const row = logits.subarray((b * seq + s) * vocab, (b * seq + s + 1) * vocab);
    const worst = worstDifference(row, expected.logits_at_masked_positions[k]);
    assert.ok(worst.diff <= 1e-4, `masked position [${b}, ${s}]: |diff| ${worst.diff} at vocab id ${worst.index}`);
  });
  const config = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8')) as { architectures: string[] };
  assert.deepEqual(config.architectures, ['RobertaForMaskedLM']);
});

test('the file: opset 14, int64 inputs with dynamic axes, tensors as raw_data, standard operators', async () => {
  const out = path.join(work, 'layout');
  await exportOnnx({ model: CLASSIFIER, out, quantize: true });
  for (const name of ['model.onnx', 'model_quantized.onnx']) {
    const model = onnx.ModelProto.decode(fs.readFileSync(path.join(out, 'onnx', name)));
    assert.deepEqual(
      model.opsetImport.map((o) => [o.domain, Number(o.version)]),
      [['', 14]],
    );
    const graph = model.graph!;
    const dims = (v: onnx.IValueInfoProto): (string | number)[] =>
      v.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue));
    assert.deepEqual(
      graph.input!.map((v) => [v.name, v.type!.tensorType!.elemType, dims(v)]),
      [
        ['input_ids', 7, ['batch_size', 'sequence_length']],
        ['attention_mask', 7, ['batch_size', 'sequence_length']],
      ],
    );
    assert.deepEqual(
      graph.output!.map((v) => [v.name, dims(v)]),
      [['logits', ['batch_size', 2]]],
    );
    for (const init of graph.initializer!) {
      assert.ok(init.rawData !== undefined && init.rawData !== null, `${init.name} has no raw_data`);
    }
    assert.ok(
      graph.node!.every((n) => !n.domain),
      'only the default ONNX domain',
    );
    const ops = new Set(graph.node!.map((n) => n.opType));
    if (name === 'model_quantized.onnx') {
      assert.ok(ops.has('MatMulInteger') && ops.has('DynamicQuantizeLinear'), [...ops].join(','));
    }
    assert.ok(ops.has('Erf') && ops.has('CumSum'), 'exact GELU and position ids computed in the graph');
  }
  const quantized = await OnnxRuntimeModel.load(out, { quantized: true });
  const fp32 = await OnnxRuntimeModel.load(out);
  const expected = readExpected<{ batch: Batch }>(CLASSIFIER);
  const { input_ids: ids, attention_mask: mask } = expected.batch;
  const shape: [number, number] = [ids.length, ids[0].length];
  const a = (await fp32.run(ids.flat(), mask.flat(), shape)).logits;
  const b = (await quantized.run(ids.flat(), mask.flat(), shape)).logits;
  const worst = worstDifference(b, Array.from(a));
  assert.ok(worst.diff > 0 && worst.diff < 0.05, `int8 vs fp32 logits: |diff| ${worst.diff}`);
});

/** A copy of the classifier fixture with config fields changed or a tensor left out. */
function brokenCopy(name: string, configChanges: Record<string, unknown>, dropTensor?: string): string {
  const dir = path.join(work, name);
  fs.mkdirSync(dir, { recursive: true });
  const config = JSON.parse(fs.readFileSync(path.join(CLASSIFIER, 'config.json'), 'utf8')) as Record<string, unknown>;
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ ...config, ...configChanges }));
  const weights = SafetensorsFile.read(path.join(CLASSIFIER, 'model.safetensors'));
  const tensors = weights.names
    .filter((tensor) => tensor !== dropTensor)
    .map((name) => ({ name, shape: weights.tensors.get(name)!.shape, values: weights.readFloat32(name) }));
  writeSafetensors(path.join(dir, 'model.safetensors'), tensors);
  return dir;
}

test('bad input: not RoBERTa, another activation, a missing tensor: errors naming the file and field', async () => {
  const bert = brokenCopy('bert', { model_type: 'bert' });
  await assert.rejects(
    exportOnnx({ model: bert, out: path.join(work, 'never-1') }),
    /bert[/\\]config\.json: model_type must be "roberta".*found "bert"/,
  );
  const relu = brokenCopy('relu', { hidden_act: 'relu' });
  await assert.rejects(
    exportOnnx({ model: relu, out: path.join(work, 'never-2') }),
    /relu[/\\]config\.json: hidden_act must be "gelu".*found "relu"/,
  );
  const missing = brokenCopy('missing', {}, 'roberta.encoder.layer.1.output.dense.weight');
  await assert.rejects(
    exportOnnx({ model: missing, out: path.join(work, 'never-3') }),
    /model\.safetensors: missing weight 'roberta\.encoder\.layer\.1\.output\.dense\.weight' \(expected shape/,
  );
  for (const never of ['never-1', 'never-2', 'never-3']) {
    assert.equal(fs.existsSync(path.join(work, never)), false, `${never} was created`);
  }
  const temporary = fs.readdirSync(work).filter((name) => name.includes('.tmp-'));
  assert.deepEqual(temporary, [], 'no temporary folder left behind');
});

test('an existing output folder is refused without force and replaced with it', async () => {
  const out = path.join(work, 'existing');
  fs.mkdirSync(out);
  fs.writeFileSync(path.join(out, 'keep.txt'), 'mine');
  await assert.rejects(exportOnnx({ model: CLASSIFIER, out }), /existing: already exists; pass --force/);
  assert.equal(fs.readFileSync(path.join(out, 'keep.txt'), 'utf8'), 'mine');
  await exportOnnx({ model: CLASSIFIER, out, force: true });
  assert.deepEqual(fs.readdirSync(out).sort(), ['config.json', 'onnx']);
  assert.deepEqual(fs.readdirSync(path.join(out, 'onnx')), ['model.onnx']);
});

test('ft-roberta export: JSON on stdout; an existing folder is an error (exit 1) until --force', () => {
  const out = path.join(work, 'cli');
  const run = (...extra: string[]) =>
    spawnSync(process.execPath, [CLI, 'export', '--model', CLASSIFIER, '--out', out, ...extra], { encoding: 'utf8' });
  const first = run('--quantize');
  assert.equal(first.status, 0, first.stderr);
  const result = JSON.parse(first.stdout) as { files: { name: string }[]; tokenizer: string | null };
  const expectedFiles = [path.join('onnx', 'model.onnx'), path.join('onnx', 'model_quantized.onnx')];
  assert.deepEqual(
    result.files.map((f) => f.name),
    expectedFiles,
  );
  assert.equal(result.tokenizer, null);
  assert.match(first.stderr, /has no tokenizer files and no --tokenizer was given/);
  const again = run();
  assert.equal(again.status, 1);
  assert.match(again.stderr, /already exists; pass --force/);
  // The offline tokenizer's 50261 ids do not fit the fixture's 1000-row embedding table.
  const mismatch = run('--force', '--tokenizer', 'offline');
  assert.equal(mismatch.status, 1);
  assert.match(mismatch.stderr, /tokenizer offline: its 50261 ids do not fit the model's vocab_size 1000/);
  const previous = path.join(out, 'onnx', 'model_quantized.onnx');
  assert.ok(fs.existsSync(previous), 'a failed export leaves the previous folder as it was');
  assert.equal(run('--force').status, 0);
  assert.deepEqual(fs.readdirSync(path.join(out, 'onnx')), ['model.onnx']);
});
