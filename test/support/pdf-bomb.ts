import zlib from 'node:zlib';

/**
 * A PDF decompression bomb: `streams` page content streams, each `decodedBytes` of zeros (PDF
 * whitespace) behind FlateDecode, followed by one line of real text. About 1,000:1: 1.5 GB decoded
 * is about 1.5 MB on disk. Written by hand because pdf-lib would inflate nothing but also offers no
 * way to stream a huge content stream.
 */
export async function makePdfBomb(options: { streams: number; decodedBytes: number }): Promise<Buffer> {
  const text = Buffer.from('\nBT /F1 12 Tf 72 720 Td (Bomb page) Tj ET\n', 'latin1');
  const content = await deflateZerosThen(options.decodedBytes, text);
  const objects: Buffer[] = [];
  const pageIds: number[] = [];
  // 1: catalog, 2: pages, 3: font, then (page, content) pairs.
  for (let index = 0; index < options.streams; index += 1) pageIds.push(4 + index * 2);
  objects.push(Buffer.from('<< /Type /Catalog /Pages 2 0 R >>'));
  objects.push(Buffer.from(`<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pageIds.length} >>`));
  objects.push(Buffer.from('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>'));
  for (const pageId of pageIds) {
    objects.push(
      Buffer.from(
        `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents ${pageId + 1} 0 R >>`,
      ),
    );
    objects.push(
      Buffer.concat([Buffer.from(`<< /Length ${content.length} /Filter /FlateDecode >>\nstream\n`), content, Buffer.from('\nendstream')]),
    );
  }
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let offset = parts[0]!.length;
  const offsets: number[] = [];
  objects.forEach((body, index) => {
    offsets.push(offset);
    const object = Buffer.concat([Buffer.from(`${index + 1} 0 obj\n`), body, Buffer.from('\nendobj\n')]);
    parts.push(object);
    offset += object.length;
  });
  const xref = [
    `xref\n0 ${objects.length + 1}\n`,
    '0000000000 65535 f \n',
    ...offsets.map((at) => `${String(at).padStart(10, '0')} 00000 n \n`),
  ].join('');
  parts.push(Buffer.from(`${xref}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${offset}\n%%EOF\n`));
  return Buffer.concat(parts);
}

const bombs = new Map<string, Promise<Buffer>>();

async function deflateZerosThen(size: number, tail: Buffer): Promise<Buffer> {
  const key = `${size}`;
  let cached = bombs.get(key);
  if (!cached) {
    cached = deflate(size, tail);
    bombs.set(key, cached);
  }
  return cached;
}

async function deflate(size: number, tail: Buffer): Promise<Buffer> {
  const block = Buffer.alloc(1024 * 1024);
  const stream = zlib.createDeflate({ level: 9 });
  const output: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => output.push(chunk));
  const done = new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  for (let written = 0; written < size; written += block.length) {
    if (!stream.write(block.subarray(0, Math.min(block.length, size - written)))) {
      await new Promise((resolve) => stream.once('drain', resolve));
    }
  }
  stream.end(tail);
  await done;
  return Buffer.concat(output);
}
