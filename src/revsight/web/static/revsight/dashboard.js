// Draws every chart of the page with the plotly.js served by Revsight itself. A click on a bar
// or a cell opens the records behind it (each point carries its link as customdata).
//
// Each chart is laid out at its card's width, again whenever that width changes (a resized
// window, a phone turned) and for print, where it is kept narrow and short enough for one page
// of A4 or Letter in either orientation. Its height is the figure's own (never the holder's,
// which follows the plot and would shrink it).
(function () {
  "use strict";
  var PRINT_WIDTH = 680;   // px: inside A4 portrait (190 mm) and Letter portrait with margins
  var PRINT_HEIGHT = 520;  // px: with the card's title, inside A4 landscape (190 mm high)
  var printing = window.matchMedia("print");
  var figures = new Map();

  function contentWidth(holder) {
    var style = window.getComputedStyle(holder);
    var padding = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
    return Math.max(Math.floor(holder.clientWidth - padding), 120);
  }

  function size(holder) {
    var figure = figures.get(holder);
    var width = contentWidth(holder);
    var height = figure.layout.height || 300;
    if (printing.matches || holder.dataset.printing === "1") {
      width = Math.min(width, PRINT_WIDTH);
      height = Math.min(height, PRINT_HEIGHT);
    }
    return { width: width, height: height };
  }

  function fit(holder) {
    if (!holder.classList.contains("drawn")) { return; }
    var wanted = size(holder);
    var now = holder._fullLayout;
    if (now && now.width === wanted.width && now.height === wanted.height) { return; }
    Plotly.relayout(holder, wanted);
  }

  function draw(holder) {
    var source = document.getElementById(holder.dataset.figure);
    if (!source || typeof Plotly === "undefined") { return; }
    var figure = JSON.parse(source.textContent);
    figures.set(holder, figure);
    var layout = Object.assign({}, figure.layout, size(holder), { autosize: false });
    var name = holder.dataset.name || "revsight-chart";
    Plotly.newPlot(holder, figure.data, layout, {
      responsive: false,
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
      fit(holder);
    });
  }

  function fitAll() { figures.forEach(function (_, holder) { fit(holder); }); }

  function drawAll() {
    var holders = document.querySelectorAll("[data-figure]");
    holders.forEach(draw);
    if (typeof ResizeObserver !== "undefined") {
      var pending = false;
      var observer = new ResizeObserver(function () {
        if (pending) { return; }
        pending = true;
        window.requestAnimationFrame(function () { pending = false; fitAll(); });
      });
      holders.forEach(function (holder) { observer.observe(holder); });
    } else {
      window.addEventListener("resize", fitAll);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
  // Printing lays the page out again at the paper's width: fit before the first page is cut.
  printing.addEventListener("change", fitAll);
  window.addEventListener("beforeprint", function () {
    figures.forEach(function (_, holder) { holder.dataset.printing = "1"; fit(holder); });
  });
  window.addEventListener("afterprint", function () {
    figures.forEach(function (_, holder) { delete holder.dataset.printing; fit(holder); });
  });
})();
