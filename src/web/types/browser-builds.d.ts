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

// echarts-gl ships no types: its installers are ECharts extensions (echarts.use accepts them).
declare module 'echarts-gl/charts' {
  import type { use } from 'echarts/core';
  type Extension = Exclude<Parameters<typeof use>[0], unknown[]>;
  export const Scatter3DChart: Extension;
}

declare module 'echarts-gl/components' {
  import type { use } from 'echarts/core';
  type Extension = Exclude<Parameters<typeof use>[0], unknown[]>;
  export const Grid3DComponent: Extension;
}
