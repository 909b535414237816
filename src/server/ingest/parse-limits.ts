/**
 * Hard limits applied while parsing, whatever the settings. They bound what one hostile or huge file
 * can cost; the worker's memory limit and wall-clock timeout are the last line behind them.
 */
export const PARSE_LIMITS = {
  /** ZIP entries in a DOCX/XLSX (real documents have tens to a few hundred). */
  maxZipEntries: 2_000,
  /** Sum of the declared uncompressed sizes of all ZIP entries. */
  maxZipUncompressedBytes: 300 * 1024 * 1024,
  /** Uncompressed / compressed size of one entry, checked for entries above `ratioCheckMinBytes`. */
  maxZipCompressionRatio: 200,
  ratioCheckMinBytes: 1024 * 1024,
  /** Characters of extracted text per document (about 10,000 dense pages). */
  maxTextChars: 40_000_000,
  /** Bytes a PDF's streams may decode to in total (images excluded), unless the pool is given another cap. */
  maxPdfDecodedBytes: 512 * 1024 * 1024,
  /** PDF pages read per document. */
  maxPdfPages: 10_000,
  /** Rows read per sheet (XLSX) or file (CSV), and columns per row. */
  maxRowsPerSheet: 1_000_000,
  maxColumns: 1_000,
} as const;
