// The columns, one per stack the server shows (sync, events with the
// choreographed saga, events with the orchestrated one), built from
// /api/state and kept current by each stack's "stack" events: what runs and
// what is broken. The two events stacks share one Kafka broker: stopping it
// from one column breaks both, and each column says so.
"use strict";

// A column's title, short enough for three side by side on a 1280-px
// projector in the presenter view, and what it means on hover.
const TITLES = {
  sync: ["sync", "REST calls: order-svc calls inventory-svc, then invoicing-svc"],
  events: ["events · choreography", "Kafka: each service reacts to the others' events"],
  "events-orchestration": ["events · orchestration", "Kafka: order-svc's saga sends commands and waits for replies"],
};

// kafkaModes are the columns whose stack talks through the broker.
function kafkaModes() { return D.modes.filter(m => D.cols[m].dataset.kafka === "true"); }

function buildColumns(stacks) {
  const main = $("main.columns");
  const tpl = $("#column");
  for (const st of stacks) {
    if (D.cols[st.mode]) continue;
    const sec = tpl.content.firstElementChild.cloneNode(true);
    sec.dataset.mode = st.mode;
    sec.dataset.kafka = String(!!st.kafka);
    const [title, about] = TITLES[st.mode] || [st.mode, ""];
    const h2 = $('[data-role="title"]', sec);
    h2.textContent = title;
    h2.title = about;
    const ss = $('[data-role="stopstart"]', sec);
    for (const svc of ["order-svc", "inventory-svc", "invoicing-svc"]) {
      ss.append(el("span", { class: "svc", text: svc.replace("-svc", "") }),
        el("button", { "data-action": "stop-service", "data-service": svc, text: "stop" }),
        el("button", { "data-action": "start-service", "data-service": svc, text: "start" }));
    }
    if (st.kafka) {
      ss.append(el("span", { class: "svc", text: "Kafka" }),
        el("button", { "data-action": "stop-broker", text: "stop" }),
        el("button", { "data-action": "start-broker", text: "start" }));
    }
    main.append(sec);
    D.cols[st.mode] = sec;
    D.rows[st.mode] = new Map();
    D.modes.push(st.mode);
  }
  const on = kafkaModes();
  for (const b of $$('button[data-action="stop-broker"]')) {
    b.title = on.length > 1 ? "one broker serves " + on.join(" and ") + ": stopping it breaks every events column" : "stop the Kafka broker";
  }
  const all = D.modes.length === 2 ? "both" : "all " + D.modes.length;
  $('button[data-action="place-one-both"]').textContent = "Place one on " + all;
  $('button[data-action="run-scenario"]').textContent = "Run on " + all;
}

function onState(st) {
  buildColumns(st.stacks);
  for (const s of st.stacks) if (s.at) onStack(s);
  const rep = $('[data-role="report"]');
  if (st.report) { rep.href = st.report.url; rep.hidden = false; rep.title = st.report.dir; } else rep.hidden = true;
  if (!D.scenariosListed) {
    const sel = $('select[name="scenario"]');
    for (const sc of st.scenarios) sel.append(el("option", { value: sc.name, title: sc.summary, text: sc.name }));
    D.scenariosListed = true;
  }
}

// brokerDown says the broker stopped and, when another column runs on it
// too, that this one is not the only stack it breaks.
function brokerDown(mode) {
  const others = kafkaModes().filter(m => m !== mode);
  return "Kafka broker stopped" + (others.length ? " (shared: " + others.join(", ") + " broken too)" : "");
}

function onStack(o) {
  const sec = D.cols[o.mode];
  if (!sec) return;
  D.stacks[o.mode] = o;
  sec.dataset.up = String(!!o.up);
  sec.dataset.kafka = String(!!o.kafka);
  $('[data-role="up"]', sec).textContent = o.up ? "running" : "not running";
  $('[data-role="meta"]', sec).textContent = o.runtime || "";
  const prop = $('select[name="propagation"]', sec);
  if (o.propagation && document.activeElement !== prop && !prop.disabled) prop.value = o.propagation;
  const broken = $('[data-widget="broken"]', sec);
  broken.replaceChildren();
  const bad = [];
  for (const [svc, s] of Object.entries(o.services || {})) {
    if (!s.up) { bad.push(svc + " stopped"); continue; }
    const f = s.faults || {};
    const parts = [];
    if (f.latency && f.latency !== "0s") parts.push("+" + f.latency + " latency");
    if (f.error_rate) parts.push(Math.round(f.error_rate * 100) + "% errors");
    if (f.consumers_paused) parts.push("consumers paused");
    if (f.decline_rate) parts.push(Math.round(f.decline_rate * 100) + "% of charges declined");
    if (parts.length) bad.push(svc + ": " + parts.join(", "));
  }
  if (o.broker && !o.broker.up) bad.push(brokerDown(o.mode));
  if (bad.length === 0) broken.append(el("span", { class: "ok", text: "nothing broken" }));
  for (const b of bad) broken.append(el("span", { class: "bad", "data-broken": b, text: "⚠ " + b }));
}
