// Draws each dashboard chart from the JSON the page carries (no inline script: strict CSP holds).
(function () {
  "use strict";
  function crowded(labels) {
    return labels.length > 4 || labels.some(function (text) { return text.length > 6; });
  }
  function draw() {
    var source = document.getElementById("dashboard-data");
    if (!source || !window.echarts) { return; }
    JSON.parse(source.textContent).forEach(function (chart) {
      var node = document.querySelector('[data-chart="' + chart.id + '"]');
      if (!node) { return; }
      var view = window.echarts.init(node, null, { renderer: "canvas" });
      var option;
      if (chart.type === "pie") {
        option = {
          tooltip: { trigger: "item" },
          series: [{ type: "pie", radius: ["35%", "70%"],
                     data: chart.labels.map(function (label, i) { return { name: label, value: chart.values[i] }; }) }]
        };
      } else {
        option = {
          tooltip: { trigger: "axis" },
          grid: { left: 40, right: 16, top: 16, bottom: 60 },
          xAxis: { type: "category", data: chart.labels,
                   axisLabel: { interval: 0, rotate: crowded(chart.labels) ? 30 : 0,
                                formatter: function (text) { return text.length > 8 ? text.slice(0, 8) + "…" : text; } } },
          yAxis: { type: "value", minInterval: 1 },
          series: [{ type: chart.type === "line" ? "line" : "bar", data: chart.values }]
        };
      }
      view.setOption(option);
      view.on("click", function (params) {
        var link = chart.links[params.dataIndex];
        if (link) { window.location.href = link; }
      });
      window.addEventListener("resize", function () { view.resize(); });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
