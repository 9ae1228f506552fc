/* Draw the plotly figures a page carries as JSON (json_script), offline.
 * A page carries all its figures in one JSON blob, <script id="chart-figures">, keyed by chart:
 * an element with data-chart="KEY" draws figures[KEY]. An element with data-figure="ID" draws
 * the figure of its own json_script with that id (one blob per chart; still understood).
 * A figure in a closed <details> is drawn when it is first opened, so a dashboard with a
 * hundred indicators stays fast. A holder with data-chart-url and no figure in the blob fetches
 * its figure from the portal then (the national rankings: a megabyte of charts few open).
 * Without JavaScript the tables carry the same figures. */
(function () {
  "use strict";
  // Closed government networks: no plotly logo linking out, no "Share chart" button (it posts the
  // figure and the page's origin to Plotly Cloud), and no cloud address to post to. plotly.js 4.x
  // names the button "sendChartToCloud" (older releases "sendDataToCloud"); it has no "Edit in
  // Chart Studio" button or showEditInChartStudio option any more.
  // Download-as-image stays. The Vietnamese words come from plotly-locale-vi.js.
  var config = {
    displaylogo: false,
    showSendToCloud: false,
    plotlyServerURL: "",
    modeBarButtonsToRemove: ["sendChartToCloud", "sendDataToCloud"],
    responsive: true,
    locale: /^vi\b/i.test(document.documentElement.lang) ? "vi" : "en"
  };

  var HOLDERS = "[data-chart], [data-figure]";
  var pageFigures = null;  // the page's one blob, parsed once, when a chart is first drawn

  function figureOf(holder) {
    if (holder.dataset.chart) {
      if (pageFigures === null) {
        var blob = document.getElementById("chart-figures");
        pageFigures = blob ? JSON.parse(blob.textContent) : {};
      }
      return pageFigures[holder.dataset.chart];
    }
    var source = document.getElementById(holder.dataset.figure);
    return source ? JSON.parse(source.textContent) : undefined;
  }

  function draw(holder) {
    if (holder.dataset.drawn || typeof Plotly === "undefined") { return; }
    var figure = figureOf(holder);
    if (!figure && holder.dataset.chartUrl) {
      holder.dataset.drawn = "1";
      fetch(holder.dataset.chartUrl, { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) { throw new Error(response.status); }
          return response.json();
        })
        .then(function (fetched) { Plotly.newPlot(holder, fetched.data, fetched.layout, config); })
        .catch(function () { delete holder.dataset.drawn; });  // tried again when reopened
      return;
    }
    if (!figure) { return; }
    holder.dataset.drawn = "1";
    Plotly.newPlot(holder, figure.data, figure.layout, config);
  }

  function drawVisible(root) {
    root.querySelectorAll(HOLDERS).forEach(function (holder) {
      var details = holder.closest("details");
      if (!details || details.open) { draw(holder); }
    });
  }

  document.addEventListener("toggle", function (event) {
    if (event.target.tagName === "DETAILS" && event.target.open) { drawVisible(event.target); }
  }, true);
  document.addEventListener("DOMContentLoaded", function () { drawVisible(document); });
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("[data-drawn]").forEach(function (holder) {
      Plotly.Plots.resize(holder);
    });
  });
})();
