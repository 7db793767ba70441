// Names that become paths: telling Hub repository ids from local paths, and refusing file names from
// a server (file lists, shard indexes, headers) that would land outside the repository's cache folder.
import * as fs from 'fs';
import * as path from 'path';

/** Extensions of data and weight files: a source ending in one of them is a file, never a Hub id. */
const LOCAL_FILE_EXTENSION =
  /\.(csv|tsv|json|jsonl|parquet|arrow|txt|safetensors|bin|pt|pth|ckpt|h5|onnx|npy|npz|pkl|zip|gz|tgz|tar)$/i;

/** `name` or `owner/name` with the Hub's rules: word characters, `-` and `.`, no `--` or `..`, at most 96. */
const HUB_ID = /^\w(?:[\w.-]*\w)?(?:\/\w(?:[\w.-]*\w)?)?$/;

/**
 * True when `source` reads as a path on this machine: it starts with `.`, `/` or `~`, has a drive
 * letter or a backslash, has more than one `/`, or ends in a data or weights file extension.
 */
export function looksLikeLocalPath(source: string): boolean {
  if (/^[./~]/.test(source) || /^[A-Za-z]:/.test(source) || source.includes('\\')) return true;
  if (source.split('/').length > 2) return true;
  return LOCAL_FILE_EXTENSION.test(source);
}

/** A Hub repository id (`name` or `owner/name`), and not a path on this machine. */
export function isHubId(source: string): boolean {
  if (fs.existsSync(source) || looksLikeLocalPath(source)) return false;
  return source.length <= 96 && HUB_ID.test(source) && !source.includes('--') && !source.includes('..');
}

/**
 * For a source that is not an existing file or folder: the Hub id it names. A source that looks like a
 * local path is "file not found" and never reaches the Hub; anything else that is not a Hub id gets
 * `expected` (what the caller accepts) in its error.
 */
export function hubIdOf(source: string, expected: string): string {
  if (looksLikeLocalPath(source) && !fs.existsSync(source)) throw new Error(`file not found: ${source}`);
  if (!isHubId(source)) throw new Error(`${expected}; found ${JSON.stringify(source)}`);
  return source;
}

/** Why `name` is not a safe relative path (`a/b.txt`), or null when it is. */
function unsafeNameReason(name: string): string | null {
  if (name === '') return 'empty';
  if (name.includes('\0')) return 'contains a NUL byte';
  if (name.includes('\\')) return 'contains a backslash';
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return 'an absolute path';
  const segments = name.split('/');
  if (segments.some((s) => s === '')) return 'has an empty path segment';
  if (segments.some((s) => s === '.' || s === '..')) return "has a '.' or '..' segment";
  return null;
}

/**
 * Checks a file name that came from elsewhere (a server, an index file) before it becomes a path:
 * relative, `/`-separated, no `.`/`..` or empty segments, no backslash, no NUL. `where` names its origin.
 */
export function checkRelativeName(name: unknown, where: string): string {
  const reason = typeof name === 'string' ? unsafeNameReason(name) : `a ${typeof name}, not a string`;
  if (reason !== null) {
    const expected = 'expected a relative path like "dir/file.ext"';
    throw new Error(`${where}: refusing the file name ${JSON.stringify(name)} (${reason}); ${expected}`);
  }
  return name as string;
}

/** `root/name`, after checking that it resolves inside `root` (a second guard behind checkRelativeName). */
export function pathInside(root: string, name: string, where: string): string {
  const full = path.resolve(root, name);
  const relative = path.relative(path.resolve(root), full);
  if (relative === '' || relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) {
    throw new Error(`${where}: refusing the file name ${JSON.stringify(name)}: it resolves outside ${root}`);
  }
  return full;
}
