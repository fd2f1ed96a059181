// The default theme's controls: the light/dark switch and the menu on narrow screens. Pages read
// fine without this file; the choice of scheme is applied before first paint by <head>.
(function () {
  "use strict";
  var root = document.documentElement;
  var KEY = "quire-theme";
  var systemDark = window.matchMedia("(prefers-color-scheme: dark)");

  function scheme() {
    return root.getAttribute("data-theme") || (systemDark.matches ? "dark" : "light");
  }

  // A choice that matches the system is forgotten, so the page follows the system again.
  function choose(next) {
    root.setAttribute("data-theme", next);
    try {
      if (next === (systemDark.matches ? "dark" : "light")) localStorage.removeItem(KEY);
      else localStorage.setItem(KEY, next);
    } catch (e) {
      /* storage off: the choice lasts for this page only */
    }
  }

  var toggle = document.querySelector(".theme-toggle");
  function showScheme() {
    if (toggle) toggle.setAttribute("aria-pressed", String(scheme() === "dark"));
  }
  if (toggle) {
    toggle.addEventListener("click", function () {
      choose(scheme() === "dark" ? "light" : "dark");
      showScheme();
    });
  }
  systemDark.addEventListener("change", showScheme);
  showScheme();

  var menuButton = document.querySelector(".menu-button");
  var closeButton = document.querySelector(".menu-close");
  var nav = document.getElementById("site-nav");
  if (!menuButton || !nav) return;

  function setMenu(open, focusBack) {
    document.body.classList.toggle("nav-open", open);
    menuButton.setAttribute("aria-expanded", String(open));
    if (open) {
      var current = nav.querySelector("[aria-current=page]");
      if (current) current.scrollIntoView({ block: "center" });
      (closeButton || nav).focus();
    } else if (focusBack) {
      menuButton.focus();
    }
  }
  menuButton.addEventListener("click", function () {
    setMenu(!document.body.classList.contains("nav-open"), false);
  });
  if (closeButton) {
    closeButton.addEventListener("click", function () {
      setMenu(false, true);
    });
  }
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && document.body.classList.contains("nav-open")) setMenu(false, true);
  });
  // A tap outside the open menu closes it; so does widening the window past the breakpoint.
  document.addEventListener("click", function (event) {
    if (document.body.classList.contains("nav-open") && !nav.contains(event.target) && !menuButton.contains(event.target)) {
      setMenu(false, false);
    }
  });
  window.matchMedia("(min-width: 48rem)").addEventListener("change", function (event) {
    if (event.matches) setMenu(false, false);
  });
})();
