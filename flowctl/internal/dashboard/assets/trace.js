// The selected order: where each service stands on it (asked again every
// second) and its trace from Jaeger as a waterfall — the data
// `flowctl trace --json` prints — with each event's wait in Kafka, span
// links told apart from parent/child, errors and retries marked, and a
// span's attributes on click. With TRACE_PROPAGATION=off the order is
// several unlinked fragments, and the waterfall shows them so.
"use strict";

(function () {
  let cur = null;        // {mode, id}
  let whereTimer = null;
  let traceTimer = null;
  let traceTries = 0;

  function select(mode, id) {
    cur = { mode, id };
    clearInterval(whereTimer);
    clearTimeout(traceTimer);
    traceTries = 0;
    const label = "— order " + id.slice(0, 8) + " (" + mode + ")";
    $('[data-role="where-title"]').textContent = label;
    $('[data-role="trace-title"]').textContent = label;
    const row = D.rows[mode] && D.rows[mode].get(id);
    showStatus(row ? row.dataset.status : "");
    $('[data-role="waterfall"]').replaceChildren();
    $('[data-role="trace-summary"]').textContent = "asking Jaeger…";
    $('[data-role="span-attrs"]').hidden = true;
    $('[data-role="jaeger"]').hidden = true;
    refreshWhere();
    whereTimer = setInterval(refreshWhere, 1000);
    loadTrace();
    showDetail();
  }

  // The selected order's detail is a screen of its own below the columns:
  // on a projector the trace gets the whole height. Esc or "↑ columns" goes
  // back; clicking another row comes here again.
  function showDetail() {
    const d = $('[data-role="selected"]');
    d.hidden = false;
    d.scrollIntoView({ block: "start" });
  }

  function backToColumns() { window.scrollTo(0, 0); }

  document.addEventListener("DOMContentLoaded", () => {
    $('[data-role="to-columns"]').addEventListener("click", backToColumns);
  });
  document.addEventListener("keydown", e => {
    if (e.key === "Escape" && !e.target.closest("input, select")) backToColumns();
  });

  async function refreshWhere() {
    const want = cur;
    try {
      const v = await api("GET", "/api/orders/" + want.mode + "/" + want.id + "/where");
      if (cur !== want) return;
      for (const s of v.services) {
        const cell = $('.where-cell[data-service="' + s.service + '"]');
        cell.dataset.knows = String(!!s.knows);
        $(".state", cell).textContent = s.state;
        $(".says", cell).textContent = s.says + (s.error ? " (" + s.error + ")" : "");
        cell.title = "read from " + s.source + " at " + v.at;
      }
    } catch (e) {
      if (cur === want) $('[data-role="where-title"]').textContent = "— " + e.message;
    }
  }

  function showStatus(status) {
    const b = $('[data-role="selected-status"]');
    b.className = "badge " + (status || "");
    b.textContent = status || "";
  }

  // orderChanged: a new step means new spans; ask Jaeger again shortly.
  function orderChanged(v) {
    if (!cur || v.id !== cur.id) return;
    showStatus(v.status);
    clearTimeout(traceTimer);
    traceTries = 0;
    traceTimer = setTimeout(loadTrace, 1500);
  }

  async function loadTrace() {
    const want = cur;
    try {
      const t = await api("GET", "/api/orders/" + want.mode + "/" + want.id + "/trace");
      if (cur !== want) return;
      render(t);
      // Spans are exported in batches: ask again until the order settled.
      if (!t.settled && traceTries++ < 20) traceTimer = setTimeout(loadTrace, 1500);
    } catch (e) {
      if (cur !== want) return;
      $('[data-role="trace-summary"]').textContent = e.message;
      if (e.status === 404 && traceTries++ < 20) traceTimer = setTimeout(loadTrace, 1000);
    }
  }

  function short(svc) { const i = svc.lastIndexOf("."); return i > 0 ? svc.slice(0, i) : svc; }

  function render(t) {
    const inv = t.investigation;
    const spans = inv.all_spans || [];
    const wf = $('[data-role="waterfall"]');
    wf.replaceChildren();
    const jl = $('[data-role="jaeger"]');
    // Natively Jaeger has no UI of its own: the link is this view's own.
    jl.href = t.jaeger_url || t.trace_url;
    jl.textContent = t.jaeger_url ? "open in Jaeger" : "link to this trace";
    jl.title = t.jaeger_url ? "Jaeger's UI" : "this stack's Jaeger has no UI: the dashboard's own trace view of this order";
    jl.hidden = !jl.href;
    const parts = [spans.length + " spans in " + inv.traces + " trace" + (inv.traces === 1 ? "" : "s"),
      inv.traces > 1 ? (inv.linked ? "joined by span links" : (inv.unlinked_trace_ids || []).length + " trace(s) tied only by orderflow.order_id") : "one trace",
      (inv.kafka_hops || []).length ? "Kafka wait " + fmtMs(inv.kafka_wait_ms) + " over " + inv.kafka_hops.length + " hop(s)" : "no Kafka hop",
      inv.lookups + " Jaeger lookups"];
    if (inv.failure_text) parts.push("⚠ " + inv.failure_text);
    if (!t.final) parts.push("order still " + t.status + ": more spans to come");
    $('[data-role="trace-summary"]').textContent = parts.join(" · ");
    if (!spans.length) return;

    let t0 = Infinity, t1 = -Infinity;
    for (const s of spans) { t0 = Math.min(t0, Date.parse(s.start)); t1 = Math.max(t1, Date.parse(s.end)); }
    const total = Math.max(t1 - t0, 1);
    const pct = ms => (100 * (ms - t0) / total);
    const ids = new Set(spans.map(s => s.span_id));
    const byID = new Map(spans.map(s => [s.span_id, s]));
    // depth indents a child under its parent; a linked span starts at 0.
    const depth = s => { let d = 0; for (let p = byID.get(s.parent_id); p && d < 12; p = byID.get(p.parent_id)) d++; return d; };
    const waits = {};
    for (const h of inv.kafka_hops || []) waits[h.consumer.span_id] = h;
    const attempts = {};
    const unlinked = new Set(inv.unlinked_trace_ids || []);
    wf.append(scale(total));

    inv.trace_ids.forEach((tid, ti) => {
      if (inv.trace_ids.length > 1) {
        const own = spans.filter(x => x.trace_id === tid);
        const readOnly = own.every(x => x.kind === "server" && (x.attrs || {})["http.request.method"] === "GET");
        let how = ti === 0 ? "the trace order-svc stored" : (unlinked.has(tid) ? "not linked: found only by orderflow.order_id" : "reached by a span link");
        if (ti > 0 && readOnly) how += " — a read of the order (e.g. this dashboard following it), not a step of its flow";
        wf.append(el("div", { class: "trace-break", text: "trace " + (ti + 1) + " of " + inv.trace_ids.length + " (" + tid.slice(0, 8) + "…): " + how }));
      }
      for (const s of spans.filter(x => x.trace_id === tid)) {
        // A retry is the same call again: the same message redelivered to
        // the same group, or the same client call under the same parent.
        // Two reads of an order, or calls to two hosts, are not retries.
        const a = s.attrs || {};
        const msg = a["messaging.message.id"] ? a["messaging.message.id"] + "|" + (a["messaging.consumer.group.name"] || "") : "";
        const retriable = msg !== "" || (s.parent_id && s.kind === "client");
        const key = [s.service, s.name, s.parent_id || "", a["url.full"] || a["http.url"] || "", a["server.address"] || "",
          a["server.port"] || "", msg].join("|");
        attempts[key] = (attempts[key] || 0) + 1;
        const start = Date.parse(s.start), end = Date.parse(s.end);
        const linked = (s.links || []).length > 0 && (!s.parent_id || !ids.has(s.parent_id));
        const hop = waits[s.span_id];
        let name = short(s.service) + " · " + s.name;
        if (retriable && attempts[key] > 1) name += " (attempt " + attempts[key] + ")";
        const bar = el("div", { class: "bar" });
        bar.style.left = pct(start).toFixed(2) + "%";
        bar.style.width = Math.max(pct(end) - pct(start), 0.2).toFixed(2) + "%";
        const area = el("div", { class: "bar-area" }, bar);
        if (hop && hop.wait_ms > 0) {
          const w = el("div", { class: "wait", title: "waited " + fmtMs(hop.wait_ms) + " in Kafka" });
          w.style.left = pct(start - hop.wait_ms).toFixed(2) + "%";
          w.style.width = (100 * hop.wait_ms / total).toFixed(2) + "%";
          area.prepend(w);
        }
        const nameEl = el("span", { class: "name", text: name, title: name });
        nameEl.style.paddingLeft = (depth(s) * 0.8) + "em";
        const row = el("div", { class: "span-row", "data-span-id": s.span_id, "data-service": short(s.service), "data-kind": s.kind,
          "data-error": String(!!s.error), "data-link": String(linked), title: s.status_message || "" },
          nameEl, area,
          el("span", { class: "dur", text: fmtMs(end - start) + " " }, hop ? el("span", { class: "kafka", text: "· " + fmtMs(hop.wait_ms) + " in Kafka" }) : null));
        if (retriable && attempts[key] > 1) row.classList.add("retry");
        row.addEventListener("click", () => showAttrs(s));
        wf.append(row);
      }
    });
  }

  // scale is the waterfall's time axis: ms from the first span's start,
  // ticked at round values (a quarter of the span, rounded up).
  function scale(total) {
    const ticks = el("div", { class: "ticks" });
    const step = window.chart.niceTop(total / 4);
    for (let v = 0; v <= total + 1e-9; v += step) {
      const t = el("span", { text: v === 0 ? "0 ms" : fmtMs(v) });
      t.style.left = (100 * v / total) + "%";
      ticks.append(t);
    }
    return el("div", { class: "span-scale" }, el("span", { text: "time since the first span" }), ticks, el("span"));
  }

  function showAttrs(s) {
    const pre = $('[data-role="span-attrs"]');
    pre.hidden = false;
    pre.textContent = JSON.stringify({ service: s.service, name: s.name, kind: s.kind, span_id: s.span_id, trace_id: s.trace_id,
      parent_id: s.parent_id, error: !!s.error, status_message: s.status_message, attributes: s.attrs || {}, links: s.links || [],
      events: s.events || [] }, null, 2);
  }

  window.traceView = { select, orderChanged, showDetail };
})();
