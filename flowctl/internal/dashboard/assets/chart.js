// The figures' chart: each order the dashboard placed on a stack, oldest
// left, with its placement (how long its POST took: a filled dot) and its
// time to consistency (placement until the final status: a ring) on one
// linear axis in ms. The legend sits above the plot, each key drawn as its
// mark, and says how many orders the x axis holds; the sync stack's two
// marks often coincide, a dot inside a ring.
// The SVG is drawn in the pixels it is shown at, so text is never stretched.
"use strict";

(function () {
  const NS = "http://www.w3.org/2000/svg";
  const drawn = new Map(); // svg element → the series it shows, for a resize

  function svg(tag, attrs, text) {
    const e = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, typeof v === "number" ? v.toFixed(1) : v);
    if (text != null) e.textContent = text;
    return e;
  }

  // niceTop rounds v up to 1, 2, 2.5 or 5 times a power of ten.
  function niceTop(v) {
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    for (const m of [1, 2, 2.5, 5]) if (m * p >= v) return m * p;
    return 10 * p;
  }

  function tick(v) {
    if (v >= 1000) return +(v / 1000).toFixed(2) + " s";
    return +v.toFixed(2) + " ms";
  }

  function draw(chart, series) {
    drawn.set(chart, series);
    const box = chart.getBoundingClientRect();
    const W = Math.max(Math.round(box.width), 200), H = Math.max(Math.round(box.height), 60);
    chart.setAttribute("viewBox", "0 0 " + W + " " + H);
    chart.replaceChildren();
    const left = 64, right = 10, top = 10, bottom = 8; // room for the y ticks
    const plotW = W - left - right, plotH = H - top - bottom;
    let maxV = 0;
    for (const p of series) maxV = Math.max(maxV, p.placement_ms || 0, p.ttc_ms || 0);
    const n = chart.parentElement.querySelector('[data-role="chart-n"]');
    if (n) n.textContent = series.length ? "n=" + series.length + " orders, oldest → newest" : "";
    if (!series.length || maxV <= 0) {
      chart.append(svg("text", { class: "empty", x: left, y: top + plotH / 2 + 5 }, "no orders placed here yet"));
      return;
    }
    const topV = niceTop(maxV);
    const y = v => top + plotH - (v / topV) * plotH;
    for (const v of [0, topV / 2, topV]) {
      chart.append(svg("line", { class: v === 0 ? "axis" : "grid", x1: left, x2: W - right, y1: y(v), y2: y(v) }));
      chart.append(svg("text", { class: "tick", x: left - 6, y: y(v) + 5 }, tick(v)));
    }
    const step = plotW / series.length;
    const r = Math.max(2.5, Math.min(4.5, step * 0.35));
    const x = i => left + step * (i + 0.5);
    // Rings first, dots on top: where the two coincide both stay visible.
    series.forEach((p, i) => {
      if (p.ttc_ms != null) chart.append(svg("circle", { class: "ttc", cx: x(i), cy: y(p.ttc_ms), r: r + 2.5 }));
    });
    series.forEach((p, i) => {
      chart.append(svg("circle", { class: "placement", cx: x(i), cy: y(p.placement_ms || 0), r: r }));
    });
  }

  let resizeTimer = null;
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => { for (const [c, s] of drawn) draw(c, s); }, 100);
  });

  window.chart = { draw, niceTop };
})();
