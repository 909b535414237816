// The browser builds of two parsers the server also uses, loaded on demand by the document preview.
declare module 'mammoth/mammoth.browser.min.js' {
  const mammoth: { convertToHtml(input: { arrayBuffer: ArrayBuffer }): Promise<{ value: string }> };
  export default mammoth;
}

declare module 'exceljs/dist/exceljs.bare.min.js' {
  import type ExcelJS from 'exceljs';
  const excel: typeof ExcelJS;
  export default excel;
}
