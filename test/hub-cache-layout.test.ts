// The cache is Python's: a cache laid out by hand as huggingface_hub lays it out loads offline without a
// request; what we download lands in the same layout; main is revalidated online; other revisions work.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend';
import { hubDownload, hubListFiles } from '../lib/hub';
import { RobertaForSequenceClassification } from '../lib/model/roberta';
import { loadTokenizer } from '../lib/tokenizer';
import { startFakeHub } from './helpers/fake-hub';
import { closedPortEndpoint, filesUnder, layPythonCache, tempDir, withHfEnv } from './helpers/hub-cache';
import { FIXTURES_DIR } from './helpers/paths';

const FIXTURE = path.join(FIXTURES_DIR, 'tiny-roberta-a');
const MODEL_FILES = {
  'config.json': fs.readFileSync(path.join(FIXTURE, 'config.json')),
  'model.safetensors': fs.readFileSync(path.join(FIXTURE, 'model.safetensors')),
};
const COMMIT_A = 'a'.repeat(40);
const INPUT_IDS = [[0, 31414, 232, 2]];

function logits(model: RobertaForSequenceClassification): number[] {
  return tf.tidy(() => {
    const inputIds = tf.tensor2d(
      INPUT_IDS.map((row) => row.map((id) => id % 100)),
      undefined,
      'int32',
    );
    const attentionMask = tf.onesLike(inputIds);
    return Array.from(model.forward({ inputIds, attentionMask }, { training: false }).dataSync());
  });
}

let referenceLogits: number[] = [];

before(async () => {
  await initBackend('wasm');
  const model = await RobertaForSequenceClassification.fromPretrained(FIXTURE);
  referenceLogits = logits(model);
  model.dispose();
});

/** The offline tokenizer's files, as a repository on the Hub would hold them. */
async function tokenizerFiles(): Promise<{ files: Record<string, Buffer>; ids: number[][] }> {
  const tok = await loadTokenizer('offline');
  const dir = tempDir('hub-layout-tok-');
  tok.saveTo(dir);
  const files: Record<string, Buffer> = {};
  for (const name of ['tokenizer.json', 'tokenizer_config.json']) files[name] = fs.readFileSync(path.join(dir, name));
  return { files, ids: tok.encodePlain(['A cache laid out by Python']).inputIds };
}

for (const symlinks of [true, false]) {
  const style = symlinks ? 'relative symlinks into blobs' : 'copies, Windows style';
  test(`a cache laid out by hand like Python's (${style}) loads model and tokenizer offline, no request`, async () => {
    const cacheDir = tempDir('hub-layout-');
    const modelRepo = { type: 'models' as const, id: 'org/tiny-roberta', commit: COMMIT_A };
    const modelFolder = layPythonCache(cacheDir, modelRepo, MODEL_FILES, symlinks);
    const { files, ids } = await tokenizerFiles();
    layPythonCache(cacheDir, { type: 'models', id: 'org/tokenizer', commit: COMMIT_A }, files, symlinks);
    const snapshotEntry = path.join(modelFolder, 'snapshots', COMMIT_A, 'model.safetensors');
    assert.equal(fs.lstatSync(snapshotEntry).isSymbolicLink(), symlinks);
    const tripwire = await startFakeHub({ models: { 'org/tiny-roberta': MODEL_FILES } });
    try {
      // Offline, with HF_ENDPOINT at a server that records every request.
      await withHfEnv({ HF_HUB_CACHE: cacheDir, HF_HUB_OFFLINE: '1', HF_ENDPOINT: tripwire.endpoint }, async () => {
        const model = await RobertaForSequenceClassification.fromPretrained('org/tiny-roberta');
        assert.deepEqual(logits(model), referenceLogits);
        model.dispose();
        const tok = await loadTokenizer('org/tokenizer');
        assert.deepEqual(tok.encodePlain(['A cache laid out by Python']).inputIds, ids);
      });
      assert.deepEqual(tripwire.log, [], 'offline mode sent no request');
      // Offline, with HF_ENDPOINT at a closed port and the older HUGGINGFACE_HUB_CACHE naming the cache.
      const closed = await closedPortEndpoint();
      await withHfEnv({ HUGGINGFACE_HUB_CACHE: cacheDir, HF_HUB_OFFLINE: '1', HF_ENDPOINT: closed }, async () => {
        const file = await hubDownload('org/tiny-roberta', 'model.safetensors');
        assert.equal(file, snapshotEntry);
        assert.deepEqual(fs.readFileSync(file), MODEL_FILES['model.safetensors']);
        assert.deepEqual(await hubListFiles('org/tokenizer'), ['tokenizer.json', 'tokenizer_config.json']);
      });
      // Online but the server is unreachable: the cached snapshot of refs/main stands in, as in Python.
      await withHfEnv({ HF_HOME: path.dirname(cacheDir), HF_HUB_CACHE: cacheDir, HF_ENDPOINT: closed }, async () => {
        const tok = await loadTokenizer('org/tokenizer');
        assert.deepEqual(tok.encodePlain(['A cache laid out by Python']).inputIds, ids);
      });
    } finally {
      await tripwire.close();
    }
  });
}

test('a download lands in the Python layout: blobs/<etag>, refs/main, snapshots/<commit>/<file> -> blobs', async () => {
  const files = { 'config.json': '{"v":1}', 'nested/deeper/vocab.txt': 'a\nb\n' };
  const hub = await startFakeHub({ models: { 'org/tiny': files } });
  const cacheDir = tempDir('hub-layout-');
  try {
    const options = { endpoint: hub.endpoint, cacheDir, offline: false };
    const config = await hubDownload('org/tiny', 'config.json', options);
    const vocab = await hubDownload('org/tiny', 'nested/deeper/vocab.txt', options);
    const commit = hub.commitOf('models', 'org/tiny');
    const folder = path.join(cacheDir, 'models--org--tiny');
    assert.equal(fs.readFileSync(path.join(folder, 'refs', 'main'), 'utf8'), commit);
    assert.equal(config, path.join(folder, 'snapshots', commit, 'config.json'));
    const blobs = fs.readdirSync(path.join(folder, 'blobs')).sort();
    assert.equal(blobs.length, 2);
    assert.ok(
      blobs.every((b) => /^[0-9a-f]{40}$/.test(b)),
      `ETag quotes stripped: ${blobs.join(', ')}`,
    );
    assert.match(fs.readlinkSync(config), /^\.\.\/\.\.\/blobs\/[0-9a-f]{40}$/);
    assert.match(fs.readlinkSync(vocab), /^\.\.\/\.\.\/\.\.\/\.\.\/blobs\/[0-9a-f]{40}$/);
    assert.equal(fs.readFileSync(vocab, 'utf8'), 'a\nb\n');
    assert.deepEqual(
      filesUnder(folder).filter((f) => f.includes('incomplete')),
      [],
    );
  } finally {
    await hub.close();
  }
});

test('online, main is revalidated: a new commit is picked up, an unchanged file is not downloaded again', async () => {
  const files: Record<string, string> = { 'config.json': '{"v":1}', 'vocab.txt': 'same' };
  const hub = await startFakeHub({ models: { 'org/tiny': files } });
  const cacheDir = tempDir('hub-layout-');
  const gets = (file: string): number => hub.requests.filter((r) => r.endsWith(`/resolve/main/${file}`)).length;
  try {
    await withHfEnv({ HF_HUB_CACHE: cacheDir, HF_ENDPOINT: hub.endpoint }, async () => {
      await hubDownload('org/tiny', 'config.json');
      const oldVocab = await hubDownload('org/tiny', 'vocab.txt');
      const oldCommit = hub.commitOf('models', 'org/tiny');
      // Same commit: a HEAD each, no download.
      await hubDownload('org/tiny', 'config.json');
      assert.equal(gets('config.json'), 1);
      files['config.json'] = '{"v":2}';
      const newCommit = hub.commitOf('models', 'org/tiny');
      assert.notEqual(newCommit, oldCommit);
      const config = await hubDownload('org/tiny', 'config.json');
      assert.equal(fs.readFileSync(config, 'utf8'), '{"v":2}');
      assert.ok(config.includes(newCommit));
      const folder = path.join(cacheDir, 'models--org--tiny');
      assert.equal(fs.readFileSync(path.join(folder, 'refs', 'main'), 'utf8'), newCommit);
      const vocab = await hubDownload('org/tiny', 'vocab.txt');
      assert.ok(vocab.includes(newCommit));
      assert.equal(gets('vocab.txt'), 1, 'the unchanged file is linked from its blob, not fetched again');
      assert.equal(fs.readlinkSync(vocab), fs.readlinkSync(oldVocab));
      assert.equal(gets('config.json'), 2);
      // Offline now reads the new commit; the old snapshot is still there.
      const offline = await hubDownload('org/tiny', 'config.json', { offline: true });
      assert.equal(fs.readFileSync(offline, 'utf8'), '{"v":2}');
      assert.equal(fs.readFileSync(path.join(folder, 'snapshots', oldCommit, 'config.json'), 'utf8'), '{"v":1}');
    });
  } finally {
    await hub.close();
  }
});

test('a branch other than main and a commit hash work online and offline', async () => {
  const hub = await startFakeHub({
    models: { 'org/tiny': { 'config.json': '{"v":"main"}' } },
    revisions: { models: { 'org/tiny': { v1: { 'config.json': '{"v":"v1"}' } } } },
  });
  const cacheDir = tempDir('hub-layout-');
  try {
    const options = { endpoint: hub.endpoint, cacheDir, offline: false };
    const v1 = await hubDownload('org/tiny', 'config.json', { ...options, revision: 'v1' });
    assert.equal(fs.readFileSync(v1, 'utf8'), '{"v":"v1"}');
    const folder = path.join(cacheDir, 'models--org--tiny');
    assert.equal(fs.readFileSync(path.join(folder, 'refs', 'v1'), 'utf8'), hub.commitOf('models', 'org/tiny', 'v1'));
    assert.ok(!fs.existsSync(path.join(folder, 'refs', 'main')), 'main was not touched');
    assert.equal(await hubDownload('org/tiny', 'config.json', { cacheDir, offline: true, revision: 'v1' }), v1);
    await assert.rejects(
      hubDownload('org/tiny', 'config.json', { cacheDir, offline: true }),
      /org\/tiny@main: config\.json: not in the cache/,
    );

    const mainCommit = hub.commitOf('models', 'org/tiny');
    const pinned = await hubDownload('org/tiny', 'config.json', { ...options, revision: mainCommit });
    assert.equal(fs.readFileSync(pinned, 'utf8'), '{"v":"main"}');
    assert.ok(hub.requests.includes(`/org/tiny/resolve/${mainCommit}/config.json`));
    assert.ok(!fs.existsSync(path.join(folder, 'refs', mainCommit)), 'no ref file for a commit hash');
    // A commit never changes: once cached it is served without asking, online too.
    const count = hub.log.length;
    assert.equal(await hubDownload('org/tiny', 'config.json', { ...options, revision: mainCommit }), pinned);
    assert.equal(hub.log.length, count);
    assert.deepEqual(await hubListFiles('org/tiny', { cacheDir, offline: true, revision: 'v1' }), ['config.json']);
  } finally {
    await hub.close();
  }
});
