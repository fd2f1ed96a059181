// quire serve: live reload. Added to pages by `quire serve` only, never by `quire build`.
// Waits for rebuilds; reloads the page when it (or a script or image it uses) changed, swaps
// stylesheets in place when only CSS changed (the scroll position stays), and shows the build
// error over the page until the file is fixed. Messages are shown as text, never as HTML.
//
// Browsers open at most 6 connections to one host, and each waiting poll holds one: with one
// poll per tab, a sixth tab stalled every page load. So the tabs of a site share one poll:
// the tab holding a Web Lock (the leader) waits on the server and tells the others through a
// BroadcastChannel that a rebuild happened; each of them then asks what changed since its own
// generation with a request that returns at once. When the leader closes or reloads, the
// lock passes to another tab. Where Web Locks are missing (a page not on localhost or https),
// each tab polls on its own as before.
(function () {
  "use strict";
  var script = document.currentScript;
  var endpoint = script.src.replace(/live\.js(\?.*)?$/, "live");
  var instance = script.getAttribute("data-instance");
  var since = Number(script.getAttribute("data-generation"));
  var overlay = null;

  function pathOf(url) {
    try {
      var path = decodeURIComponent(new URL(url, location.href).pathname);
      return /\/$/.test(path) ? path + "index.html" : path;
    } catch (e) {
      return "";
    }
  }

  function showError(message) {
    if (!message) {
      if (overlay) {
        overlay.remove();
        overlay = null;
      }
      return;
    }
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "quire-error-overlay";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText =
        "position:fixed;z-index:2147483647;left:0;right:0;top:0;max-height:70vh;overflow:auto;" +
        "margin:0;padding:1em 1.5em;background:#fff5f5;color:#1a1a1a;border-bottom:4px solid #c62828;" +
        "box-shadow:0 2px 12px rgba(0,0,0,.3);font:14px/1.5 system-ui,sans-serif;text-align:left";
      var title = document.createElement("strong");
      title.textContent = "quire: the last change did not build. This page shows the last good version.";
      var text = document.createElement("pre");
      text.style.cssText = "margin:.75em 0 0;white-space:pre-wrap;font:13px/1.45 ui-monospace,monospace";
      overlay.appendChild(title);
      overlay.appendChild(text);
      document.body.appendChild(overlay);
    }
    overlay.querySelector("pre").textContent = message;
  }

  function swapStylesheet(link) {
    var url = new URL(link.href, location.href);
    url.searchParams.set("quire-reload", String(Date.now()));
    var fresh = link.cloneNode();
    fresh.href = url.href;
    fresh.onload = fresh.onerror = function () {
      link.remove();
    };
    link.after(fresh);
  }

  function apply(news) {
    showError(news.error);
    if (news.reload) {
      location.reload();
      return;
    }
    var changed = {};
    news.changed.forEach(function (path) {
      changed[path] = true;
    });
    if (changed[pathOf(location.href)]) {
      location.reload();
      return;
    }
    var used = document.querySelectorAll("script[src],img[src],source[src],video[src],audio[src],iframe[src],object[data]");
    for (var i = 0; i < used.length; i++) {
      if (used[i] !== script && changed[pathOf(used[i].src || used[i].data)]) {
        location.reload();
        return;
      }
    }
    var css = news.changed.filter(function (path) {
      return /\.css$/i.test(path);
    });
    if (!css.length) return;
    var links = Array.prototype.slice.call(document.querySelectorAll('link[rel~="stylesheet"][href]'));
    var linked = links.filter(function (link) {
      return changed[pathOf(link.href)];
    });
    // A changed file none of the links names is @import-ed by one of them: refresh them all.
    var imported = css.some(function (path) {
      return !links.some(function (link) {
        return pathOf(link.href) === path;
      });
    });
    (imported ? links : linked).forEach(swapStylesheet);
  }

  // Asks what happened since `since`; `then(news)` gets the answer, or null after an error.
  function ask(wait, then) {
    var request = new XMLHttpRequest();
    request.open("GET", endpoint + "?instance=" + encodeURIComponent(instance) + "&since=" + since + "&wait=" + (wait ? 1 : 0));
    request.onload = function () {
      if (request.status !== 200) return then(null);
      var news = JSON.parse(request.responseText);
      since = news.generation;
      then(news);
    };
    request.onerror = function () {
      then(null);
    };
    request.send();
  }

  // The leader's (or a lone tab's) loop: wait for each rebuild, tell the other tabs, apply it.
  // After an error (the server stopped or restarted) keep asking, more slowly; a new run
  // answers `reload`.
  function poll(wait, delay, channel) {
    ask(wait, function (news) {
      if (!news) {
        setTimeout(function () { poll(false, Math.min(delay * 2, 5000), channel); }, delay);
        return;
      }
      if (channel) channel.postMessage({ instance: news.instance, generation: news.generation });
      apply(news);
      poll(true, 500, channel);
    });
  }

  var lockName = "quire-live " + endpoint;
  if (typeof BroadcastChannel !== "function" || !(navigator.locks && navigator.locks.request)) {
    poll(false, 500, null);
    return;
  }
  var channel = new BroadcastChannel(lockName);
  var asking = false;
  var askAgain = false;
  // A follower catches up with one quick request; news arriving meanwhile asks again after.
  function catchUp() {
    if (asking) {
      askAgain = true;
      return;
    }
    asking = true;
    ask(false, function (news) {
      asking = false;
      if (news) apply(news);
      if (askAgain) {
        askAgain = false;
        catchUp();
      }
    });
  }
  channel.onmessage = function (event) {
    if (event.data.instance !== instance || event.data.generation !== since) catchUp();
  };
  function lead() {
    script.setAttribute("data-live-role", "leader");
    poll(false, 500, channel);
    return new Promise(function () {}); // held until the page goes
  }
  navigator.locks.request(lockName, { ifAvailable: true }, function (lock) {
    if (lock) return lead();
    script.setAttribute("data-live-role", "follower");
    catchUp();
    navigator.locks.request(lockName, lead);
  });
})();
