// The chart library, imported only through `import('./echarts.ts')` (see chart.tsx): Vite emits it as
// its own chunk, fetched when an Analytics chart first draws, so the chat pages never load it.
// Only the charts and components the Analytics page draws are registered (tree-shaken).
import { BarChart, HeatmapChart, ScatterChart } from 'echarts/charts';
import { GridComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([ScatterChart, HeatmapChart, BarChart, GridComponent, TooltipComponent, VisualMapComponent, CanvasRenderer]);

export { echarts };
