// The figures' chart: each order the dashboard placed on a stack, oldest
// left, with its placement (how long its POST took: a filled dot) and its
// time to consistency (placement until the final status: a ring). Every
// column's chart shares one linear y-scale in ms, so the eye compares
// shapes that are comparable. One outlier must not flatten the rest: when
// the largest value lies above 1.5 × the p95 of all columns' values, the
// scale stops there and each point above is drawn at the top as "▲ 7.0 s",
// its value. The line under the legend says which scale is drawn.
// The SVG is drawn in the pixels it is shown at, so text is never stretched.
"use strict";

(function () {
  const NS = "http://www.w3.org/2000/svg";
  const drawn = new Map(); // svg element → the series it shows

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
    if (v >= 1000) return +(v / 1000).toFixed(2) + "\u00a0s";
    return +v.toFixed(2) + "\u00a0ms";
  }

  function marker(v) { return "▲\u00a0" + (v >= 1000 ? (v / 1000).toFixed(1) + "\u00a0s" : Math.round(v) + "\u00a0ms"); }

  // scale is the one y-scale of every chart: its top, and where it clips.
  function scale() {
    const vals = [];
    for (const series of drawn.values()) for (const p of series) {
      if (p.placement_ms > 0) vals.push(p.placement_ms);
      if (p.ttc_ms > 0) vals.push(p.ttc_ms);
    }
    if (!vals.length) return null;
    vals.sort((a, b) => a - b);
    const max = vals[vals.length - 1];
    const p95 = vals[Math.min(vals.length - 1, Math.ceil(0.95 * vals.length) - 1)]; // nearest rank
    const clipped = max > 1.5 * p95;
    return { top: niceTop(clipped ? 1.5 * p95 : max), clipped, n: vals.length, above: clipped ? vals.filter(v => v > niceTop(1.5 * p95)).length : 0 };
  }

  function say(chart, s) {
    const line = chart.parentElement.querySelector('[data-role="chart-scale"]');
    if (!line) return;
    line.dataset.clipped = String(!!(s && s.clipped));
    line.dataset.top = s ? String(s.top) : "";
    if (!s) { line.textContent = ""; return; }
    const all = drawn.size > 1 ? ", every column" : "";
    line.textContent = s.clipped ?
      "y 0–" + tick(s.top) + all + ", cut at 1.5 × p95 (n=" + s.n + "): ▲\u00a0" + s.above + " above, each with its value" :
      "y 0–" + tick(s.top) + all + ", linear (n=" + s.n + ")";
  }

  // measure: how wide the widest y tick label is drawn in chart, and the
  // font size of its labels (the presenter view's are larger).
  function measure(chart, top) {
    let w = 0, fs = 0;
    for (const [cls, v] of [["tick", 0], ["tick", top / 2], ["tick", top], ["clipped", top]]) {
      const probe = svg("text", { class: cls, x: 0, y: 0 }, cls === "tick" ? tick(v) : marker(v));
      chart.append(probe);
      if (cls === "tick") w = Math.max(w, probe.getComputedTextLength());
      fs = Math.max(fs, parseFloat(getComputedStyle(probe).fontSize) || 14);
      probe.remove();
    }
    return { w: Math.ceil(w), fs };
  }

  function drawOne(chart, series, s) {
    const box = chart.getBoundingClientRect();
    const W = Math.max(Math.round(box.width), 200), H = Math.max(Math.round(box.height), 60);
    chart.setAttribute("viewBox", "0 0 " + W + " " + H);
    chart.replaceChildren();
    // Room for the y ticks and the ▲ labels at the size they are shown.
    const m = s ? measure(chart, s.top) : { w: 52, fs: 14 };
    const left = m.w + 12, right = 10, top = s && s.clipped ? 2 * m.fs + 10 : Math.ceil(m.fs / 2) + 4, bottom = Math.ceil(m.fs / 2) + 2;
    const plotW = W - left - right, plotH = H - top - bottom;
    const n = chart.parentElement.querySelector('[data-role="chart-n"]');
    if (n) n.textContent = series.length ? "n=" + series.length + "\u00a0orders, oldest → newest" : "";
    say(chart, s);
    if (!series.length || !s) {
      chart.append(svg("text", { class: "empty", x: left, y: top + plotH / 2 + 5 }, "no orders placed here yet"));
      return;
    }
    const y = v => top + plotH - (Math.min(v, s.top) / s.top) * plotH;
    for (const v of [0, s.top / 2, s.top]) {
      chart.append(svg("line", { class: v === 0 ? "axis" : "grid", x1: left, x2: W - right, y1: y(v), y2: y(v) }));
      chart.append(svg("text", { class: "tick", x: left - 6, y: y(v) + m.fs * 0.35 }, tick(v)));
    }
    const step = plotW / series.length;
    const r = Math.max(2.5, Math.min(4.5, step * 0.35));
    const x = i => left + step * (i + 0.5);
    let k = 0;
    const label = (i, v) => {
      const anchor = x(i) < left + 40 ? "start" : x(i) > W - right - 40 ? "end" : "middle";
      chart.append(svg("text", { class: "clipped", "text-anchor": anchor, x: x(i), y: m.fs + (k++ % 2) * (m.fs + 1) }, marker(v)));
    };
    // Rings first, dots on top: where the two coincide both stay visible.
    series.forEach((p, i) => {
      if (p.ttc_ms != null) chart.append(svg("circle", { class: "ttc", cx: x(i), cy: y(p.ttc_ms), r: r + 2.5 }));
    });
    series.forEach((p, i) => {
      chart.append(svg("circle", { class: "placement", cx: x(i), cy: y(p.placement_ms || 0), r: r }));
    });
    series.forEach((p, i) => {
      for (const v of [p.placement_ms, p.ttc_ms]) if (v != null && v > s.top) label(i, v);
    });
  }

  function redraw() {
    const s = scale();
    for (const [c, series] of drawn) drawOne(c, series, s);
  }

  let resizeTimer = null;
  function soon() {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(redraw, 100);
  }
  // A chart's box changes with the window and with the figures above it
  // (the presenter view's chart takes the height they leave).
  const resized = new ResizeObserver(soon);

  function draw(chart, series) {
    if (!drawn.has(chart)) resized.observe(chart);
    drawn.set(chart, series);
    redraw();
  }

  window.addEventListener("resize", soon);

  window.chart = { draw, niceTop, scale };
})();
