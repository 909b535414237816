import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { ValidationError } from '../errors.ts';
import { ARCHIVE_FORMAT_VERSION, ArchiveManifest, FILE_ENTRY, MANIFEST_ENTRY, ManifestHeader, TABLE_ENTRIES } from './archive-manifest.ts';

/** The manifest is small (names and hashes); past this it is not one of ours. */
const MAX_MANIFEST_BYTES = 256 * 1024 * 1024;
const TABLE_NAMES = new Set<string>(Object.values(TABLE_ENTRIES));

/**
 * Unpacks an archive into `targetDir` and checks it completely before anything is imported: every
 * path stays inside the folder, the format version is one this server reads, and every entry the
 * manifest lists is present with its size and sha256 (a truncated or altered file is refused).
 * Throws ValidationError with one sentence for the user; the caller removes `targetDir`.
 */
export async function unpackArchive(options: {
  archivePath: string;
  targetDir: string;
  maxExtractedBytes: number;
}): Promise<ArchiveManifest> {
  let zipFile: ZipFile;
  try {
    // decodeStrings off: yauzl would refuse bad paths with its own words; we check them ourselves.
    zipFile = await yauzl.openPromise(options.archivePath, {
      lazyEntries: true,
      autoClose: false,
      decodeStrings: false,
      validateEntrySizes: true,
    });
  } catch {
    throw new ValidationError('The file is not a complete project archive (it may be truncated or not a zip file)');
  }
  const found = new Map<string, { size: number; sha256: string }>();
  const folders = new Set<string>();
  let extracted = 0;
  try {
    for await (const entry of zipFile.eachEntry()) {
      const name = entryName(entry);
      if (name.endsWith('/')) continue;
      if (entry.isEncrypted()) throw new ValidationError('The archive is encrypted; project archives are never encrypted');
      if (found.has(name)) throw new ValidationError(`The archive holds '${name}' twice`);
      const expected = name === MANIFEST_ENTRY || TABLE_NAMES.has(name) || FILE_ENTRY.test(name);
      if (!expected) throw new ValidationError(`The archive holds an unexpected entry '${name}'`);
      extracted += entry.uncompressedSize;
      if (extracted > options.maxExtractedBytes) {
        throw new ValidationError(`The archive unpacks to more than ${Math.round(options.maxExtractedBytes / 1024 / 1024)} MB`);
      }
      if (name === MANIFEST_ENTRY && entry.uncompressedSize > MAX_MANIFEST_BYTES)
        throw new ValidationError('The archive manifest is too large');
      const target = path.join(options.targetDir, name);
      if (!folders.has(path.dirname(target))) {
        await fs.promises.mkdir(path.dirname(target), { recursive: true });
        folders.add(path.dirname(target));
      }
      found.set(name, await extractEntry(zipFile, entry, target));
    }
  } catch (error) {
    if (error instanceof ValidationError) throw error;
    throw new ValidationError('The project archive is damaged or truncated: an entry cannot be read');
  } finally {
    zipFile.close();
  }

  if (!found.has(MANIFEST_ENTRY)) throw new ValidationError('The file is not a project archive: manifest.json is missing');
  const manifest = await readManifest(path.join(options.targetDir, MANIFEST_ENTRY));
  const listed = new Set<string>();
  for (const entry of manifest.entries) {
    listed.add(entry.path);
    const actual = found.get(entry.path);
    if (!actual) throw new ValidationError(`The project archive is incomplete: '${entry.path}' is missing`);
    if (actual.size !== entry.size || actual.sha256 !== entry.sha256) {
      throw new ValidationError(`The project archive was altered or damaged: the checksum of '${entry.path}' does not match`);
    }
  }
  for (const name of found.keys()) {
    if (name !== MANIFEST_ENTRY && !listed.has(name))
      throw new ValidationError(`The project archive holds '${name}', which its manifest does not list`);
  }
  for (const table of TABLE_NAMES) {
    if (!listed.has(table)) throw new ValidationError(`The project archive is incomplete: '${table}' is missing`);
  }
  return manifest;
}

/** The entry's path, refused when it could land outside the folder it is unpacked into. */
function entryName(entry: Entry): string {
  const raw = entry.fileName as unknown as Buffer;
  const name = Buffer.isBuffer(raw) ? raw.toString('utf8') : String(raw);
  const escapes =
    name.length === 0 ||
    name.includes('\\') ||
    name.includes('\0') ||
    name.startsWith('/') ||
    /^[A-Za-z]:/.test(name) ||
    name.split('/').some((segment) => segment === '..' || segment === '.');
  if (escapes) throw new ValidationError(`The archive holds a path that escapes its folder: '${name.slice(0, 200)}'`);
  return name;
}

async function extractEntry(zipFile: ZipFile, entry: Entry, target: string): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  const stream = await zipFile.openReadStreamPromise(entry);
  await pipeline(stream, meter, fs.createWriteStream(target, { flags: 'wx', mode: 0o600 }));
  return { size, sha256: hash.digest('hex') };
}

async function readManifest(filePath: string): Promise<ArchiveManifest> {
  let raw: unknown;
  try {
    raw = JSON.parse(await fs.promises.readFile(filePath, 'utf8'));
  } catch {
    throw new ValidationError('The project archive is damaged: its manifest is not valid JSON');
  }
  const header = ManifestHeader.safeParse(raw);
  if (!header.success) throw new ValidationError('The file is not a project archive of this application');
  if (header.data.format_version > ARCHIVE_FORMAT_VERSION) {
    throw new ValidationError(
      `This archive was made by a newer version of the application (format ${header.data.format_version}); this server reads format ${ARCHIVE_FORMAT_VERSION} and older`,
    );
  }
  const manifest = ArchiveManifest.safeParse(raw);
  if (!manifest.success) {
    const issue = manifest.error.issues[0];
    throw new ValidationError(`The project archive's manifest is invalid at ${issue?.path.join('.') || 'its root'}: ${issue?.message}`);
  }
  return manifest.data;
}
