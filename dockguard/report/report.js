(function () {
  "use strict";
  function reveal(id) {
    var el = id && document.getElementById(id);
    if (!el) return;
    for (var p = el.parentElement; p; p = p.parentElement) {
      if (p.tagName === "DETAILS") p.open = true;
    }
    el.scrollIntoView({block: "center"});
    el.classList.add("hl");
    setTimeout(function () { el.classList.remove("hl"); }, 1800);
  }
  window.addEventListener("hashchange", function () { reveal(decodeURIComponent(location.hash.slice(1))); });
  if (location.hash) reveal(decodeURIComponent(location.hash.slice(1)));
  var bar = document.getElementById("toolbar");
  if (bar) {
    bar.hidden = false;
    bar.addEventListener("click", function (event) {
      var action = event.target && event.target.getAttribute("data-action");
      if (action === "print") { window.print(); return; }
      if (action !== "expand" && action !== "collapse") return;
      document.querySelectorAll("details").forEach(function (d) { d.open = action === "expand"; });
    });
  }
  document.documentElement.setAttribute("data-report-ready", "yes");
})();
