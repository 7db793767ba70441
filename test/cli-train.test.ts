// `ft-roberta train` as users run it: Ctrl-C saves a checkpoint, says how to resume and exits 130;
// the printed command resumes to the very weights of an uninterrupted run; the output folder is
// checked before training; unfinished saves of a killed run are cleaned up.
import { test, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPO_ROOT } from './helpers/paths';

const CLI = path.join(REPO_ROOT, 'dist', 'lib', 'cli.js');
const ENV = { ...process.env, FT_ROBERTA_BACKEND: 'wasm' };
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-train-'));
after(() => fs.rmSync(work, { recursive: true, force: true }));

/** 2 epochs of 4 batches of a small model on short reviews: seconds, not minutes. */
function writeParams(name: string, outputDir: string): string {
  const file = path.join(work, `${name}.json`);
  const params = {
    trainSize: 8,
    validationSize: 4,
    numTrainEpochs: 2,
    perDeviceTrainBatchSize: 2,
    maxLength: 24,
    outputDir,
  };
  fs.writeFileSync(file, JSON.stringify(params));
  return file;
}

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI; `interruptWhen` sees stderr as it grows and returns true once to send SIGINT. */
function runCli(args: string[], interruptWhen?: (stderr: string) => boolean): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: ENV });
    let stdout = '';
    let stderr = '';
    let interrupted = false;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (!interrupted && interruptWhen?.(stderr)) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

interface TrainerPosition {
  epoch: number;
  batchIndex: number;
}

const savedModels = (dir: string): string[] =>
  fs
    .readdirSync(dir)
    .filter((name) => /^E\d\d/.test(name))
    .sort();
const bytesOf = (...parts: string[]): Buffer => fs.readFileSync(path.join(...parts));

interface EvaluateReport {
  accuracy: number;
  count: number;
  confusion_matrix: number[][];
  loss: number;
}

const RESUME_TEST =
  'Ctrl-C in epoch 1 saves a checkpoint and exits 130; the printed command resumes to the weights of a straight run';

test(RESUME_TEST, { timeout: 900_000 }, async () => {
  // The straight run, in a folder holding what kill -9 during a save leaves behind.
  const straightDir = path.join(work, 'straight');
  fs.mkdirSync(straightDir);
  const stale = path.join(straightDir, `.checkpoint.tmp-${deadPid()}-1700000000000`);
  fs.mkdirSync(stale);
  fs.writeFileSync(path.join(stale, 'model.safetensors'), 'half written');
  const live = path.join(straightDir, `.E01.tmp-${process.pid}-1700000000000`);
  fs.mkdirSync(live);
  const notOurs = path.join(straightDir, `.notes.tmp-${deadPid()}-1700000000000`);
  fs.mkdirSync(notOurs);
  const straight = await runCli(['train', '--params', writeParams('straight', straightDir)]);
  assert.equal(straight.code, 0, straight.stderr);
  assert.ok(
    straight.stderr.includes(`removed 1 unfinished save from an interrupted run: ${stale}\n`),
    `the cleanup is reported; stderr:\n${straight.stderr}`,
  );
  assert.ok(!fs.existsSync(stale), "the dead process's temp folder is gone");
  assert.ok(fs.existsSync(live), "a live process's temp folder stays");
  assert.ok(fs.existsSync(notOurs), 'a folder not named like our saves stays');
  const straightMetrics = JSON.parse(straight.stdout) as Record<string, number | string>;
  assert.equal(straightMetrics.epoch, 2);

  // The same run, interrupted after its first batches.
  const resumedDir = path.join(work, 'resumed');
  const paramsFile = writeParams('resumed', resumedDir);
  const afterFirstBatches = (stderr: string): boolean => /Epoch 1\/2: .* [1-3]\/4 /.test(stderr);
  const interrupted = await runCli(['train', '--params', paramsFile], afterFirstBatches);
  assert.equal(interrupted.code, 130, interrupted.stderr);
  assert.equal(interrupted.stdout, '', 'no metrics line for an interrupted run');
  const message = /^interrupted: checkpoint saved in (.+); resume with: (.+)$/m.exec(interrupted.stderr);
  assert.ok(message !== null, `interrupt message on stderr:\n${interrupted.stderr}`);
  const checkpointDir = path.join(resumedDir, 'checkpoint');
  assert.equal(message[1], checkpointDir);
  assert.equal(message[2], `npx ft-roberta train --params ${paramsFile} --resume ${checkpointDir}`);
  const state = JSON.parse(bytesOf(checkpointDir, 'trainer_state.json').toString()) as TrainerPosition;
  assert.equal(state.epoch, 0, 'stopped in epoch 1');
  assert.ok(state.batchIndex >= 1 && state.batchIndex < 4, `stopped after batch ${state.batchIndex} of 4`);
  assert.deepEqual(savedModels(resumedDir), [], 'no epoch finished before the interrupt');

  // The printed command, run as printed (npx ft-roberta is this bin).
  const words = message[2].split(' ');
  assert.deepEqual(words.slice(0, 3), ['npx', 'ft-roberta', 'train']);
  const resumed = await runCli(words.slice(2));
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stderr, new RegExp(`resuming from ${checkpointDir}\n`));
  assert.doesNotMatch(resumed.stderr, /Epoch 1\/2: .* 1\/4 /, 'batches already trained are not trained again');
  const resumedMetrics = JSON.parse(resumed.stdout) as Record<string, number | string>;

  assert.deepEqual(savedModels(resumedDir), savedModels(straightDir));
  for (const folder of [...savedModels(straightDir), 'checkpoint']) {
    assert.ok(
      bytesOf(resumedDir, folder, 'model.safetensors').equals(bytesOf(straightDir, folder, 'model.safetensors')),
      `${folder}/model.safetensors is byte-identical`,
    );
  }
  const optimizerState = (dir: string): Buffer => bytesOf(dir, 'checkpoint', 'optimizer.safetensors');
  assert.ok(optimizerState(resumedDir).equals(optimizerState(straightDir)), 'optimizer moments are byte-identical');
  for (const key of ['train_loss', 'eval_loss', 'eval_accuracy', 'eval_f1', 'epoch', 'best_epoch']) {
    assert.equal(resumedMetrics[key], straightMetrics[key], key);
  }

  // --resume without DIR finds the output folder's checkpoint; the run is complete, so nothing is trained.
  const again = await runCli(['train', '--params', paramsFile, '--resume']);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, new RegExp(`resuming from ${checkpointDir}\n`));
  assert.doesNotMatch(again.stderr, /Epoch \d\/2:/);
  assert.equal((JSON.parse(again.stdout) as Record<string, number>).eval_loss, straightMetrics.eval_loss);
});

test('an unwritable output folder fails before training, naming the folder', { timeout: 120_000 }, async () => {
  const blocker = path.join(work, 'a-file');
  fs.writeFileSync(blocker, '');
  const outputDir = path.join(blocker, 'out');
  const run = await runCli(['train', '--params', writeParams('unwritable', outputDir)]);
  assert.equal(run.code, 1, run.stderr);
  assert.equal(run.stdout, '');
  assert.equal(run.stderr, `ft-roberta: output folder ${outputDir}: cannot create it (ENOTDIR)\n`);
});

test('--resume fails clearly when there is no checkpoint to resume', { timeout: 120_000 }, async () => {
  const outputDir = path.join(work, 'empty');
  const paramsFile = writeParams('empty', outputDir);
  const latest = await runCli(['train', '--params', paramsFile, '--resume']);
  assert.equal(latest.code, 1);
  const expected = `^ft-roberta: no checkpoint to resume in the output folder ${outputDir}: `;
  assert.match(latest.stderr, new RegExp(`${expected}checkpoint ${outputDir}/checkpoint: no trainer_state\\.json`));
  const named = await runCli(['train', '--params', paramsFile, '--resume', path.join(work, 'nowhere')]);
  assert.equal(named.code, 1);
  assert.match(named.stderr, /^ft-roberta: --resume .*nowhere: checkpoint .*nowhere: no trainer_state\.json/);
  assert.equal(latest.stdout + named.stdout, '');
});

test('a tiny model trained by the CLI beats chance on its own training reviews', { timeout: 900_000 }, async () => {
  // 16 reviews in one batch, 5 epochs at a high learning rate: enough to fit them.
  const outputDir = path.join(work, 'fit');
  const paramsFile = path.join(work, 'fit.json');
  const params = {
    trainSize: 16,
    validationSize: 2,
    numTrainEpochs: 5,
    perDeviceTrainBatchSize: 16,
    maxLength: 24,
    learningRate: 5e-3,
  };
  fs.writeFileSync(paramsFile, JSON.stringify({ ...params, outputDir }));
  const trained = await runCli(['train', '--params', paramsFile]);
  assert.equal(trained.code, 0, trained.stderr);
  const metrics = JSON.parse(trained.stdout) as { epoch: number; train_loss: number };
  assert.equal(metrics.epoch, 5);
  const lastModel = path.join(outputDir, savedModels(outputDir).at(-1)!);
  assert.match(lastModel, /E05_A/);

  const evaluateArgs = ['--model', lastModel, '--split', 'train', '--limit', '16', '--max-length', '24'];
  const evaluated = await runCli(['evaluate', ...evaluateArgs]);
  assert.equal(evaluated.code, 0, evaluated.stderr);
  const report = JSON.parse(evaluated.stdout) as EvaluateReport;
  assert.equal(report.count, 16);
  const cells = report.confusion_matrix.flat();
  assert.equal(
    cells.reduce((a, b) => a + b, 0),
    16,
  );
  assert.equal(report.accuracy, (report.confusion_matrix[0][0] + report.confusion_matrix[1][1]) / 16);
  assert.ok(report.accuracy >= 0.75, `accuracy on its own training reviews ${report.accuracy} (chance 0.5)`);
  assert.ok(report.loss < Math.log(2), `loss ${report.loss} below chance's ln 2`);

  // predict agrees with evaluate: the top label of each training review is the model's prediction.
  const corpus = spawnSync(process.execPath, [CLI, 'corpus', '--limit', '4'], { encoding: 'utf8' });
  const reviews = corpus.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { text: string; label: number });
  const texts = reviews.map((review) => review.text);
  const predicted = await runCli(['predict', '--model', lastModel, '--max-length', '24', '--top-k', '2', ...texts]);
  assert.equal(predicted.code, 0, predicted.stderr);
  const scores = JSON.parse(predicted.stdout) as { label: string; score: number }[][];
  assert.equal(scores.length, 4);
  for (const row of scores) {
    assert.equal(row.length, 2);
    assert.ok(row[0].score >= row[1].score, 'best first');
    assert.ok(Math.abs(row[0].score + row[1].score - 1) < 1e-5, 'scores are probabilities');
  }
  const config = JSON.parse(bytesOf(lastModel, 'config.json').toString()) as { id2label: Record<string, string> };
  const correct = scores.filter((row, i) => row[0].label === config.id2label[String(reviews[i].label)]).length;
  assert.ok(correct >= 3, `${correct} of 4 training reviews predicted right`);
});
