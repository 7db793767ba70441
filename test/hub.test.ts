import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { hubDownload, hubListFiles, isHubId, hubCacheDir } from '../lib/hub';
import { startFakeHub } from './helpers/fake-hub';

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
    assert.deepEqual(hub.requests.filter((r) => r.includes('config.json')), ['/org/tiny/resolve/main/config.json']);
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
    await assert.rejects(hubDownload('org/private', 'config.json', base), /org\/private@main: config\.json: HTTP 401.*HF_TOKEN/);
    const ok = await hubDownload('org/private', 'config.json', { ...base, token: 'secret' });
    assert.equal(fs.readFileSync(ok, 'utf8'), '{}');
    await assert.rejects(
      hubDownload('org/private', 'model.safetensors', { ...base, token: 'secret' }),
      /model\.safetensors: HTTP 404/,
    );
    await assert.rejects(hubDownload('org/other', 'config.json', { cacheDir, offline: true }), /not in the cache .* offline/);
    assert.equal(fs.readdirSync(path.dirname(ok)).filter((f) => f.includes('incomplete')).length, 0);
  } finally {
    await hub.close();
  }
});

test('environment switches: HF_ENDPOINT, HF_HOME, HF_TOKEN, HF_HUB_OFFLINE', async () => {
  const hub = await startFakeHub({ models: { 'roberta-base': { 'config.json': '{"b":2}' } }, requireToken: 'tok' });
  const home = tempDir();
  const saved = { ...process.env };
  try {
    process.env.HF_ENDPOINT = hub.endpoint;
    process.env.HF_HOME = home;
    process.env.HF_TOKEN = 'tok';
    delete process.env.HF_HUB_CACHE;
    delete process.env.HF_HUB_OFFLINE;
    assert.equal(hubCacheDir(), path.join(home, 'hub'));
    const local = await hubDownload('roberta-base', 'config.json');
    assert.ok(local.startsWith(path.join(home, 'hub')));
    process.env.HF_HUB_OFFLINE = '1';
    await assert.rejects(hubDownload('roberta-base', 'vocab.json'), /offline/);
  } finally {
    process.env = saved;
    await hub.close();
  }
});

test('isHubId tells hub ids from local paths', () => {
  assert.ok(isHubId('roberta-base'));
  assert.ok(isHubId('jahjinx/IMDb_movie_reviews'));
  assert.ok(!isHubId(os.tmpdir()));
  assert.ok(!isHubId('./some/dir/deeper'));
  assert.ok(!isHubId('a/b/c'));
});
