import zlib from 'node:zlib';

/**
 * A tiny ZIP writer for test fixtures: real DOCX/XLSX containers, and hostile ones whose headers lie
 * (which no ZIP library will write for us).
 */
export interface ZipEntry {
  name: string;
  /** Content to store deflated. */
  data?: Buffer | string;
  /** Already deflated content, with the sizes to declare (they may lie). */
  deflated?: { bytes: Buffer; crc32: number; uncompressedSize: number };
}

export function buildZip(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    let bytes: Buffer;
    let crc32: number;
    let uncompressedSize: number;
    if (entry.deflated) {
      ({ bytes, crc32, uncompressedSize } = entry.deflated);
    } else {
      const data = typeof entry.data === 'string' ? Buffer.from(entry.data, 'utf8') : (entry.data ?? Buffer.alloc(0));
      bytes = zlib.deflateRawSync(data);
      crc32 = zlib.crc32(data);
      uncompressedSize = data.length;
    }
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(0, 10);
    local.writeUInt16LE(0x21, 12); // 1980-01-01
    local.writeUInt32LE(crc32 >>> 0, 14);
    local.writeUInt32LE(bytes.length, 18);
    local.writeUInt32LE(uncompressedSize, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, name, bytes);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc32 >>> 0, 16);
    central.writeUInt32LE(bytes.length, 20);
    central.writeUInt32LE(uncompressedSize, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + bytes.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

type Deflated = { bytes: Buffer; crc32: number; uncompressedSize: number };
const zerosBySize = new Map<number, Promise<Deflated>>();

/** `size` zero bytes, deflated without ever holding them in memory at once (memoized: it takes a while). */
export function deflatedZeros(size: number): Promise<Deflated> {
  let deflated = zerosBySize.get(size);
  if (!deflated) {
    deflated = deflateZeros(size);
    zerosBySize.set(size, deflated);
  }
  return deflated;
}

async function deflateZeros(size: number): Promise<Deflated> {
  const block = Buffer.alloc(1024 * 1024);
  const deflate = zlib.createDeflateRaw({ level: 9 });
  const output: Buffer[] = [];
  deflate.on('data', (chunk: Buffer) => output.push(chunk));
  const done = new Promise<void>((resolve, reject) => {
    deflate.on('end', resolve);
    deflate.on('error', reject);
  });
  let crc32 = 0;
  for (let written = 0; written < size; written += block.length) {
    const piece = block.subarray(0, Math.min(block.length, size - written));
    crc32 = zlib.crc32(piece, crc32);
    if (!deflate.write(piece)) await new Promise((resolve) => deflate.once('drain', resolve));
  }
  deflate.end();
  await done;
  return { bytes: Buffer.concat(output), crc32, uncompressedSize: size };
}
