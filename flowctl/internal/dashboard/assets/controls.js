// What the buttons do: each one calls the dashboard's API, which places the
// orders, proxies the fault (with the admin token only the server holds) or
// stops and starts a part of the stack. Results arrive on the stream.
"use strict";

(function () {
  function modeOf(btn) { const s = btn.closest("section[data-mode]"); return s ? s.dataset.mode : null; }
  function num(sec, name) { return Number($('input[name="' + name + '"]', sec).value); }

  async function busy(btn, fn) {
    const label = btn.textContent;
    btn.disabled = true;
    btn.textContent = "…";
    // A button of a final order (cancel) stays disabled.
    try { await fn(); } catch (e) { toast(e.message); } finally { btn.disabled = btn.dataset.final === "true"; btn.textContent = label; }
  }

  const actions = {
    "place-one": btn => api("POST", "/api/orders", { mode: modeOf(btn) }),
    "place-one-both": () => api("POST", "/api/orders", { mode: "all" }),
    "place-load": btn => {
      const sec = D.cols[modeOf(btn)];
      return api("POST", "/api/load", { mode: modeOf(btn), rate: num(sec, "rate"), duration_s: num(sec, "duration") });
    },
    "apply-fault": btn => {
      const mode = modeOf(btn), sec = D.cols[mode];
      const svc = $('select[name="service"]', sec).value;
      const cur = ((D.stacks[mode] || {}).services || {})[svc] || {};
      const paused = !!(cur.faults && cur.faults.consumers_paused);
      const declineRate = (cur.faults && cur.faults.decline_rate) || 0; // set apart, kept here
      return api("PUT", "/api/stacks/" + mode + "/faults/" + svc,
        { latency_ms: num(sec, "latency_ms"), error_rate: num(sec, "error_rate"), consumers_paused: paused, decline_rate: declineRate });
    },
    "set-decline-rate": btn => {
      const mode = modeOf(btn);
      return api("PUT", "/api/stacks/" + mode + "/faults/invoicing-svc/decline-rate", { decline_rate: num(D.cols[mode], "decline_rate") });
    },
    "cancel-order": async btn => {
      const row = btn.closest(".order-row");
      const answer = $('[data-role="cancel-answer"]', row);
      try {
        const r = await api("POST", "/api/orders/" + modeOf(btn) + "/" + encodeURIComponent(row.dataset.orderId) + "/cancel");
        answer.textContent = "cancel: " + r.answer;
      } catch (e) {
        answer.textContent = "cancel: " + (e.status === 409 ? "409: " + ((e.problem && e.problem.detail) || e.message) : e.message);
        throw e;
      } finally {
        answer.title = answer.textContent;
        showSub(row);
      }
    },
    "clear-faults": btn => api("DELETE", "/api/stacks/" + modeOf(btn) + "/faults"),
    "pause-consumers": btn => pause(btn, "pause"),
    "resume-consumers": btn => pause(btn, "resume"),
    "stop-service": btn => api("POST", "/api/stacks/" + modeOf(btn) + "/" + btn.dataset.service + "/stop"),
    "start-service": btn => api("POST", "/api/stacks/" + modeOf(btn) + "/" + btn.dataset.service + "/start"),
    "stop-broker": btn => api("POST", "/api/stacks/" + modeOf(btn) + "/broker/stop"),
    "start-broker": btn => api("POST", "/api/stacks/" + modeOf(btn) + "/broker/start"),
    "run-scenario": () => {
      const name = $('select[name="scenario"]').value;
      return api("POST", "/api/scenarios/" + encodeURIComponent(name) + "/run", { mode: "all" });
    },
  };

  function pause(btn, verb) {
    const mode = modeOf(btn);
    const svc = $('select[name="service"]', D.cols[mode]).value;
    return api("POST", "/api/stacks/" + mode + "/faults/" + svc + "/" + verb);
  }

  document.addEventListener("click", e => {
    const btn = e.target.closest("button[data-action]");
    if (!btn || !actions[btn.dataset.action]) return;
    busy(btn, () => actions[btn.dataset.action](btn));
  });

  // Changing the trace propagation restarts the stack's services.
  document.addEventListener("change", async e => {
    const sel = e.target.closest('select[name="propagation"]');
    if (!sel) return;
    const mode = modeOf(sel);
    sel.disabled = true;
    try {
      await api("PUT", "/api/stacks/" + mode + "/propagation", { propagation: sel.value });
    } catch (err) {
      toast(err.message);
    } finally {
      sel.disabled = false;
    }
  });

  function onLoad(p) {
    const sec = D.cols[p.mode];
    if (!sec) return;
    const t = $('[data-role="load"]', sec);
    if (p.running) t.textContent = "load: " + p.placed + " of " + p.total + " placed";
    else t.textContent = "load done: " + p.placed + " of " + p.total + " placed" + (p.slipped ? ", " + p.slipped + " sent late" : "") + (p.error ? " — " + p.error : "");
  }

  // onScenario shows a run's progress in the top bar and, once it ends, the
  // verdict and metrics of each mode side by side.
  function onScenario(ev) {
    const prog = $('[data-role="scenario-progress"]');
    const btn = $('button[data-action="run-scenario"]');
    if (ev.phase === "running") {
      btn.disabled = true;
      prog.textContent = ev.name + ": " + (ev.total ? ev.label + " " + ev.done + "/" + ev.total : (ev.line || "starting…")).trim();
      return;
    }
    btn.disabled = false;
    const run = ev.run || { outcomes: [] };
    const holds = (run.outcomes || []).map(o => o.mode + " " + (o.holds ? "holds" : "does not hold"));
    prog.textContent = ev.name + (ev.phase === "failed" ? " failed" : " done") + (holds.length ? ": " + holds.join(", ") : "");
    const box = $('[data-widget="scenario-result"]');
    box.replaceChildren();
    const close = el("button", { class: "close", title: "hide this result", text: "×" });
    close.addEventListener("click", () => box.replaceChildren());
    box.append(close, el("h3", { text: "Scenario " + ev.name + " " }, el("span", { class: "hint", text: run.claim || "" })));
    if (ev.error) box.append(el("div", { class: "trace-break", text: ev.error }));
    const grid = el("div", { class: "verdicts" });
    for (const o of run.outcomes || []) {
      const table = el("table");
      for (const m of o.metrics || []) {
        table.append(el("tr", {}, el("td", { text: m.label }), el("td", { text: fmtValue(m.value, m.unit) })));
      }
      grid.append(el("div", { class: "verdict", "data-verdict-mode": o.mode, "data-holds": String(!!o.holds) },
        el("b", { text: o.mode + ": " + (o.holds ? "claim holds" : "claim does not hold") + " (" + fmtMs(o.took_ms) + ")" }),
        el("div", { text: o.verdict }), table));
    }
    box.append(grid);
    window.traceView.showDetail();
  }

  function fmtValue(v, unit) {
    if (unit === "ms") return fmtMs(v);
    // The report's units (comparereport formatValue): a sample size, an
    // HTTP status, bytes in binary units.
    if (unit === "n") return "n=" + v;
    if (unit === "HTTP") return "HTTP " + v;
    if (unit === "bytes") return v >= 1048576 ? (v / 1048576).toFixed(1) + " MiB" : v >= 1024 ? (v / 1024).toFixed(1) + " KiB" : v + " B";
    const s = Number.isInteger(v) ? String(v) : v.toFixed(1);
    return unit ? s + " " + unit : s;
  }

  window.controls = { onLoad, onScenario };
})();
