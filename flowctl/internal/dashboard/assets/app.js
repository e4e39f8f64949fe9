// orderflow dashboard: the page's state, the event stream, the order rows
// and the figures. columns.js builds a column per stack and shows what is
// broken; controls.js sends what the buttons ask; trace.js draws
// the selected order's trace and where each service stands. Every number
// shown comes from the dashboard's API, which measured it.
"use strict";

const D = {
  modes: [],        // ["sync", "events", "events-orchestration"], as the server shows them
  cols: {},         // mode → its section element
  rows: {},         // mode → Map(order id → row element)
  stacks: {},       // mode → last "stack" observation
  selected: null,   // {mode, id}
  scenariosListed: false,
};
const MAX_ROWS = 200;
const STEP_CELLS = ["placed", "reserved", "invoiced", "confirmed"];

function $(sel, root) { return (root || document).querySelector(sel); }
function $$(sel, root) { return Array.from((root || document).querySelectorAll(sel)); }

function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else e.setAttribute(k, v);
  }
  for (const k of kids) if (k != null) e.append(k);
  return e;
}

function fmtMs(ms) {
  if (ms == null || isNaN(ms)) return "–";
  if (ms < 10) return ms.toFixed(1) + " ms";
  if (ms < 1000) return Math.round(ms) + " ms";
  return (ms / 1000).toFixed(2) + " s";
}

function shortID(id) { return id.startsWith("not-placed") ? "—" : id.slice(0, 8); }

function toast(msg) {
  const t = $('[data-role="toast"]');
  t.textContent = msg;
  t.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { t.hidden = true; }, 6000);
}

// KEY is a public dashboard's per-run key: read once from the URL flowctl
// printed (#key=… or ?key=…), kept for this tab so a reload still has it,
// and sent on every API call. A loopback dashboard has none and wants none.
const KEY = (() => {
  const k = new URLSearchParams(location.hash.slice(1)).get("key") ||
    new URLSearchParams(location.search).get("key") || sessionStorage.getItem("dashboard-key") || "";
  if (k) sessionStorage.setItem("dashboard-key", k);
  return k;
})();

// api calls the dashboard's own API; a problem answer becomes a toast.
async function api(method, path, body) {
  const opt = { method, headers: {} };
  if (KEY) opt.headers["X-Dashboard-Key"] = KEY;
  if (method !== "GET") {
    opt.headers["Content-Type"] = "application/json";
    opt.body = JSON.stringify(body || {});
  }
  const r = await fetch(path, opt);
  const ct = r.headers.get("Content-Type") || "";
  const data = ct.includes("json") ? await r.json() : await r.text();
  if (!r.ok) {
    const err = new Error(data && data.title ? data.title + ": " + (data.detail || "") : "HTTP " + r.status);
    err.status = r.status;
    err.problem = data;
    throw err;
  }
  return data;
}

// ---- orders -------------------------------------------------------------

// A step's time after placement: "+305 ms", or "+5.38 s" from a second on
// (short enough for the row's cell).
function stepText(ms) { return "+" + (ms < 1000 ? Math.round(ms) + "\u00a0ms" : (ms / 1000).toFixed(2) + "\u00a0s"); }

// A step not seen yet is "waiting" while the order is followed, "?" once it
// no longer is, and "—" when the order is final without it (skipped).
const NOT_SEEN = { waiting: "waiting", lost: "?", skipped: "—" };

function newRow(v) {
  const row = el("div", { class: "order-row", "data-order-id": v.id, "data-selected": "false" },
    el("span", { class: "id", text: shortID(v.id), title: v.id }),
    el("span", { class: "badge" }));
  for (const s of STEP_CELLS) row.append(el("span", { "data-step": s, class: "step waiting", text: NOT_SEEN.waiting }));
  row.append(el("span", { class: "post" }), el("button", { class: "cancel", "data-action": "cancel-order", text: "✕" }),
    el("div", { class: "sub", "data-role": "sub", hidden: "" },
      el("span", { class: "undone", "data-role": "undone" }), el("span", { class: "answer", "data-role": "cancel-answer" })));
  return row;
}

// The saga's compensations, shown once seen: what a failed or cancelled
// order held, given back. "waiting" while order-svc still awaits them.
const UNDONE = ["released", "voided"];

function showUndone(row, v, seen) {
  const u = $('[data-role="undone"]', row);
  const done = UNDONE.filter(s => seen[s] != null).map(s => s + " " + stepText(seen[s]));
  const awaiting = v.awaiting || [];
  u.textContent = done.concat(awaiting.map(s => s + " waiting")).join(" · ");
  if (u.textContent) u.textContent = "undone: " + u.textContent;
  u.dataset.undone = UNDONE.filter(s => seen[s] != null).join(" ");
  u.className = "undone" + (awaiting.length ? " awaiting" : "");
  u.title = u.textContent;
}

// The cancel button: only while the order is not final (a sync order is
// final once its request answered); order-svc's answer below it.
function showCancel(row, v) {
  const btn = $('button[data-action="cancel-order"]', row);
  const final = v.final || v.status === "NOT PLACED";
  btn.dataset.final = String(final);
  if (btn.textContent !== "…") btn.disabled = final;
  btn.title = final ? "final: " + v.status + (v.mode === "sync" ? " (a sync order is final once its request answered)" : "") :
    "cancel it as its customer would: POST /orders/{id}/cancel";
  const a = $('[data-role="cancel-answer"]', row);
  if (v.cancel) a.textContent = "cancel: " + v.cancel;
  a.title = a.textContent;
  showSub(row);
}

// showSub shows the line under a row once it has something to say.
function showSub(row) {
  const sub = $('[data-role="sub"]', row);
  sub.hidden = !sub.textContent;
}

function onOrder(v) {
  const sec = D.cols[v.mode];
  if (!sec) return;
  const rows = D.rows[v.mode];
  let row = rows.get(v.id);
  if (!row) {
    row = newRow(v);
    rows.set(v.id, row);
    $('[data-role="rows"]', sec).prepend(row);
    if (rows.size > MAX_ROWS) {
      const [oldID, oldRow] = rows.entries().next().value;
      oldRow.remove();
      rows.delete(oldID);
    }
  }
  row.dataset.status = v.status;
  const badge = $(".badge", row);
  badge.className = "badge " + v.status;
  badge.textContent = v.status;
  const seen = {};
  for (const s of v.steps || []) seen[s.step] = s.after_ms;
  const cells = $$("[data-step]", row);
  // The second cell is reserved, or rejected; the third invoiced, or
  // declined; the last confirmed, or how the order ended otherwise.
  cells[1].dataset.step = seen.rejected != null ? "rejected" : "reserved";
  cells[2].dataset.step = seen.declined != null && seen.invoiced == null ? "declined" : "invoiced";
  cells[3].dataset.step = seen.cancelled != null ? "cancelled" : seen.failed != null ? "failed" : "confirmed";
  for (const c of cells) {
    const ms = seen[c.dataset.step];
    const state = ms != null ? "seen" : v.final ? "skipped" : v.followed === false ? "lost" : "waiting";
    c.textContent = ms != null ? stepText(ms) : NOT_SEEN[state];
    c.className = "step " + state;
    c.title = state === "lost" ? "no longer followed: not seen within the follow time" : "";
  }
  const post = $(".post", row);
  post.textContent = v.http_status ? v.http_status + " " + fmtMs(v.placement_ms) : "no answer";
  showUndone(row, v, seen);
  showCancel(row, v);
  row.title = [v.reason, v.error, v.followed === false && !v.final ? "no longer followed" : ""].filter(Boolean).join(" · ");
  if (D.selected && D.selected.id === v.id) window.traceView && window.traceView.orderChanged(v);
}

// Under a fast load many order events arrive at once: keep the newest of
// each order and draw them together, 20 times a second at most (a timer,
// not an animation frame, so a page in a background tab keeps up too).
const queued = new Map();
function queueOrder(v) {
  if (queued.size === 0) setTimeout(() => {
    const batch = Array.from(queued.values());
    queued.clear();
    for (const o of batch) onOrder(o);
  }, 50);
  queued.set(v.mode + v.id, v); // an order queued already keeps its place
}

function select(mode, id) {
  for (const r of $$('.order-row[data-selected="true"]')) r.dataset.selected = "false";
  const row = D.rows[mode] && D.rows[mode].get(id);
  if (row) row.dataset.selected = "true";
  D.selected = { mode, id };
  window.traceView.select(mode, id);
}

// ---- figures ------------------------------------------------------------

// keepUnits joins each number to its unit and a statistic to its number
// with a no-break space: a line may wrap between figures, never inside one
// ("max 11.67 s" stays whole; "(n=40)" may move to the next line).
function keepUnits(s) {
  return s.replace(/(\d) (ms|s|µs|%|events?|MiB|KiB|B)\b/g, "$1\u00a0$2").replace(/\b(p50|p95|p99|max|lag|outbox|DLQ) (?=[\d–])/g, "$1\u00a0");
}

function setFigure(sec, name, f, prefix) {
  const e = $('[data-figure="' + name + '"]', sec);
  e.dataset.value = f.value == null ? "" : String(Math.round(f.value * 10) / 10);
  // The sample size or the reason, "(n=8)", in a span of its own: the
  // presenter view sets it smaller than the number it qualifies.
  const text = keepUnits((prefix || "") + f.text), m = /^(.*\S) (\([^()]*\))$/.exec(text);
  e.replaceChildren(...(m ? [m[1] + " ", el("span", { class: "n", text: m[2] })] : [text]));
  e.title = f.text;
}

function onFigures(f) {
  const sec = D.cols[f.mode];
  if (!sec) return;
  setFigure(sec, "placement-p50", f.placement_p50, "p50 ");
  setFigure(sec, "placement-p99", f.placement_tail);
  setFigure(sec, "ttc-p50", f.ttc_p50, "p50 ");
  setFigure(sec, "ttc-p99", f.ttc_tail);
  setFigure(sec, "orders-n", f.orders);
  setFigure(sec, "lag", f.lag, "lag ");
  setFigure(sec, "outbox", f.outbox, "outbox ");
  setFigure(sec, "dead-letters", f.dead_letters, "DLQ ");
  $(".fig-kafka", sec).title = [f.lag.text, f.outbox.text, f.dead_letters.text].join("\n");
  // Which groups and topics: each events stack has its own.
  const groups = [...new Set((f.lag_rows || []).map(r => r.group))];
  if (groups.length) $('[data-figure="lag"]', sec).title = f.lag.text + "\nconsumer groups: " + groups.join(", ");
  if (f.dlq_topics) $('[data-figure="dead-letters"]', sec).title = f.dead_letters.text + "\ndead-letter topics: " + f.dlq_topics.join(", ");
  const bs = $('[data-role="by-status"]', sec);
  bs.replaceChildren(...Object.entries(f.by_status || {}).map(([k, n]) => el("span", { class: "st " + k, text: k + "\u00a0" + n })));
  if (!bs.childElementCount) bs.textContent = "none placed here yet";
  const lr = (f.lag_rows || []).filter(r => r.lag > 0).map(r => r.group + " " + r.topic + "/" + r.partition + ": " + r.lag);
  const lagEl = $('[data-role="lag-rows"]', sec);
  lagEl.textContent = lr.length ? "behind: " + lr.join(" · ") :
    (f.lag_rows && f.lag_rows.length ? "every group caught up on all " + f.lag_rows.length + " partitions" : "");
  lagEl.title = lagEl.textContent;
  lagEl.classList.toggle("behind", lr.length > 0);
  window.chart.draw($('[data-role="chart"]', sec), f.series || []); // every column's chart, on one scale
  showDeadLetters(sec, f.dead_letters.value);
}

// showDeadLetters lists the newest dead letter whenever their count changes.
async function showDeadLetters(sec, count) {
  const box = $('[data-role="dead-letters"]', sec);
  if (!count) { box.textContent = ""; delete box.dataset.count; return; }
  if (box.dataset.count === String(count)) return;
  box.dataset.count = String(count);
  try {
    const d = await api("GET", "/api/deadletters/" + encodeURIComponent(sec.dataset.mode));
    const last = d.dead_letters[0];
    if (last) box.textContent = "newest dead letter: " + (last.event_type || "?") + " of order " + (last.order_id || "?").slice(0, 8) +
      " from " + last.original.topic + " by " + (last.group || "?") + ": " + last.error;
    box.title = box.textContent + "\n\n" + d.dead_letters.slice(0, 10).map(v => v.time + " " + v.dlq.topic + " " + v.event_type + " " + v.error).join("\n");
  } catch (e) { box.textContent = "dead letters: " + e.message; }
}

// ---- stream -------------------------------------------------------------

function connect() {
  const conn = $('[data-role="conn"]');
  // EventSource cannot set headers: the key goes in the query.
  const es = new EventSource(KEY ? "/api/stream?key=" + encodeURIComponent(KEY) : "/api/stream");
  const on = (name, fn) => es.addEventListener(name, e => fn(JSON.parse(e.data)));
  es.onopen = () => { conn.textContent = "live"; conn.classList.add("live"); };
  es.onerror = () => { conn.textContent = "reconnecting…"; conn.classList.remove("live"); };
  on("state", onState);
  on("stack", onStack);
  on("order", queueOrder);
  on("figures", onFigures);
  on("load", p => window.controls.onLoad(p));
  on("scenario", ev => window.controls.onScenario(ev));
}

// A script error is shown, not swallowed: a widget that stopped updating
// must not pass for a stack that stopped changing.
window.addEventListener("error", e => toast("page error: " + e.message));
window.addEventListener("unhandledrejection", e => toast("page error: " + (e.reason && e.reason.message || e.reason)));

document.addEventListener("DOMContentLoaded", async () => {
  try {
    onState(await api("GET", "/api/state"));
  } catch (e) {
    toast("the dashboard does not answer: " + e.message);
  }
  connect();
  $("main.columns").addEventListener("click", e => {
    const row = e.target.closest(".order-row");
    if (e.target.closest("button")) return; // a row's own button (cancel) does not select it
    if (row && !row.dataset.orderId.startsWith("not-placed")) select(row.closest("section").dataset.mode, row.dataset.orderId);
  });
});
