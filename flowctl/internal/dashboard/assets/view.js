// Which view the page shows: the normal one, or the presenter view (the
// essentials, large: presenter.css). The choice is remembered in this
// browser; ?view=presenter or ?view=normal in the URL overrides it (a link
// to hand the projector's laptop). ?order=<mode>/<id> opens that order's
// trace: the link a native stack's trace view gives instead of Jaeger's
// (whose native build has no UI of its own).
"use strict";

(function () {
  const KEY = "dashboard-view";

  function set(presenter) {
    document.body.classList.toggle("presenter", presenter);
    const btn = $('[data-role="view-toggle"]');
    btn.setAttribute("aria-pressed", String(presenter));
    try { localStorage.setItem(KEY, presenter ? "presenter" : "normal"); } catch (e) { /* private mode: not remembered */ }
    // The charts are drawn in the pixels they are shown at.
    window.dispatchEvent(new Event("resize"));
  }

  function initial() {
    const q = new URLSearchParams(location.search).get("view");
    if (q === "presenter" || q === "normal") return q === "presenter";
    try { return localStorage.getItem(KEY) === "presenter"; } catch (e) { return false; }
  }

  // openOrder selects ?order=<mode>/<id> once the columns exist.
  function openOrder() {
    const o = new URLSearchParams(location.search).get("order") || "";
    const i = o.indexOf("/");
    if (i <= 0) return;
    const mode = o.slice(0, i), id = o.slice(i + 1);
    set(false); // a trace is the normal view's second screen
    const tryIt = (n) => {
      if (D.cols[mode]) select(mode, id);
      else if (n > 0) setTimeout(() => tryIt(n - 1), 200);
      else toast("no " + mode + " stack on this dashboard for order " + id);
    };
    tryIt(50);
  }

  document.addEventListener("DOMContentLoaded", () => {
    set(initial());
    $('[data-role="view-toggle"]').addEventListener("click", () => set(!document.body.classList.contains("presenter")));
    openOrder();
  });

  window.view = { set };
})();
