/* Draw the plotly figures a page carries as JSON (json_script), offline.
 * A figure in a closed <details> is drawn when it is first opened, so a dashboard with a
 * hundred indicators stays fast. Without JavaScript the tables carry the same figures. */
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

  function draw(holder) {
    if (holder.dataset.drawn || typeof Plotly === "undefined") { return; }
    var source = document.getElementById(holder.dataset.figure);
    if (!source) { return; }
    var figure = JSON.parse(source.textContent);
    holder.dataset.drawn = "1";
    Plotly.newPlot(holder, figure.data, figure.layout, config);
  }

  function drawVisible(root) {
    root.querySelectorAll("[data-figure]").forEach(function (holder) {
      var details = holder.closest("details");
      if (!details || details.open) { draw(holder); }
    });
  }

  document.addEventListener("toggle", function (event) {
    if (event.target.tagName === "DETAILS" && event.target.open) { drawVisible(event.target); }
  }, true);
  document.addEventListener("DOMContentLoaded", function () { drawVisible(document); });
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("[data-figure][data-drawn]").forEach(function (holder) {
      Plotly.Plots.resize(holder);
    });
  });
})();
