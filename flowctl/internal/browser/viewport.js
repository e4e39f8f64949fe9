// The check of Page.OutsideViewport: an expression that evaluates to a list
// of findings, one string each — the page scrolling either way, and every
// visible element whose box reaches past an edge of the viewport. What is
// not shown (display none, no box, scrolled out of a clipping ancestor) is
// not judged; an element partly clipped by its ancestor is judged by the
// part it shows.
(() => {
  const out = [];
  const vw = document.documentElement.clientWidth, vh = document.documentElement.clientHeight;
  const name = e => {
    let s = e.tagName.toLowerCase();
    for (const a of ["data-role", "data-action", "data-figure", "data-widget", "data-mode", "class"]) {
      if (e.getAttribute(a)) { s += "[" + a + "=" + JSON.stringify(e.getAttribute(a)) + "]"; break; }
    }
    const text = (e.textContent || "").trim().replace(/\s+/g, " ");
    return s + (text ? " \"" + text.slice(0, 40) + (text.length > 40 ? "…" : "") + "\"" : "");
  };
  const shown = e => {
    const r = e.getBoundingClientRect();
    let box = { l: r.left, t: r.top, r: r.right, b: r.bottom };
    for (let a = e.parentElement; a && a !== document.documentElement; a = a.parentElement) {
      const cs = getComputedStyle(a);
      if (cs.overflowX === "visible" && cs.overflowY === "visible") continue;
      const ar = a.getBoundingClientRect();
      box = { l: Math.max(box.l, ar.left), t: Math.max(box.t, ar.top), r: Math.min(box.r, ar.right), b: Math.min(box.b, ar.bottom) };
    }
    return box;
  };
  const de = document.documentElement;
  if (de.scrollHeight > vh + 1) out.push("the page scrolls down: " + de.scrollHeight + " px of content in a " + vh + " px viewport");
  if (de.scrollWidth > vw + 1) out.push("the page scrolls sideways: " + de.scrollWidth + " px of content in a " + vw + " px viewport");
  for (const e of document.body.querySelectorAll("*")) {
    if (e.tagName === "SCRIPT" || e.tagName === "TEMPLATE" || !e.getClientRects().length) continue;
    const cs = getComputedStyle(e);
    if (cs.visibility === "hidden" || cs.display === "none") continue;
    const b = shown(e);
    if (b.r - b.l <= 0 || b.b - b.t <= 0) continue;
    const past = [];
    if (b.t < -1) past.push("top by " + Math.round(-b.t) + " px");
    if (b.b > vh + 1) past.push("bottom by " + Math.round(b.b - vh) + " px");
    if (b.l < -1) past.push("left by " + Math.round(-b.l) + " px");
    if (b.r > vw + 1) past.push("right by " + Math.round(b.r - vw) + " px");
    if (past.length) out.push(name(e) + ": past the viewport's " + past.join(", ") + " (" + vw + "×" + vh + ")");
  }
  return out;
})()
