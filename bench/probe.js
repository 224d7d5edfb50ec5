// The benchmark's probe, installed in the top frame of the page under test (an init script).
// It reads the map's frames directly (they are same-origin) once per animation frame, on
// one clock for every frame: performance.timeOrigin + performance.now() (ms since the epoch).
//
//   kind "ours":  the map engine's root (.cm-root, in the page or in an open shadow root: the
//                 Components v2 element), its main pane's path[data-pcode] with data-holder,
//                 the root's data-date; zoom through the glue's test hook (root.controlMap).
//                 Nothing of Streamlit's own page structure is read.
//   kind "naive": streamlit_folium's iframe (title contains st_folium), its Leaflet map in
//                 window.map, a <div id="bench-day" data-day> written by bench/naive_map.py.
(function () {
  "use strict";
  if (window.top !== window || window.__bench) return;
  var B = (window.__bench = { first: null, step: null });
  var now = function () { return performance.timeOrigin + performance.now(); };

  // Streamlit's websocket: when the rerun request leaves and the first answer arrives.
  var send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    if (B.step && B.step.key !== null && B.step.sent === null) B.step.sent = now();
    if (!this.__benchWatched) {
      this.__benchWatched = true;
      this.addEventListener("message", function (event) {
        B.lastWs = now();
        var f = B.first;
        if (f) {  // first paint: when the page's data arrives, and the largest message (the map)
          var t0 = now(), size = event.data && (event.data.byteLength || event.data.size || event.data.length) || 0;
          if (f.wsFirst === null) f.wsFirst = t0;
          if (size > f.wsBiggest) { f.wsBiggest = size; f.wsBig = t0; }
          f.wsLast = t0;
        }
        if (!B.step || B.step.sent === null) return;
        var t = now();
        if (B.step.answer === null) B.step.answer = t;
        B.step.last = t;  // the last message of the rerun (script finished) is the last one
      });
    }
    return send.apply(this, arguments);
  };

  var engine = null;
  function engineRoot() {  // the engine's root, wherever the component put it
    if (engine && engine.isConnected) return engine;
    engine = document.querySelector(".cm-root");
    if (!engine) {
      var all = document.querySelectorAll("*");
      for (var i = 0; i < all.length && !engine; i++) {
        if (all[i].shadowRoot) engine = all[i].shadowRoot.querySelector(".cm-root");
      }
    }
    return engine;
  }
  function mapDoc(kind) {
    if (kind === "ours") return engineRoot();
    try {
      var outer = document.querySelector("iframe[title*='st_folium']");
      return outer && outer.contentDocument;
    } catch (e) { return null; }
  }

  // {painted: number of drawn district paths, match: fills (and holders) and day as expected}
  function read(spec) {
    var doc = mapDoc(spec.kind);
    if (!doc) return { painted: 0, match: false };
    var painted = 0, match = true, seen = 0, day;
    if (spec.kind === "ours") {
      day = doc.getAttribute("data-date");
      var paths = doc.querySelectorAll(".cm-pane-a path[data-pcode]");
      for (var i = 0; i < paths.length; i++) {
        var p = paths[i];
        if (p.getAttribute("d")) painted++;
        var code = p.getAttribute("data-pcode");
        if (!(code in spec.holders)) continue;
        seen++;
        if (match && p.getAttribute("data-holder") !== spec.holders[code]) match = false;
      }
    } else {
      var win = doc.defaultView, map = win && win.map;
      var marker = doc.getElementById("bench-day");
      day = marker && marker.getAttribute("data-day");
      if (map && map._layers) {
        for (var id in map._layers) {
          var l = map._layers[id];
          if (!l || !l.feature || !l._path) continue;
          if (l._path.getAttribute("d")) painted++;
          var pcode = l.feature.properties.pcode;
          if (!(pcode in spec.fills)) continue;
          seen++;
          if (match && l._path.getAttribute("fill") !== spec.fills[pcode]) match = false;
        }
      }
    }
    return { painted: painted, match: match && seen === spec.count && (!spec.day || day === spec.day) };
  }

  function heading(label) {
    var hs = document.querySelectorAll("h3");
    for (var i = 0; i < hs.length; i++) if (hs[i].textContent.indexOf(label) >= 0) return true;
    return false;
  }

  // One scrub step: arm before the key press; the keydown (capture, top frame) starts the clock.
  B.arm = function (spec) {
    var rec = (B.step = { key: null, dom: null, map: null, url: null, heading: null, sent: null,
                          answer: null, last: null, frames: 0, blank: 0, done: false, timedOut: false });
    // The DOM-level time in the map frame (ours: the frame persists, so observe it).
    var doc = spec.kind === "ours" ? mapDoc("ours") : null;
    var observer = null;
    if (doc) {  // the engine's root is in this document (a shadow root of it): one clock
      observer = new MutationObserver(function () {
        if (rec.key !== null && rec.dom === null && read(spec).match) rec.dom = now();
      });
      observer.observe(doc, { subtree: true, attributes: true,
                              attributeFilter: ["fill", "data-holder", "data-date"] });
    }
    function frame() {
      var t = now(), state = read(spec);
      rec.frames++;
      if (rec.map === null && state.painted === 0) rec.blank++;
      if (rec.map === null && state.match) rec.map = t;
      if (spec.urlDate && rec.url === null && location.search.indexOf("date=" + spec.urlDate) >= 0) rec.url = t;
      if (spec.label && rec.heading === null && heading(spec.label)) rec.heading = t;
      var finished = rec.map !== null && (!spec.urlDate || rec.url !== null) && (!spec.label || rec.heading !== null);
      if (finished || t - rec.key > spec.timeout) {
        rec.timedOut = !finished;
        rec.done = true;
        if (observer) observer.disconnect();
        return;
      }
      requestAnimationFrame(frame);
    }
    window.addEventListener("keydown", function () {
      rec.key = now();
      requestAnimationFrame(frame);
    }, { capture: true, once: true });
  };

  // First paint: from navigation start until the map shows the expected snapshot.
  B.watchFirst = function (spec) {
    var rec = (B.first = { map: null, iframe: null, inner: null, ready: null, shell: null, frames: 0,
                           wsFirst: null, wsBig: null, wsBiggest: 0, wsLast: null });
    function frame() {
      var t = now();
      rec.frames++;
      if (rec.shell === null && document.readyState === "complete") rec.shell = t;  // the page shell loaded
      if (spec.kind === "ours") {  // "iframe": the engine's root exists; "inner": it is drawn
        var root = engineRoot();
        if (rec.iframe === null && root) rec.iframe = t;
        if (rec.inner === null && root && root.getAttribute("data-ready") === "1") rec.inner = t;
      } else {
        if (rec.iframe === null && document.querySelector("iframe[title*='st_folium']")) rec.iframe = t;
        if (rec.inner === null && mapDoc(spec.kind) && mapDoc(spec.kind).querySelector("script")) rec.inner = t;
      }
      var state = read(spec);
      if (rec.ready === null && state.painted > 0) rec.ready = t;
      if (state.match) { rec.map = t; return; }
      if (t - performance.timeOrigin < spec.timeout) requestAnimationFrame(frame);
    }
    requestAnimationFrame(frame);
  };
  function leaflet(kind) {
    if (kind === "ours") {
      var root = engineRoot();
      return root && root.controlMap ? root.controlMap.map() : null;
    }
    var doc = mapDoc(kind), win = doc && doc.defaultView;
    return win ? win.map : null;
  }
  // The map's centre and zoom, and a zoom-in plus pan as a user would do before scrubbing.
  B.view = function (kind) {
    var map = leaflet(kind);
    if (!map) return null;
    var c = map.getCenter();
    return [c.lat, c.lng, map.getZoom()];
  };
  B.zoomPan = function (kind) {
    var map = leaflet(kind);
    map.setZoom(map.getZoom() + 1, { animate: false });
    map.panBy([40, 25], { animate: false });
  };
  if (window.__benchFirst) B.watchFirst(window.__benchFirst);
})();
