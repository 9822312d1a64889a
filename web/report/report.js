// Draws the audit report's charts with ECharts from the JSON embedded in the page; no network, no animation.
/* global document, window, echarts */
(function () {
  'use strict';
  var specs = JSON.parse(document.getElementById('chart-data').textContent);
  var charts = [];
  specs.forEach(function (spec) {
    var el = document.getElementById(spec.id);
    if (!el) return;
    var horizontal = spec.type === 'hbar';
    var cat = {
      type: 'category',
      data: spec.categories,
      axisLabel: { interval: 0, width: 260, overflow: 'truncate' },
    };
    var val = { type: 'value', name: spec.unit || '' };
    if (horizontal) cat.inverse = true;
    var option = {
      animation: false,
      title: { text: spec.title, textStyle: { fontSize: 13 } },
      tooltip: { trigger: 'axis' },
      legend: spec.series.length > 1 ? { top: 22 } : undefined,
      grid: { left: horizontal ? 280 : 60, right: 30, top: spec.series.length > 1 ? 60 : 40, bottom: 50 },
      xAxis: horizontal ? val : cat,
      yAxis: horizontal ? cat : val,
      series: spec.series.map(function (s) {
        return {
          name: s.name,
          type: spec.type === 'line' ? 'line' : 'bar',
          data: s.data,
          itemStyle: s.color ? { color: s.color } : undefined,
        };
      }),
    };
    var chart = echarts.init(el, null, { renderer: 'canvas' });
    chart.setOption(option);
    charts.push(chart);
  });
  window.mosaicCharts = charts;
  window.addEventListener('resize', function () {
    charts.forEach(function (c) {
      c.resize();
    });
  });
})();
