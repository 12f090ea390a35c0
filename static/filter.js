// statusdocs filter by sender, on the home and class pages: radio buttons
// that keep the codes a given kind of party usually sends. Without script
// the fieldset stays hidden and the full list shows.
(function () {
  "use strict";
  var box = document.querySelector("[data-sender-filter]");
  if (!box) return;
  var items = [].slice.call(document.querySelectorAll("main [data-senders]"));
  if (!items.length) return;
  var count = box.querySelector(".filter-count");
  function apply() {
    var checked = box.querySelector("input[name=sent-by]:checked");
    var by = checked ? checked.value : "";
    var shown = 0;
    items.forEach(function (it) {
      var keep = !by || (" " + it.getAttribute("data-senders") + " ").indexOf(" " + by + " ") >= 0;
      if (keep) { it.removeAttribute("data-filtered-out"); shown++; } else it.setAttribute("data-filtered-out", "");
    });
    // A class with none left disappears on the home page.
    [].forEach.call(document.querySelectorAll("main .class-group"), function (g) {
      if (g.querySelector("[data-senders]:not([data-filtered-out])")) g.removeAttribute("data-filtered-out");
      else g.setAttribute("data-filtered-out", "");
    });
    if (count) count.textContent = by ? (count.getAttribute("data-msg-count") || "%d of %d").replace("%d", shown).replace("%d", items.length) : "";
    try {
      var u = new URL(location.href);
      if (by) u.searchParams.set("sent-by", by); else u.searchParams.delete("sent-by");
      history.replaceState(null, "", u.href);
    } catch (err) { /* file:// may refuse */ }
  }
  box.addEventListener("change", apply);
  var want = new URLSearchParams(location.search).get("sent-by");
  if (want) {
    var r = box.querySelector("input[name=sent-by][value='" + want.replace(/[^a-z]/g, "") + "']");
    if (r) r.checked = true;
  }
  box.hidden = false;
  apply();
})();
