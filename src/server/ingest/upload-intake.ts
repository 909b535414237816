import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PayloadTooLargeError } from '../errors.ts';

export interface ReceivedUpload {
  tempPath: string;
  size: number;
  sha256: string;
}

/**
 * Streams an upload to a temp file, hashing and counting as it goes: the file is never whole in
 * memory. Past `maxBytes` the temp file is removed and PayloadTooLargeError is thrown. `truncated`
 * reads the multipart parser's own limit flag (it stops feeding the stream at the limit); its
 * `limit` event fails the upload at once, without waiting for the rest of the part.
 */
export async function receiveUpload(options: {
  stream: Readable;
  tempPath: string;
  maxBytes: number;
  truncated?: () => boolean;
}): Promise<ReceivedUpload> {
  const hash = createHash('sha256');
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      if (size > options.maxBytes) {
        callback(new PayloadTooLargeError(tooLargeMessage(options.maxBytes)));
        return;
      }
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  const onLimit = () => meter.destroy(new PayloadTooLargeError(tooLargeMessage(options.maxBytes)));
  options.stream.once('limit', onLimit);
  try {
    await pipeline(options.stream, meter, fs.createWriteStream(options.tempPath, { flags: 'wx', mode: 0o600 }));
    if (options.truncated?.()) throw new PayloadTooLargeError(tooLargeMessage(options.maxBytes));
  } catch (error) {
    await fs.promises.rm(options.tempPath, { force: true });
    // Drain the rest of this part so that the multipart parser can move on to the next one.
    options.stream.resume();
    throw error;
  } finally {
    options.stream.off('limit', onLimit);
  }
  return { tempPath: options.tempPath, size, sha256: hash.digest('hex') };
}

function tooLargeMessage(maxBytes: number): string {
  return `File exceeds maximum allowed size (${maxBytes} bytes)`;
}
