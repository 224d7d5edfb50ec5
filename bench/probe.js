// The benchmark's probe, installed in the top frame of the page under test (an init script).
// It reads the map's frames directly (they are same-origin) once per animation frame, on
// one clock for every frame: performance.timeOrigin + performance.now() (ms since the epoch).
//
//   kind "ours":  component iframe (title contains district_map) > iframe#map (srcdoc),
//                 paths path[data-pcode] with data-holder and fill, <html data-day>.
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

  function mapDoc(kind) {
    try {
      var outer = document.querySelector(kind === "ours" ? "iframe[title*='district_map']"
                                                         : "iframe[title*='st_folium']");
      if (!outer || !outer.contentDocument) return null;
      if (kind !== "ours") return outer.contentDocument;
      var inner = outer.contentDocument.getElementById("map");
      return inner && inner.contentDocument;
    } catch (e) { return null; }
  }

  // {painted: number of drawn district paths, match: fills (and holders) and day as expected}
  function read(spec) {
    var doc = mapDoc(spec.kind);
    if (!doc || !doc.documentElement) return { painted: 0, match: false };
    var painted = 0, match = true, seen = 0, day;
    if (spec.kind === "ours") {
      day = doc.documentElement.getAttribute("data-day");
      var paths = doc.querySelectorAll("path[data-pcode]");
      for (var i = 0; i < paths.length; i++) {
        var p = paths[i];
        if (p.getAttribute("d")) painted++;
        var code = p.getAttribute("data-pcode");
        if (!(code in spec.fills)) continue;
        seen++;
        if (match && (p.getAttribute("fill") !== spec.fills[code] ||
                      p.getAttribute("data-holder") !== spec.holders[code])) match = false;
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
    if (doc) {
      observer = new doc.defaultView.MutationObserver(function () {
        if (rec.key !== null && rec.dom === null && read(spec).match) {
          rec.dom = doc.defaultView.performance.timeOrigin + doc.defaultView.performance.now();
        }
      });
      observer.observe(doc.documentElement, { subtree: true, attributes: true,
                                              attributeFilter: ["fill", "data-holder", "data-day"] });
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
      if (rec.shell === null && document.querySelector("[data-testid='stApp']")) rec.shell = t;
      if (rec.iframe === null && document.querySelector(spec.kind === "ours" ?
          "iframe[title*='district_map']" : "iframe[title*='st_folium']")) rec.iframe = t;
      if (rec.inner === null && mapDoc(spec.kind) && mapDoc(spec.kind).querySelector("script")) rec.inner = t;
      var state = read(spec);
      if (rec.ready === null && state.painted > 0) rec.ready = t;
      if (state.match) { rec.map = t; return; }
      if (t - performance.timeOrigin < spec.timeout) requestAnimationFrame(frame);
    }
    requestAnimationFrame(frame);
  };
  function leaflet(kind) {
    var doc = mapDoc(kind), win = doc && doc.defaultView;
    if (!win) return null;
    return kind === "ours" ? win.districtMap && win.districtMap.map : win.map;
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
