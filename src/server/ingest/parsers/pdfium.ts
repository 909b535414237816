import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import { resourceLimits } from 'node:worker_threads';
import { init, type WrappedPdfiumModule } from '@embedpdf/pdfium';
import { DocumentParseError } from '../parsed-document.ts';

/**
 * One PDFium (WebAssembly) instance per parse worker thread, made on first use. PDFium's calls are
 * synchronous, which is why PDFs are only parsed in worker threads. The WASM binary is read from the
 * package: the library's default is a CDN URL, and this product never reaches the network.
 */
let instance: Promise<WrappedPdfiumModule> | undefined;
/** PDFium's heap may grow to the worker's memory budget, no further (WASM memory never shrinks). */
const heapCapBytes = (resourceLimits.maxOldGenerationSizeMb ?? 1024) * 1024 * 1024;

export function loadPdfium(): Promise<WrappedPdfiumModule> {
  instance ??= (async () => {
    const wasmPath = createRequire(import.meta.url).resolve('@embedpdf/pdfium/pdfium.wasm');
    let wasmBinary: Uint8Array | undefined = new Uint8Array(await fs.readFile(wasmPath));
    const pdfium = await init({
      // Instantiated here to bound heap growth: a decompression bomb that gets past the decoded-size
      // pre-check fails at the budget, inside PDFium, instead of growing the heap to 2 GB while the
      // synchronous call keeps the worker from reporting its memory.
      instantiateWasm: (imports: WebAssembly.Imports, receiveInstance: (instance: WebAssembly.Instance) => void) => {
        const env = imports.env as Record<string, unknown>;
        const resize = env.emscripten_resize_heap as (requestedSize: number) => number;
        env.emscripten_resize_heap = (requestedSize: number) => (requestedSize >>> 0 > heapCapBytes ? 0 : resize(requestedSize));
        void WebAssembly.instantiate(wasmBinary as BufferSource, imports).then((result) => receiveInstance(result.instance));
        // The compiled module keeps what it needs; the 4.6 MB of bytes would count against the budget.
        wasmBinary = undefined;
        return {};
      },
    } as never);
    pdfium.PDFiumExt_Init();
    return pdfium;
  })();
  instance.catch(() => {
    instance = undefined;
  });
  return instance;
}

/**
 * PDFium aborted (a failed allocation or an internal check): this instance cannot be used again, so
 * the next parse makes a new one. Near the heap budget it was memory; otherwise the file.
 */
export function pdfiumAborted(pdfium: WrappedPdfiumModule): DocumentParseError {
  instance = undefined;
  const heapBytes = (pdfium.pdfium as unknown as { HEAPU8: Uint8Array }).HEAPU8.length;
  if (heapBytes > heapCapBytes * 0.75) {
    return new DocumentParseError(
      `The file needs more memory than a parse may use (${Math.round(heapCapBytes / 1024 / 1024)} MB) and was stopped`,
      'memory',
    );
  }
  return new DocumentParseError('The PDF is damaged or not a PDF', 'corrupt');
}

/** FPDF_GetLastError codes (fpdfview.h). */
export const PDFIUM_ERROR = { unknown: 1, file: 2, format: 3, password: 4, security: 5, page: 6 } as const;
