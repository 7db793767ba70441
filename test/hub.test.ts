import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { hubDownload, hubListFiles, isHubId, hubCacheDir } from '../lib/hub';
import { loadImdb } from '../lib/data/imdb';
import { RobertaForSequenceClassification } from '../lib/model/roberta';
import { loadTokenizer } from '../lib/tokenizer';
import { startFakeHub } from './helpers/fake-hub';
import { filesUnder, withHfEnv } from './helpers/hub-cache';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'hub-test-'));
}

test('hubDownload fetches a model file once, then serves it from the cache', async () => {
  const hub = await startFakeHub({ models: { 'org/tiny': { 'config.json': '{"a":1}', 'sub/x.txt': 'x' } } });
  const cacheDir = tempDir();
  try {
    const first = await hubDownload('org/tiny', 'config.json', { endpoint: hub.endpoint, cacheDir, offline: false });
    assert.equal(fs.readFileSync(first, 'utf8'), '{"a":1}');
    const again = await hubDownload('org/tiny', 'config.json', { endpoint: hub.endpoint, cacheDir, offline: false });
    assert.equal(again, first);
    assert.deepEqual(
      hub.requests.filter((r) => r.includes('config.json')),
      ['/org/tiny/resolve/main/config.json'],
    );
    const nested = await hubDownload('org/tiny', 'sub/x.txt', { endpoint: hub.endpoint, cacheDir, offline: false });
    assert.equal(fs.readFileSync(nested, 'utf8'), 'x');
    const offline = await hubDownload('org/tiny', 'config.json', { cacheDir, offline: true });
    assert.equal(offline, first);
  } finally {
    await hub.close();
  }
});

test('dataset files use the /datasets/ prefix and the tree API lists them across pages', async () => {
  const files = { 'data/train.csv': 'text,label\n', 'data/test.csv': 't', 'README.md': '#' };
  const hub = await startFakeHub({ datasets: { 'someone/imdb': files }, pageSize: 2 });
  const cacheDir = tempDir();
  try {
    const options = { endpoint: hub.endpoint, cacheDir, repoType: 'dataset' as const, offline: false };
    assert.deepEqual(await hubListFiles('someone/imdb', options), ['README.md', 'data/test.csv', 'data/train.csv']);
    const local = await hubDownload('someone/imdb', 'data/train.csv', options);
    assert.equal(fs.readFileSync(local, 'utf8'), 'text,label\n');
    assert.ok(hub.requests.includes('/datasets/someone/imdb/resolve/main/data/train.csv'));
    assert.deepEqual(await hubListFiles('someone/imdb', { ...options, offline: true }), ['data/train.csv']);
  } finally {
    await hub.close();
  }
});

test('errors name the repository and file; offline without cache refuses; tokens are sent', async () => {
  const hub = await startFakeHub({ models: { 'org/private': { 'config.json': '{}' } }, requireToken: 'secret' });
  const cacheDir = tempDir();
  try {
    const base = { endpoint: hub.endpoint, cacheDir, offline: false };
    await assert.rejects(
      hubDownload('org/private', 'config.json', base),
      /org\/private@main: config\.json: HTTP 401.*HF_TOKEN/,
    );
    const ok = await hubDownload('org/private', 'config.json', { ...base, token: 'secret' });
    assert.equal(fs.readFileSync(ok, 'utf8'), '{}');
    await assert.rejects(
      hubDownload('org/private', 'model.safetensors', { ...base, token: 'secret' }),
      /model\.safetensors: HTTP 404/,
    );
    await assert.rejects(
      hubDownload('org/other', 'config.json', { cacheDir, offline: true }),
      /not in the cache .* offline/,
    );
    assert.deepEqual(
      filesUnder(cacheDir).filter((f) => f.includes('incomplete')),
      [],
    );
  } finally {
    await hub.close();
  }
});

test('environment: HF_ENDPOINT, HF_HOME, HF_HUB_CACHE, HUGGINGFACE_HUB_CACHE, HF_TOKEN, HF_HUB_OFFLINE', async () => {
  const hub = await startFakeHub({ models: { 'roberta-base': { 'config.json': '{"b":2}' } }, requireToken: 'tok' });
  const home = tempDir();
  try {
    await withHfEnv({ HF_ENDPOINT: `${hub.endpoint}/`, HF_HOME: home, HF_TOKEN: 'tok' }, async () => {
      assert.equal(hubCacheDir(), path.join(home, 'hub'));
      const local = await hubDownload('roberta-base', 'config.json');
      assert.ok(local.startsWith(path.join(home, 'hub', 'models--roberta-base', 'snapshots')));
      process.env.HF_HUB_OFFLINE = '1';
      assert.equal(await hubDownload('roberta-base', 'config.json'), local);
      await assert.rejects(hubDownload('roberta-base', 'vocab.json'), /offline/);
    });
    await withHfEnv({ HF_HOME: home, HUGGINGFACE_HUB_CACHE: '/old/name' }, async () => {
      assert.equal(hubCacheDir(), '/old/name');
      process.env.HF_HUB_CACHE = '/new/name';
      assert.equal(hubCacheDir(), '/new/name', 'HF_HUB_CACHE wins over the older name');
    });
    // Without HF_TOKEN, the token file `huggingface-cli login` writes into HF_HOME.
    fs.writeFileSync(path.join(home, 'token'), 'tok\n');
    await withHfEnv({ HF_ENDPOINT: hub.endpoint, HF_HOME: home }, async () => {
      const fresh = { cacheDir: tempDir() };
      assert.equal(fs.readFileSync(await hubDownload('roberta-base', 'config.json', fresh), 'utf8'), '{"b":2}');
    });
  } finally {
    await hub.close();
  }
});

test('a source that looks like a local file and does not exist is "file not found", never a Hub lookup', async () => {
  const hub = await startFakeHub({ models: {}, datasets: {} });
  try {
    await withHfEnv({ HF_ENDPOINT: hub.endpoint, HF_HUB_CACHE: tempDir() }, async () => {
      const hubOptions = { endpoint: hub.endpoint, offline: false };
      await assert.rejects(loadImdb('reviews.csv', { hub: hubOptions }), /^Error: file not found: reviews\.csv$/);
      await assert.rejects(
        loadImdb('data/reviews.parquet', { hub: hubOptions }),
        /^Error: file not found: data\/reviews\.parquet$/,
      );
      await assert.rejects(loadImdb('~/imdb', { hub: hubOptions }), /^Error: file not found: ~\/imdb$/);
      await assert.rejects(loadTokenizer('tokenizer.json', hubOptions), /^Error: file not found: tokenizer\.json$/);
      await assert.rejects(
        loadTokenizer('models/my/tokenizer', hubOptions),
        /^Error: file not found: models\/my\/tokenizer$/,
      );
      await assert.rejects(
        RobertaForSequenceClassification.fromPretrained('./my-model', hubOptions),
        /^Error: file not found: \.\/my-model$/,
      );
      await assert.rejects(
        RobertaForSequenceClassification.fromPretrained('model.safetensors', hubOptions),
        /file not found: model\.safetensors/,
      );
      await assert.rejects(hubDownload('reviews.csv', 'x.csv', hubOptions), /^Error: file not found: reviews\.csv$/);
      await assert.rejects(hubListFiles('org\\name', hubOptions), /^Error: file not found: org\\name$/);
    });
    assert.deepEqual(hub.log, [], 'the Hub received no request');
  } finally {
    await hub.close();
  }
});

test('isHubId tells hub ids from local paths', () => {
  assert.ok(isHubId('roberta-base'));
  assert.ok(isHubId('jahjinx/IMDb_movie_reviews'));
  assert.ok(!isHubId(os.tmpdir()));
  assert.ok(!isHubId('./some/dir/deeper'));
  assert.ok(!isHubId('a/b/c'));
  assert.ok(isHubId('Qwen/Qwen2.5-0.5B'), 'a dot inside a name is not a file extension');
  const notIds = ['reviews.csv', 'org/data.parquet', 'model.safetensors', '.hidden', '~/x', '/abs', 'a\\b', 'C:x'];
  for (const local of [...notIds, 'a--b', 'a/..']) assert.ok(!isHubId(local), local);
});
