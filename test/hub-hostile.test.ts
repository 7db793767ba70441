// Hostile or broken answers from a server: file names that would escape the cache, a token that must
// not follow a pagination link or redirect to another host, bodies shorter or longer than announced.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { hubDownload, hubListFiles } from '../lib/hub';
import { loadImdb } from '../lib/data/imdb';
import { resolvePretrained } from '../lib/model/pretrained';
import { startFakeHub } from './helpers/fake-hub';
import { filesUnder, tempDir } from './helpers/hub-cache';

const CSV = 'text,label\ngood film,1\nbad film,0\n';

/** Everything under `root` must sit in a repository's blobs/, refs/ or snapshots/ inside `root/cache`. */
function assertOnlyCacheLayout(root: string): void {
  for (const file of filesUnder(root)) {
    assert.match(file, /^cache\/(models|datasets)--[^/]+--[^/]+\/(blobs|refs|snapshots)\//, `stray file ${file}`);
    assert.ok(
      !/x\.safetensors|escaped|etc|\bb$/.test(file.split('/').slice(3).join('/')),
      `escaped name landed: ${file}`,
    );
  }
}

test('shard names from model.safetensors.index.json that climb out of the cache are refused', async () => {
  const index = (shard: string): string =>
    JSON.stringify({ metadata: {}, weight_map: { 'roberta.embeddings.word_embeddings.weight': shard } });
  const hub = await startFakeHub({
    models: {
      'org/evil-a': { 'config.json': '{}', 'model.safetensors.index.json': index('../../x.safetensors') },
      'org/evil-b': { 'config.json': '{}', 'model.safetensors.index.json': index('../../../../escaped.safetensors') },
    },
    // What the URLs normalise to: a hostile server answers them, so only our own check stands in the way.
    routes: { '/org/evil-a/x.safetensors': 'planted', '/escaped.safetensors': 'planted' },
  });
  const root = tempDir('hub-hostile-');
  try {
    const options = { endpoint: hub.endpoint, cacheDir: path.join(root, 'cache'), offline: false };
    const outcomes = [];
    for (const repo of ['org/evil-a', 'org/evil-b']) {
      outcomes.push(await resolvePretrained(repo, options).then(String, (err: Error) => err.message));
    }
    // First what matters most: nothing landed outside the repositories' cache folders.
    assertOnlyCacheLayout(root);
    assert.match(
      outcomes[0],
      /weight_map: refusing the file name "\.\.\/\.\.\/x\.safetensors" \(has a '\.' or '\.\.' segment\)/,
    );
    assert.match(outcomes[1], /refusing the file name "\.\.\/\.\.\/\.\.\/\.\.\/escaped\.safetensors"/);
    // The same names handed to hubDownload directly are refused before any request.
    const before = hub.log.length;
    for (const name of ['../../x.safetensors', '../../../../escaped.safetensors']) {
      await assert.rejects(
        hubDownload('org/evil-a', name, options),
        /^Error: org\/evil-a@main: refusing the file name/,
      );
    }
    assert.equal(hub.log.length, before);
    assertOnlyCacheLayout(root);
    assert.ok(
      !hub.log.some((r) => r.path.includes('safetensors') && !r.path.endsWith('index.json')),
      'no shard was requested',
    );
  } finally {
    await hub.close();
  }
});

test('file names from the dataset file list that are absolute, climb, use backslashes or NUL are refused', async () => {
  const hostile = ['/etc/x', 'a\\..\\..\\b', 'a/../../b', 'train\0.csv', 'a//b', ''];
  const datasets: Record<string, Record<string, string>> = {};
  hostile.forEach((name, i) => (datasets[`org/list-${i}`] = { 'train.csv': CSV, 'test.csv': CSV, [name]: CSV }));
  const hub = await startFakeHub({ datasets, routes: { '/datasets/org/b': CSV, '/datasets/org/list-2/b': CSV } });
  const root = tempDir('hub-hostile-');
  try {
    const hubOptions = { endpoint: hub.endpoint, cacheDir: path.join(root, 'cache'), offline: false };
    for (const [i, name] of hostile.entries()) {
      const expected = (err: Error): boolean =>
        err.message.startsWith(`dataset org/list-${i}@main: file list from `) &&
        err.message.includes(`refusing the file name ${JSON.stringify(name)} (`);
      await assert.rejects(loadImdb(`org/list-${i}`, { hub: hubOptions }), expected, name);
      await assert.rejects(hubListFiles(`org/list-${i}`, { ...hubOptions, repoType: 'dataset' }), expected, name);
    }
    assert.deepEqual(
      hub.requests.filter((r) => r.includes('/resolve/')),
      [],
      'nothing was downloaded',
    );
    assertOnlyCacheLayout(root);
  } finally {
    await hub.close();
  }
});

test('HF_TOKEN goes only to the endpoint: not along a pagination link or a redirect to another host', async () => {
  const files = { 'IMDB_train.csv': CSV, 'IMDB_test.csv': CSV, 'README.md': '#', 'weights.bin': 'big weights' };
  // 127.0.0.2 is another host as far as origins go (Linux routes all of 127/8 to the loopback device).
  const both = { datasets: { 'org/imdb': files }, pageSize: 1 };
  const other = await startFakeHub({ ...both, models: { 'org/tiny': files } }, '127.0.0.2');
  const hub = await startFakeHub({
    datasets: { 'org/imdb': files },
    models: {
      'org/tiny': files,
      'org/old-name': { 'old.json': 'stale' },
      'org/new-name': { 'moved.json': '{"moved":true}' },
    },
    requireToken: 'secret',
    pageSize: 1,
    nextPageOrigin: other.endpoint,
    faults: {
      'weights.bin': { redirectTo: `${other.endpoint}/org/tiny/resolve/main/weights.bin` },
      'old.json': { redirectTo: '/org/new-name/resolve/main/moved.json' },
    },
  });
  const cacheDir = tempDir('hub-hostile-');
  try {
    const options = { endpoint: hub.endpoint, cacheDir, token: 'secret', offline: false };
    const listed = await hubListFiles('org/imdb', { ...options, repoType: 'dataset' });
    assert.deepEqual(listed, Object.keys(files).sort());
    const splits = await loadImdb('org/imdb', { hub: options, shuffle: false });
    assert.equal(splits.test.shape[0], 2);

    const weights = await hubDownload('org/tiny', 'weights.bin', options);
    assert.equal(fs.readFileSync(weights, 'utf8'), 'big weights');
    assert.ok(
      other.log.some((r) => r.path === '/org/tiny/resolve/main/weights.bin'),
      'the redirect was followed',
    );
    assert.ok(
      other.log.some((r) => r.path.startsWith('/api/datasets/org/imdb/tree/main')),
      'the next pages were fetched',
    );
    assert.deepEqual(
      other.log.filter((r) => r.authorization !== undefined),
      [],
      'the other host never saw the token',
    );

    // A relative redirect (a renamed repository) stays on the endpoint and keeps the token (the fake demands it).
    const moved = await hubDownload('org/old-name', 'old.json', options);
    assert.equal(fs.readFileSync(moved, 'utf8'), '{"moved":true}');
    const followed = hub.log.filter((r) => r.path === '/org/new-name/resolve/main/moved.json');
    assert.ok(followed.length > 0 && followed.every((r) => r.authorization === 'Bearer secret'));
    assert.ok(hub.log.every((r) => r.authorization === 'Bearer secret'));
  } finally {
    await hub.close();
    await other.close();
  }
});

test('a commit or ETag header that is not a plain name is refused before anything is written', async () => {
  const hub = await startFakeHub({
    models: { 'org/tiny': { 'a.json': '{}', 'b.json': '{}', 'c.json': '{}', 'd.json': '{}' } },
    faults: {
      'a.json': { headers: { 'x-repo-commit': '../../../escaped' } },
      'b.json': { headers: { etag: '"../../../escaped"' } },
      'c.json': { headers: { 'x-repo-commit': '' } },
      'd.json': { headers: { etag: 'W/"0123abcd"' } },
    },
  });
  const root = tempDir('hub-hostile-');
  try {
    const options = { endpoint: hub.endpoint, cacheDir: path.join(root, 'cache'), offline: false };
    const outcomes: string[] = [];
    for (const name of ['a.json', 'b.json', 'c.json']) {
      outcomes.push(await hubDownload('org/tiny', name, options).then(String, (err: Error) => err.message));
    }
    assert.deepEqual(filesUnder(root), [], 'nothing written');
    assert.match(
      outcomes[0],
      /org\/tiny@main: a\.json: X-Repo-Commit "\.\.\/\.\.\/\.\.\/escaped" from .* is not a commit hash/,
    );
    assert.match(outcomes[1], /b\.json: the server's ETag "\.\.\/\.\.\/\.\.\/escaped" is not a plain name/);
    assert.match(outcomes[2], /c\.json: .* answered without X-Repo-Commit \(is HF_ENDPOINT a Hugging Face Hub\?\)/);
    // A weak ETag is a name once W/ and the quotes are gone.
    await hubDownload('org/tiny', 'd.json', options);
    assert.ok(fs.existsSync(path.join(root, 'cache', 'models--org--tiny', 'blobs', '0123abcd')));
  } finally {
    await hub.close();
  }
});

test('a body shorter or longer than announced, or cut off, fails and leaves nothing in the cache', async () => {
  const body = 'x'.repeat(1000);
  const hub = await startFakeHub({
    models: { 'org/tiny': { 'short.bin': body, 'long.bin': body, 'cut.bin': body, 'fine.bin': body } },
    faults: { 'short.bin': { sendBytes: 990 }, 'long.bin': { sendBytes: 5000 }, 'cut.bin': { truncateAt: 300 } },
  });
  const cacheDir = tempDir('hub-hostile-');
  try {
    const options = { endpoint: hub.endpoint, cacheDir, offline: false };
    await assert.rejects(
      hubDownload('org/tiny', 'short.bin', options),
      /org\/tiny@main: short\.bin: download .* failed \(received 990 bytes, expected 1000\); nothing was cached/,
    );
    await assert.rejects(
      hubDownload('org/tiny', 'long.bin', options),
      /long\.bin: download .* failed \(the body is longer than the 1000 bytes announced\)/,
    );
    await assert.rejects(hubDownload('org/tiny', 'cut.bin', options), /cut\.bin: download .* failed/);
    assert.deepEqual(filesUnder(cacheDir), [], 'no blob, no snapshot entry, no ref, no .incomplete file');
    // The same cache still takes a good download.
    const fine = await hubDownload('org/tiny', 'fine.bin', options);
    assert.equal(fs.readFileSync(fine, 'utf8'), body);
    assert.equal(filesUnder(cacheDir).length, 3, filesUnder(cacheDir).join(', '));
  } finally {
    await hub.close();
  }
});
