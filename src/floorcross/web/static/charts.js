// Draws every chart on the page from the JSON beside it (<div data-chart="ID"> reads the
// <script type="application/json" id="ID">). Pages work without this; only charts need it.
(function () {
  "use strict";
  function draw(el) {
    var source = document.getElementById(el.getAttribute("data-chart"));
    if (!source || typeof Plotly === "undefined") { return; }
    var figure = JSON.parse(source.textContent);
    var narrow = window.matchMedia("(max-width: 40rem)").matches;
    var layout = {
      title: { text: figure.title || "" },
      margin: { l: 40, r: 16, t: 48, b: 40 },
      font: { family: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", size: narrow ? 11 : 13 },
      legend: { orientation: "h", y: -0.15 },
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)",
      hovermode: "closest"
    };
    Plotly.newPlot(el, figure.traces, layout, { responsive: true, displaylogo: false })
      .then(function () { el.setAttribute("data-drawn", "true"); });
  }
  document.querySelectorAll("[data-chart]").forEach(draw);
})();
