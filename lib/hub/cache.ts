// The cache layout of Python's `huggingface_hub`, so both share one cache:
//   <cache>/models--org--name/blobs/<etag>                  file contents, named by the server's ETag
//   <cache>/models--org--name/refs/<revision>               the commit hash a branch or tag pointed to
//   <cache>/models--org--name/snapshots/<commit>/<file>     relative symlink to ../../blobs/<etag>
// (`datasets--org--name` for datasets). Where symlinks are not allowed (Windows without developer
// mode) the snapshot holds a copy of the file instead; reading does not care which.
//
// We keep our own code for this rather than the `@huggingface/hub` npm package: its CommonJS build loads
// fine, but its downloadFileToCacheDir asks the paths-info API instead of the file's own headers, names
// the snapshot after the file's last commit rather than the revision's, never writes refs/<revision>,
// has no offline mode and no size check, and leaves `.incomplete` files behind when a download fails.
import * as fs from 'fs';
import * as path from 'path';
import { ensureDir, writeFileAtomic } from '../fsutil';
import { checkRelativeName, pathInside } from './names';

export type RepoType = 'model' | 'dataset';

/** A full commit hash, as the Hub sends in X-Repo-Commit and accepts as a revision. */
export const COMMIT_HASH = /^[0-9a-f]{40}$/;

/** ETags become blob file names: a single plain path segment, nothing a server could steer elsewhere. */
const SAFE_ETAG = /^[A-Za-z0-9][A-Za-z0-9._+=-]{0,254}$/;

export function repoCacheFolder(cacheDir: string, repoType: RepoType, repoId: string): string {
  return path.join(cacheDir, `${repoType}s--${repoId.replace(/\//g, '--')}`);
}

/** The commit a revision stands for in the cache: the revision itself for a hash, else refs/<revision>. */
export function cachedCommit(repoFolder: string, revision: string): string | null {
  const refFile = path.join(repoFolder, 'refs', revision);
  if (fs.existsSync(refFile)) return fs.readFileSync(refFile, 'utf8').trim();
  // A hash, or a snapshot folder named after the branch (older caches of this library used snapshots/main).
  return fs.existsSync(path.join(repoFolder, 'snapshots', revision)) ? revision : null;
}

export function writeRef(repoFolder: string, revision: string, commit: string): void {
  const refFile = path.join(repoFolder, 'refs', revision);
  if (fs.existsSync(refFile) && fs.readFileSync(refFile, 'utf8').trim() === commit) return;
  writeFileAtomic(refFile, commit);
}

export function snapshotFolder(repoFolder: string, commit: string, where: string): string {
  return pathInside(path.join(repoFolder, 'snapshots'), checkRelativeName(commit, where), where);
}

/** The cached copy of `filename` at `revision`, or null when the cache does not have it. */
export function cachedFile(repoFolder: string, revision: string, filename: string, where: string): string | null {
  const commit = cachedCommit(repoFolder, revision);
  if (commit === null) return null;
  const file = pathInside(snapshotFolder(repoFolder, commit, where), filename, where);
  return fs.existsSync(file) ? file : null; // existsSync follows the symlink: a dangling one counts as missing
}

/** Every file of the cached snapshot of `revision`, as `/`-separated relative paths. */
export function listCachedFiles(repoFolder: string, revision: string, where: string): string[] {
  const commit = cachedCommit(repoFolder, revision);
  if (commit === null) return [];
  const root = snapshotFolder(repoFolder, commit, where);
  const found: string[] = [];
  const walk = (dir: string, prefix: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path.join(dir, entry.name), relative);
      else found.push(relative);
    }
  };
  if (fs.existsSync(root)) walk(root, '');
  return found.sort();
}

export function blobPath(repoFolder: string, etag: string, where: string): string {
  if (!SAFE_ETAG.test(etag)) {
    throw new Error(`${where}: the server's ETag ${JSON.stringify(etag)} is not a plain name (letters, digits, ._+=-)`);
  }
  return path.join(repoFolder, 'blobs', etag);
}

/**
 * Points `snapshots/<commit>/<filename>` at the blob: a relative symlink, as Python makes, or a copy
 * where the file system refuses symlinks. Made under a temp name and renamed, so it appears whole.
 */
export function linkSnapshotFile(pointer: string, blob: string): void {
  ensureDir(path.dirname(pointer));
  const temp = `${pointer}.tmp-${process.pid}-${Date.now()}`;
  try {
    try {
      fs.symlinkSync(path.relative(path.dirname(pointer), blob), temp);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EPERM' && code !== 'EACCES' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw err;
      fs.copyFileSync(blob, temp);
    }
    fs.renameSync(temp, pointer);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw err;
  }
}
