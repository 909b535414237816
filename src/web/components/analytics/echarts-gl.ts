// The 3D part (echarts-gl, WebGL), a chunk of its own on top of ./echarts.ts, fetched only when a
// 3D map is shown.
import { Scatter3DChart } from 'echarts-gl/charts';
import { Grid3DComponent } from 'echarts-gl/components';
import { echarts } from './echarts.ts';

echarts.use([Scatter3DChart, Grid3DComponent]);

export { echarts };
