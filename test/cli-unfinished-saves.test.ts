// What `ft-roberta train` removes at start: temporary save folders (lib/checkpoint.ts
// replaceDirectory) whose process is gone, and nothing else.
import { test, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { checkWritableFolder, removeUnfinishedSaves, replaceDirectory } from '../lib/checkpoint';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'unfinished-saves-'));
after(() => fs.rmSync(work, { recursive: true, force: true }));

function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

test('removes the temp folders of dead processes only, and only those named like our saves', async () => {
  const dir = path.join(work, 'out');
  // A real save names its temp folder with this process's pid.
  let tempName = '';
  await replaceDirectory(path.join(dir, 'checkpoint'), (temp) => {
    tempName = path.basename(temp);
    fs.writeFileSync(path.join(temp, 'x'), '1');
  });
  assert.match(tempName, new RegExp(`^\\.checkpoint\\.tmp-${process.pid}-\\d+$`));

  const dead = deadPid();
  const mkdir = (name: string): string => {
    fs.mkdirSync(path.join(dir, name));
    return path.join(dir, name);
  };
  const removable = [
    mkdir(`.checkpoint.tmp-${dead}-1`),
    mkdir(`.E02_A0.91_F0.90.tmp-${dead}-2`),
    mkdir(`.E03.tmp-${dead}-3`),
  ];
  const kept = [
    mkdir(`.checkpoint.tmp-${process.pid}-4`), // a save in progress in this process
    mkdir(`.E01.tmp-${process.ppid}-5`), // a live process
    mkdir(`.notes.tmp-${dead}-6`), // not a folder we save
    mkdir('checkpoint.old'), // the fallback between a save's two renames
    mkdir(`checkpoint.tmp-${dead}-7`), // not hidden: not ours
  ];
  fs.writeFileSync(path.join(dir, `.E04.tmp-${dead}-8`), 'a file, not a folder');
  assert.deepEqual(removeUnfinishedSaves(dir).sort(), removable.sort());
  for (const folder of removable) assert.ok(!fs.existsSync(folder), folder);
  for (const folder of kept) assert.ok(fs.existsSync(folder), folder);
  assert.ok(fs.existsSync(path.join(dir, 'checkpoint', 'x')));
  assert.deepEqual(removeUnfinishedSaves(dir), []);
  assert.deepEqual(removeUnfinishedSaves(path.join(work, 'missing')), []);
});

test('checkWritableFolder creates the folder and leaves nothing behind; a blocked path names the folder', () => {
  const dir = path.join(work, 'new', 'nested');
  checkWritableFolder(dir);
  assert.deepEqual(fs.readdirSync(dir), []);
  const file = path.join(work, 'plain-file');
  fs.writeFileSync(file, '');
  const expected = new RegExp(`^Error: output folder ${file}/out: cannot create it \\(ENOTDIR\\)$`);
  assert.throws(() => checkWritableFolder(path.join(file, 'out')), expected);
});
