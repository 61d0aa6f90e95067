// Draws every chart of the page with the plotly.js served by Revsight itself. A click on a bar
// or a cell opens the records behind it (each point carries its link as customdata).
(function () {
  "use strict";
  function draw(holder) {
    var source = document.getElementById(holder.dataset.figure);
    if (!source || typeof Plotly === "undefined") { return; }
    var figure = JSON.parse(source.textContent);
    var name = holder.dataset.name || "revsight-chart";
    Plotly.newPlot(holder, figure.data, figure.layout, {
      responsive: true,
      displaylogo: false,
      modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"],
      toImageButtonOptions: { format: "png", filename: name, scale: 2 }
    }).then(function () {
      holder.classList.add("drawn");
      holder.on("plotly_click", function (event) {
        var point = event.points && event.points[0];
        if (point && typeof point.customdata === "string" && point.customdata) {
          window.location.href = point.customdata;
        }
      });
    });
  }
  function drawAll() {
    document.querySelectorAll("[data-figure]").forEach(draw);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll(".js-plotly-plot").forEach(function (plot) {
      Plotly.Plots.resize(plot);
    });
  });
})();
