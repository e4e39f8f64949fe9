// The layout check of Page.Overflows: an expression that evaluates to a
// list of findings, one string each. What is not shown (display none, no
// box, scrolled out of a clipping ancestor) is not judged.
(() => {
  const out = [];
  const vw = document.documentElement.clientWidth;
  const name = e => {
    let s = e.tagName.toLowerCase();
    for (const a of ["data-role", "data-action", "data-figure", "data-widget", "data-mode", "class"]) {
      if (e.getAttribute(a)) { s += "[" + a + "=" + JSON.stringify(e.getAttribute(a)) + "]"; break; }
    }
    const text = (e.textContent || "").trim().replace(/\s+/g, " ");
    return s + (text ? " \"" + text.slice(0, 40) + (text.length > 40 ? "…" : "") + "\"" : "");
  };
  // shown is the part of e's box left after every clipping ancestor.
  const shown = e => {
    let r = e.getBoundingClientRect();
    let box = { l: r.left, t: r.top, r: r.right, b: r.bottom };
    for (let a = e.parentElement; a && a !== document.documentElement; a = a.parentElement) {
      const cs = getComputedStyle(a);
      if (cs.overflowX === "visible" && cs.overflowY === "visible") continue;
      const ar = a.getBoundingClientRect();
      box = { l: Math.max(box.l, ar.left), t: Math.max(box.t, ar.top), r: Math.min(box.r, ar.right), b: Math.min(box.b, ar.bottom) };
    }
    return box;
  };
  const visible = e => {
    if (!e.getClientRects().length) return false;
    const cs = getComputedStyle(e);
    if (cs.visibility === "hidden" || cs.display === "none") return false;
    const b = shown(e);
    return b.r - b.l > 0 && b.b - b.t > 0;
  };
  const sw = document.documentElement.scrollWidth;
  if (sw > vw + 1) out.push("the page scrolls sideways: " + sw + " px of content in a " + vw + " px viewport");
  for (const e of document.body.querySelectorAll("*")) {
    if (e instanceof SVGElement && !(e instanceof SVGSVGElement)) continue;
    if (e.tagName === "SCRIPT" || e.tagName === "TEMPLATE" || !visible(e)) continue;
    const cs = getComputedStyle(e);
    if (cs.overflowX !== "visible" && e.scrollWidth > e.clientWidth + 1) {
      const why = cs.textOverflow === "ellipsis" ? "cut with an ellipsis" : "overflow-x " + cs.overflowX;
      out.push(name(e) + ": content " + e.scrollWidth + " px wide in a box of " + e.clientWidth + " px (" + why + ")");
    }
    const r = e.getBoundingClientRect();
    if (r.right > vw + 1) out.push(name(e) + ": reaches " + Math.round(r.right) + " px, past the viewport's " + vw + " px");
  }
  // A chart's text (ticks, labels) lies inside its chart: an SVG clips.
  for (const tx of document.querySelectorAll("svg text")) {
    const c = tx.closest("svg");
    if (!visible(c)) continue;
    const r = tx.getBoundingClientRect(), cr = c.getBoundingClientRect();
    if (r.width > 0 && (r.left < cr.left - 1 || r.right > cr.right + 1 || r.top < cr.top - 1 || r.bottom > cr.bottom + 1)) {
      out.push("svg text \"" + tx.textContent + "\": cut by its chart (" + Math.round(r.left) + "–" + Math.round(r.right) + " px in " + Math.round(cr.left) + "–" + Math.round(cr.right) + ")");
    }
  }
  const controls = Array.from(document.querySelectorAll("button, a[href], input, select, textarea")).filter(visible);
  for (let i = 0; i < controls.length; i++) {
    for (let j = i + 1; j < controls.length; j++) {
      const a = shown(controls[i]), b = shown(controls[j]);
      const w = Math.min(a.r, b.r) - Math.max(a.l, b.l), h = Math.min(a.b, b.b) - Math.max(a.t, b.t);
      if (w > 1 && h > 1) out.push(name(controls[i]) + " overlaps " + name(controls[j]) + " (" + Math.round(w) + "×" + Math.round(h) + " px)");
    }
  }
  return out;
})()
