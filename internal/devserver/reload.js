// statusdocs dev server: live reload for the page this script ends.
//
// The server sends events on one EventSource stream:
//   reload  the site was rebuilt: reload, keeping the scroll position, or
//           with "follow" (statusdocs serve -follow) open that page
//   css     only stylesheets changed: swap them in place, no reload
//   failed  the rebuild failed: show its message over the page
//   ok      the error is fixed and nothing else changed: hide the message
// The page's build id (data-build, filled in by the server) goes with each
// connection, so a page that missed a rebuild while it loaded, or while
// the stream was down, is told to reload at once.
(function () {
  "use strict";

  var me = document.currentScript;
  if (!me || !window.EventSource) return;
  var build = me.getAttribute("data-build") || "";
  var eventsURL = me.getAttribute("data-events") || "/_statusdocs/events";
  var SCROLL_KEY = "statusdocs-scroll";
  var OVERLAY_ID = "statusdocs-error";

  // Put the page back where the reader was before a reload.
  (function restoreScroll() {
    var saved = null;
    try {
      saved = JSON.parse(sessionStorage.getItem(SCROLL_KEY) || "null");
    } catch (e) {}
    if (!saved || saved.path !== location.pathname) return;
    sessionStorage.removeItem(SCROLL_KEY);
    window.scrollTo(saved.x, saved.y);
    // Images and fonts may still change the layout: once more when loaded.
    window.addEventListener("load", function () {
      window.scrollTo(saved.x, saved.y);
      if ("scrollRestoration" in history) history.scrollRestoration = "auto";
    });
  })();

  function reload(follow) {
    if (follow && follow !== location.pathname) {
      location.assign(follow);
      return;
    }
    try {
      sessionStorage.setItem(SCROLL_KEY, JSON.stringify({ path: location.pathname, x: window.scrollX, y: window.scrollY }));
    } catch (e) {}
    // Keep the browser from restoring its own idea of the position.
    if ("scrollRestoration" in history) history.scrollRestoration = "manual";
    location.reload();
  }

  // swapCSS replaces each stylesheet link whose path changed by a copy
  // that asks for the new file; the old link goes once the new one has
  // loaded, so the page never shows unstyled.
  function swapCSS(files) {
    var links = document.querySelectorAll('link[rel~="stylesheet"]');
    for (var i = 0; i < links.length; i++) {
      var old = links[i];
      if (old.hasAttribute("data-statusdocs-old")) continue;
      var url = new URL(old.href, location.href);
      if (files.indexOf(url.pathname) < 0) continue;
      url.searchParams.set("statusdocs", build);
      var link = old.cloneNode(false);
      link.href = url.href;
      old.setAttribute("data-statusdocs-old", "");
      var done = (function (o) {
        return function () { o.remove(); };
      })(old);
      link.addEventListener("load", done);
      link.addEventListener("error", done);
      old.after(link);
    }
  }

  // showError puts the build error over the page, in a shadow root so the
  // site's own styles cannot hide it.
  function showError(message) {
    var host = document.getElementById(OVERLAY_ID);
    if (!host) {
      host = document.createElement("div");
      host.id = OVERLAY_ID;
      var root = host.attachShadow({ mode: "open" });
      root.innerHTML =
        '<style>' +
        ':host{all:initial;position:fixed;left:0;right:0;bottom:0;z-index:2147483647;max-height:60vh;overflow:auto;' +
        'background:#2b0b0b;color:#fde8e8;border-top:4px solid #e5484d;font:14px/1.5 system-ui,sans-serif;box-shadow:0 -4px 24px rgba(0,0,0,.4)}' +
        'div{padding:12px 16px}strong{display:block;margin-bottom:6px}' +
        'pre{margin:0;white-space:pre-wrap;font:13px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}' +
        '</style><div role="alert"><strong>The site did not build. You are looking at the last good version.</strong><pre></pre></div>';
      document.body.appendChild(host);
    }
    host.shadowRoot.querySelector("pre").textContent = message;
  }

  function clearError() {
    var host = document.getElementById(OVERLAY_ID);
    if (host) host.remove();
  }

  var delay = 250;
  function connect() {
    var es = new EventSource(eventsURL + "?build=" + encodeURIComponent(build));
    es.addEventListener("open", function () { delay = 250; });
    es.addEventListener("reload", function (e) {
      es.close();
      reload(JSON.parse(e.data).follow);
    });
    es.addEventListener("css", function (e) {
      var d = JSON.parse(e.data);
      build = d.build;
      clearError();
      swapCSS(d.files);
    });
    es.addEventListener("failed", function (e) {
      showError(JSON.parse(e.data).message);
    });
    es.addEventListener("ok", function (e) {
      build = JSON.parse(e.data).build;
      clearError();
    });
    // Reconnect ourselves rather than let EventSource do it, so the new
    // connection carries the build this page shows now.
    es.onerror = function () {
      es.close();
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 5000);
    };
  }
  connect();
})();
