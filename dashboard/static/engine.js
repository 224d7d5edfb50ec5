// ControlMap: the district map AND its controls (view toggle, timeline, play, legend, age),
// shared by the Streamlit component and the published static site (python -m dashboard publish).
// A classic script: no modules, no build step, works from file://. Needs window.L (Leaflet 1.9).
// Every text from the claims is untrusted: it reaches the DOM only through esc() or textContent,
// and a link only through safeUrl().
(function () {
  "use strict";

  // -- The compact codec of dashboard/mapdata.py: zigzag integers, five bits a character -----
  var DIGITS = new Int8Array(128).fill(-1);
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".split("").forEach(
    function (ch, i) { DIGITS[ch.charCodeAt(0)] = i; });
  function varints(text) {
    var out = [], z = 0, unit = 1;
    for (var k = 0; k < text.length; k++) {
      var d = DIGITS[text.charCodeAt(k)];
      z += (d & 31) * unit;
      if (d < 32) { out.push(z % 2 === 0 ? z / 2 : -(z + 1) / 2); z = 0; unit = 1; } else { unit *= 32; }
    }
    return out;
  }
  function sums(values) {
    for (var k = 1; k < values.length; k++) values[k] += values[k - 1];
    return values;
  }

  function esc(value) {
    return String(value == null ? "" : value).replace(/[&<>"'`]/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "`": "&#96;" }[c];
    });
  }
  function safeUrl(url) {
    return typeof url === "string" && /^https?:\/\/[^\s]+$/i.test(url) ? url : null;
  }
  function safeColor(c, fallback) {
    return typeof c === "string" && /^#[0-9a-fA-F]{6}$/.test(c) ? c : fallback;
  }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (attrs[k] === true) e.setAttribute(k, "");
      else if (attrs[k] != null && attrs[k] !== false) e.setAttribute(k, attrs[k]);
    });
    if (text != null) e.textContent = text;
    return e;
  }
  var SVG = "http://www.w3.org/2000/svg";
  function svg(tag, attrs) {
    var e = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    return e;
  }
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  // -- The data, expanded once --------------------------------------------------------------
  function decode(data) {
    var m = { data: data, n: data.districts.length, rowOf: {}, hIndex: {}, history: {},
              startMs: Date.parse(data.start + "T00:00:00Z"), viewIds: data.views.map(function (v) { return v.id; }),
              viewLabel: {} };
    data.views.forEach(function (v) { m.viewLabel[v.id] = v.label; });
    data.districts.forEach(function (d, i) { m.rowOf[d.pcode] = i; });
    data.holders.forEach(function (h, i) { m.hIndex[h] = i; });
    m.unknown = m.hIndex.unknown != null ? m.hIndex.unknown : data.holders.length - 1;
    Object.keys(data.history).forEach(function (view) {
      var h = data.history[view], day = sums(varints(h.day)), district = varints(h.district);
      var holder = varints(h.holder), count = varints(h.count), rests = sums(varints(h.rests));
      var out = { day: day, district: district, holder: holder, rests: new Array(h.n) };
      for (var k = 0, r = 0; k < h.n; r += count[k], k++) out.rests[k] = rests.slice(r, r + count[k]);
      m.history[view] = out;
    });
    var g = data.geometry;
    m.features = g.features.map(function (f) {
      var polygons = f[2].map(function (rings) {
        return rings.map(function (text) {
          var v = varints(text), ring = [], x = 0, y = 0;
          for (var k = 0; k < v.length; k += 2) { x += v[k]; y += v[k + 1]; ring.push([x / g.scale, y / g.scale]); }
          if (ring.length) ring.push(ring[0].slice());
          return ring;
        });
      });
      return { type: "Feature", properties: { pcode: f[0] }, geometry: f[1] === "M" ?
        { type: "MultiPolygon", coordinates: polygons } : { type: "Polygon", coordinates: polygons[0] || [] } };
    });
    // Claims by district (every view), for the history in the popup.
    m.claimsOf = {};
    Object.keys(m.history).forEach(function (view) {
      var h = m.history[view];
      for (var k = 0; k < h.day.length; k++) {
        var list = m.claimsOf[h.district[k]] || (m.claimsOf[h.district[k]] = {});
        h.rests[k].forEach(function (r) { list[r] = true; });
      }
    });
    return m;
  }

  function isoOf(m, day) { return new Date(m.startMs + day * 86400000).toISOString().slice(0, 10); }
  function dayOf(m, iso) {
    var t = Date.parse(String(iso).slice(0, 10) + "T00:00:00Z");
    return isNaN(t) ? null : Math.round((t - m.startMs) / 86400000);
  }
  function dateLabel(m, day) {
    var d = new Date(m.startMs + day * 86400000);
    return d.getUTCDate() + " " + MONTHS[d.getUTCMonth()] + " " + d.getUTCFullYear();
  }

  // Every district's state at the end of a day in one view, and which changed holder that day.
  // A step forward (the slider, play) continues from the previous state in the same view
  // instead of replaying the view's history from its start.
  function statesAt(m, view, day, cache) {
    var n = m.n, h = m.history[view], k = 0, holders, rests;
    if (cache && cache.view === view && cache.m === m && cache.day === day) return cache;
    if (cache && cache.view === view && cache.m === m && cache.day < day) {
      holders = cache.holders.slice(); rests = cache.rests.slice(); k = cache.k;
    } else {
      holders = new Array(n).fill(m.unknown); rests = new Array(n).fill(null);
    }
    var before = new Array(n).fill(-1);
    if (h) {
      for (; k < h.day.length && h.day[k] <= day; k++) {
        var i = h.district[k];
        if (h.day[k] === day && before[i] < 0) before[i] = holders[i];
        holders[i] = h.holder[k];
        rests[i] = h.rests[k];
      }
    }
    var changed = new Array(n), latest = new Array(n);
    for (var j = 0; j < n; j++) {
      changed[j] = before[j] >= 0 && before[j] !== holders[j];
      var r = rests[j], best = null;
      if (r) for (var q = 0; q < r.length; q++) { var d = m.data.claims[r[q]].day; if (best == null || d > best) best = d; }
      latest[j] = best;
    }
    return { m: m, view: view, day: day, k: k, holders: holders, rests: rests, changed: changed, latest: latest };
  }

  var counter = 0;

  function create(root, data, options) {
    if (!window.L) throw new Error("ControlMap needs Leaflet (window.L) loaded first");
    options = options || {};
    // Unique on the page even if two copies of this script run (the ids name SVG patterns).
    var id = "cm" + (++counter) + "-" + Math.random().toString(36).slice(2, 8);
    var m = decode(data);
    var st = { view: null, date: null, district: null, compare: null, playing: false };
    var day = 0, selected = null, ageOn = true, userView = false, lastShown = null, hashTimer = null;
    var onChange = typeof options.onChange === "function" ? options.onChange : function () {};
    var popups = options.popups !== false;
    var basemap = options.basemap || null;
    var panes = [], timer = null, playSteps = 0, destroyed = false, resize = null;

    // -- DOM ----------------------------------------------------------------------------------
    root.classList.add("cm-root");
    root.textContent = "";
    var defs = svg("svg", { "class": "cm-defs", width: "0", height: "0", "aria-hidden": "true", focusable: "false" });
    var defsEl = svg("defs");
    defs.appendChild(defsEl);
    root.appendChild(defs);

    var controls = el("div", { "class": "cm-controls" });
    var viewsBox = el("fieldset", { "class": "cm-views" });
    viewsBox.appendChild(el("legend", {}, "Whose claims"));
    var radios = el("div", { "class": "cm-radios", role: "radiogroup", "aria-label": "Whose claims" });
    viewsBox.appendChild(radios);
    var compareLabel = el("label", { "class": "cm-compare" });
    compareLabel.appendChild(el("span", {}, "Compare with "));
    var compareSelect = el("select", { "aria-label": "Compare with" });
    compareLabel.appendChild(compareSelect);
    viewsBox.appendChild(compareLabel);
    controls.appendChild(viewsBox);

    var timeline = el("div", { "class": "cm-timeline", role: "group", "aria-label": "Timeline" });
    var prevBtn = el("button", { type: "button", "class": "cm-prev", "aria-label": "Previous claim", title: "Previous claim" }, "\u00AB Prev");
    var playBtn = el("button", { type: "button", "class": "cm-play", "aria-label": "Play", "aria-pressed": "false" });
    var nextBtn = el("button", { type: "button", "class": "cm-next", "aria-label": "Next claim", title: "Next claim" }, "Next \u00BB");
    var sliderId = id + "-date";
    var slider = el("input", { type: "range", id: sliderId, "class": "cm-slider", min: "0", step: "1", "aria-label": "Date" });
    var dateOut = el("output", { "class": "cm-date", "for": sliderId, "aria-live": "off" });
    [prevBtn, playBtn, nextBtn, slider, dateOut].forEach(function (e) { timeline.appendChild(e); });
    controls.appendChild(timeline);

    var extra = el("div", { "class": "cm-extra" });
    var ageLabel = el("label", { "class": "cm-age" });
    var ageBox = el("input", { type: "checkbox", checked: true });
    ageLabel.appendChild(ageBox);
    var ageText = el("span");
    ageLabel.appendChild(ageText);
    extra.appendChild(ageLabel);
    var districtLabel = el("label", { "class": "cm-district" });
    districtLabel.appendChild(el("span", {}, "District "));
    var districtSelect = el("select", { "aria-label": "District" });
    districtLabel.appendChild(districtSelect);
    extra.appendChild(districtLabel);
    controls.appendChild(extra);
    root.appendChild(controls);

    var mapsBox = el("div", { "class": "cm-maps" });
    root.appendChild(mapsBox);

    var legend = el("details", { "class": "cm-legend" });
    var legendSummary = el("summary", {}, "Legend");
    legend.appendChild(legendSummary);
    var legendTitle = el("div", { "class": "cm-legend-title" });
    legend.appendChild(legendTitle);
    var legendList = el("ul");
    legend.appendChild(legendList);
    var legendSource = el("div", { "class": "cm-legend-source" });
    legend.appendChild(legendSource);

    function patternId(holderIndex) { return id + "-p" + holderIndex; }
    function styleOf(holder) { return (m.data.styles || {})[holder] || { color: "#DDDDDD", opacity: 0.6 }; }
    function fillOf(holder) {
      var s = styleOf(holder);
      return s.pattern ? "url(#" + patternId(m.hIndex[holder]) + ")" : safeColor(s.color, "#DDDDDD");
    }

    function buildDefs() {
      defsEl.textContent = "";
      m.data.holders.forEach(function (h, i) {
        var s = styleOf(h);
        if (!s.pattern) return;
        var p = svg("pattern", { id: patternId(i), patternUnits: "userSpaceOnUse", width: "8", height: "8",
                                 patternTransform: "rotate(45)" });
        p.appendChild(svg("rect", { width: "8", height: "8", fill: safeColor(s.color, "#EEEEEE") }));
        var ink = safeColor(s.ink, "#444444");
        if (s.pattern === "cross") {
          p.appendChild(svg("rect", { x: "3.25", width: "1.5", height: "8", fill: ink }));
          p.appendChild(svg("rect", { y: "3.25", width: "8", height: "1.5", fill: ink }));
        } else {
          p.appendChild(svg("rect", { width: "2.5", height: "8", fill: ink }));
        }
        defsEl.appendChild(p);
      });
    }

    function swatch(holder) {
      var s = styleOf(holder);
      var box = svg("svg", { "class": "cm-swatch", width: "24", height: "16", "aria-hidden": "true", focusable: "false" });
      box.appendChild(svg("rect", { x: "1", y: "1", width: "22", height: "14", fill: fillOf(holder),
        "fill-opacity": String(s.pattern ? 1 : (s.opacity || 0.75)), stroke: "#333333", "stroke-width": "1.2",
        "stroke-dasharray": s.dash ? "3 2" : "none" }));
      return box;
    }
    function lineSwatch(stroke, dash, width) {
      var box = svg("svg", { "class": "cm-swatch", width: "24", height: "16", "aria-hidden": "true", focusable: "false" });
      box.appendChild(svg("rect", { x: "2", y: "2", width: "20", height: "12", fill: "#FFFFFF", stroke: stroke,
        "stroke-width": String(width), "stroke-dasharray": dash || "none" }));
      return box;
    }

    function dotSwatch() {
      var box = svg("svg", { "class": "cm-swatch", width: "24", height: "16", "aria-hidden": "true", focusable: "false" });
      box.appendChild(svg("circle", { cx: "12", cy: "8", r: "6", fill: "#FFFFFF", stroke: "#111111", "stroke-width": "2" }));
      return box;
    }
    function buildControls() {
      lastShown = null;
      radios.lastView = null;
      radios.textContent = "";
      m.data.views.forEach(function (v, i) {
        var label = el("label", { "class": "cm-radio" });
        var input = el("input", { type: "radio", name: id + "-view", value: v.id });
        input.addEventListener("change", function () { if (input.checked) userSet({ view: v.id }, "view"); });
        label.appendChild(input);
        label.appendChild(el("span", {}, v.label.replace(/ claims$/, "")));
        radios.appendChild(label);
      });
      compareSelect.textContent = "";
      compareSelect.appendChild(el("option", { value: "" }, "No comparison"));
      m.data.views.forEach(function (v) { compareSelect.appendChild(el("option", { value: v.id }, v.label)); });
      districtSelect.textContent = "";
      districtSelect.appendChild(el("option", { value: "" }, "None selected"));
      m.data.districts.map(function (d, i) { return [d.name, i]; })
        .sort(function (a, b) { return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0; })
        .forEach(function (x) {
          districtSelect.appendChild(el("option", { value: m.data.districts[x[1]].pcode }, x[0]));
        });
      slider.max = String(Math.max(0, m.data.days - 1));
      ageText.textContent = " Fade colours resting on claims older than " + m.data.staleDays + " days";
      buildDefs();
      buildLegend();
    }

    function buildLegend() {
      legendList.textContent = "";
      m.data.holders.forEach(function (h) {
        var li = el("li", { "data-holder": h });
        li.appendChild(swatch(h));
        li.appendChild(el("span", {}, (m.data.holderLabels || {})[h] || h));
        legendList.appendChild(li);
      });
      var extras = [[lineSwatch("#000000", null, 3), "Selected district"],
                    [lineSwatch("#C2185B", "5 3", 3), "Holder changed on this day"],
                    [null, "Faded: the newest claim behind the colour is older than " + m.data.staleDays + " days"]];
      if (st.compare) extras.push([lineSwatch("#000000", "2 3", 2.5), "The two views differ"]);
      if (m.data.places && m.data.places.length) extras.push([dotSwatch(), "Named places, coloured by the latest claim about them in this view"]);
      extras.forEach(function (x) {
        var li = el("li", { "class": "cm-legend-mark" });
        if (x[0]) li.appendChild(x[0]); else li.appendChild(el("span", { "class": "cm-swatch cm-faded", "aria-hidden": "true" }));
        li.appendChild(el("span", {}, x[1]));
        legendList.appendChild(li);
      });
      legendSource.textContent = "";
      var url = safeUrl(m.data.attributionUrl);
      var a = el(url ? "a" : "span", url ? { href: url, target: "_blank", rel: "noopener noreferrer" } : {}, m.data.attribution);
      legendSource.appendChild(a);
    }

    // -- One map pane (two in compare mode) ----------------------------------------------------
    function Pane(which) {
      var pane = this;
      pane.which = which;
      pane.box = el("div", { "class": "cm-pane cm-pane-" + which });
      pane.title = el("div", { "class": "cm-pane-title" });
      pane.mapEl = el("div", { "class": "cm-map", role: "region", "aria-label": "Map" });
      pane.tip = el("div", { "class": "cm-tip", role: "tooltip", hidden: true });
      pane.box.appendChild(pane.title);
      pane.box.appendChild(pane.mapEl);
      pane.mapEl.appendChild(pane.tip);
      mapsBox.appendChild(pane.box);
      pane.map = L.map(pane.mapEl, { zoomSnap: 0.25, zoomDelta: 0.5, attributionControl: true, tap: false,
                                     fadeAnimation: false });
      // Until the reader zooms or pans, the map keeps fitting the region (resize, compare).
      pane.map.on("dragstart zoomstart", function () { if (!pane.auto && !pane.moving) userView = true; });
      pane.map.attributionControl.setPrefix(false);
      pane.paths = new Array(m.n);
      pane.styled = new Array(m.n).fill(null);
      pane.state = null;
      pane.sync = true;
      L.DomEvent.on(pane.tip, "mouseover", function () { pane.tip.hidden = true; });
    }
    Pane.prototype.fit = function () {
      this.auto = true;
      try { this.map.fitBounds(m.data.bounds, { padding: [10, 10], animate: false }); } finally { this.auto = false; }
    };
    Pane.prototype.resized = function () {
      this.auto = true;
      try { this.map.invalidateSize({ pan: false }); } finally { this.auto = false; }
      if (!userView) this.fit();
    };
    Pane.prototype.view = function () { return this.which === "b" ? st.compare : st.view; };
    Pane.prototype.build = function (fit) {
      var pane = this;
      if (pane.layer) pane.map.removeLayer(pane.layer);
      if (pane.labels) pane.map.removeLayer(pane.labels);
      if (pane.places) pane.map.removeLayer(pane.places);
      pane.paths = new Array(m.n);
      pane.styled = new Array(m.n).fill(null);
      // The map needs a view before layers are added, or Leaflet defers drawing their paths.
      if (fit) pane.fit();
      pane.layer = L.geoJSON({ type: "FeatureCollection", features: m.features }, {
        style: function () { return { color: "#333333", weight: 1.2, opacity: 1, fillOpacity: 0.75 }; },
        onEachFeature: function (feature, layer) {
          var i = m.rowOf[feature.properties.pcode];
          if (i == null) return;
          pane.paths[i] = layer;
          layer.on("mouseover mousemove", function (e) { pane.showTip(i, e.containerPoint); });
          layer.on("mouseout", function () { pane.tip.hidden = true; });
          layer.on("click", function (e) {
            pane.tip.hidden = true;
            select(i, true);
            if (popups) L.popup({ maxWidth: 340, autoPanPadding: [16, 16], className: "cm-popup" })
              .setLatLng(e.latlng).setContent(pane.popup(i)).openOn(pane.map);
          });
        }
      }).addTo(pane.map);
      pane.layer.eachLayer(function (layer) {
        var i = m.rowOf[layer.feature.properties.pcode];
        if (i != null && layer._path) {
          layer._path.setAttribute("data-pcode", m.data.districts[i].pcode);
          layer._path.setAttribute("role", "img");
          layer._path.setAttribute("aria-label", m.data.districts[i].name);
        }
      });
      pane.labels = L.layerGroup();
      m.data.districts.forEach(function (d) {
        if (!d.label) return;
        L.marker(d.label, { interactive: false, keyboard: false, icon: L.divIcon({
          className: "cm-label", html: "<span>" + esc(d.name) + "</span>", iconSize: [120, 16], iconAnchor: [60, 8] }) })
          .addTo(pane.labels);
      });
      pane.labels.addTo(pane.map);
      pane.places = L.layerGroup().addTo(pane.map);
      pane.markers = (m.data.places || []).map(function (p) {
        // A white ring under each dot keeps it visible on a district of its own colour.
        L.circleMarker([p.lat, p.lon], { radius: 10, stroke: false, fillColor: "#FFFFFF", fillOpacity: 0.95,
                                         interactive: false }).addTo(pane.places);
        var mk = L.circleMarker([p.lat, p.lon], { radius: 7, color: "#111111", weight: 2, fillOpacity: 1 });
        mk.bindPopup(function () { return pane.placePopup(p); }, { maxWidth: 320, autoPanPadding: [16, 16], className: "cm-popup" });
        mk.on("mouseover", function (e) { pane.showTipHtml(pane.placeTip(p), e.containerPoint); });
        mk.on("mouseout", function () { pane.tip.hidden = true; });
        mk.addTo(pane.places);
        if (mk._path) { mk._path.setAttribute("data-place", p.name); mk._path.setAttribute("role", "img"); mk._path.setAttribute("aria-label", p.name); }
        return mk;
      });
    };
    Pane.prototype.setBasemap = function (b) {
      if (this.tiles) { this.map.removeLayer(this.tiles); this.tiles = null; }
      if (b && safeUrl(String(b.url).replace(/[{}]/g, ""))) {
        this.tiles = L.tileLayer(b.url, { attribution: b.attribution ? esc(b.attribution) : "", maxZoom: b.maxZoom || 17 });
        this.tiles.addTo(this.map);
        this.tiles.bringToBack();
      }
    };
    Pane.prototype.showTipHtml = function (html, point) {
      var tip = this.tip, w = this.mapEl.clientWidth, h = this.mapEl.clientHeight;
      tip.innerHTML = html;
      tip.style.maxWidth = Math.max(120, Math.min(300, w - 16)) + "px";
      tip.hidden = false;
      var tw = tip.offsetWidth, th = tip.offsetHeight;
      var x = point.x + 14, y = point.y + 14;
      if (x + tw > w - 4) x = point.x - 14 - tw;
      if (y + th > h - 4) y = point.y - 14 - th;
      tip.style.left = Math.max(4, Math.min(x, w - tw - 4)) + "px";
      tip.style.top = Math.max(4, Math.min(y, h - th - 4)) + "px";
    };
    Pane.prototype.showTip = function (i, point) { this.showTipHtml(this.tooltip(i), point); };

    function holderText(h) { return (m.data.holderLabels || {})[h] || h; }
    function claimLine(c, withLink) {
      var link = safeUrl(c.url);
      var text = "<b>" + esc(c.source) + "</b>" + (c.via ? " via " + esc(c.via) : "") + ", " + esc(c.date);
      if (c.quote) text += ': <q>' + esc(c.quote) + "</q>";
      if (withLink && link) text += ' <a href="' + esc(link) + '" target="_blank" rel="noopener noreferrer">source</a>';
      return text;
    }
    function ago(n) { return n === 0 ? "today" : n === 1 ? "1 day ago" : n + " days ago"; }

    Pane.prototype.tooltip = function (i) {
      var s = this.state, d = m.data.districts[i], h = m.data.holders[s.holders[i]];
      var html = '<div class="cm-tip-head"><b>' + esc(d.name) + "</b>" +
        (d.name_da ? ' <span class="cm-da" dir="rtl" lang="prs">' + esc(d.name_da) + "</span>" : "") + "</div>" +
        '<div><span class="cm-holder">' + esc(holderText(h)) + "</span>";
      var rests = s.rests[i] || [];
      if (rests.length) {
        var since = m.data.claims[rests[rests.length - 1]].date;
        rests.forEach(function (r) { if (m.data.claims[r].date > since) since = m.data.claims[r].date; });
        html += " since " + esc(since) + "</div><div class=\"cm-age-line\">Last claimed " + esc(ago(day - s.latest[i])) +
          "</div><div class=\"cm-tip-claims\">" + rests.map(function (r) {
            return "<div>" + claimLine(m.data.claims[r], true) + "</div>"; }).join("") + "</div>";
      } else {
        html += "</div>";
      }
      if (s.changed[i]) html += '<div class="cm-changed-line">Holder changed on this day</div>';
      return html;
    };
    Pane.prototype.popup = function (i) {
      var s = this.state, d = m.data.districts[i], view = this.view(), h = m.data.holders[s.holders[i]];
      var rests = s.rests[i] || [];
      var now = rests.map(function (r) { return "<li>" + claimLine(m.data.claims[r], true) + "</li>"; }).join("");
      var all = Object.keys(m.claimsOf[i] || {}).map(Number).sort(function (a, b) {
        return m.data.claims[a].date < m.data.claims[b].date ? -1 : m.data.claims[a].date > m.data.claims[b].date ? 1 : a - b; });
      var hist = all.map(function (r) {
        var c = m.data.claims[r];
        return '<li class="' + (c.day > day ? "cm-later" : "") + (rests.indexOf(r) >= 0 ? " cm-now" : "") + '">' +
          esc(m.viewLabel[c.view] || c.view) + ": " + esc(holderText(c.holder)) + " \u2013 " + claimLine(c, true) + "</li>";
      }).join("");
      return '<div class="district-popup"><b>' + esc(d.name) + "</b>" +
        (d.name_da ? ' <span class="cm-da" dir="rtl" lang="prs">' + esc(d.name_da) + "</span>" : "") +
        " \u2013 " + esc(holderText(h)) + " (" + esc(m.viewLabel[view] || view) + ", " + esc(isoOf(m, day)) + ")" +
        (now ? "<ol>" + now + "</ol>" : "") +
        (hist ? '<details class="cm-history"><summary>Its history: the claims its holder rested on, in every view</summary><ol>' + hist + "</ol></details>" : "") +
        "</div>";
    };
    Pane.prototype.placeClaim = function (p) {
      var view = this.view(), best = null;
      p.claims.forEach(function (r) {
        var c = m.data.claims[r];
        if (c.day > day || (view !== "combined" && c.view !== view)) return;
        if (best == null || c.date >= m.data.claims[best].date) best = r;
      });
      return best;
    };
    Pane.prototype.placeTip = function (p) {
      var r = this.placeClaim(p);
      return '<div class="cm-tip-head"><b>' + esc(p.name) + "</b></div>" +
        (r == null ? "<div>No claim about this place yet in this view</div>" :
          '<div><span class="cm-holder">' + esc(holderText(m.data.claims[r].holder)) + "</span></div><div>" +
          claimLine(m.data.claims[r], false) + "</div>");
    };
    Pane.prototype.placePopup = function (p) {
      var r = this.placeClaim(p);
      return '<div class="place-popup"><b>' + esc(p.name) + "</b>" +
        (r == null ? "<p>No claim about this place yet in this view.</p>" :
          "<p>" + esc(holderText(m.data.claims[r].holder)) + ": " + claimLine(m.data.claims[r], true) + "</p>") +
        '<p class="cm-point-source">Point: ' + esc(p.source) + "</p></div>";
    };

    Pane.prototype.paint = function (other) {
      var pane = this, s = statesAt(m, pane.view(), day, pane.state);
      pane.state = s;
      var stale = m.data.staleDays;
      for (var i = 0; i < m.n; i++) {
        var layer = pane.paths[i];
        if (!layer) continue;
        var h = m.data.holders[s.holders[i]];
        var old = ageOn && s.latest[i] != null && day - s.latest[i] > stale;
        var differs = other && other.state && other.state.holders[i] !== s.holders[i];
        var look = h + "|" + old + "|" + s.changed[i] + "|" + differs + "|" + (selected === i);
        if (pane.styled[i] === look) continue;
        pane.styled[i] = look;
        var base = styleOf(h);
        var style = { fillColor: fillOf(h), fillOpacity: (base.pattern ? 1 : (base.opacity || 0.75)) * (old ? 0.35 : 1),
                      color: "#333333", weight: 1.2, opacity: 1, dashArray: base.dash ? "4 4" : null };
        if (differs) { style.color = "#000000"; style.weight = 2.5; style.dashArray = "2 3"; }
        if (s.changed[i]) { style.color = "#C2185B"; style.weight = 3.5; style.dashArray = "5 3"; }
        if (selected === i) { style.color = "#000000"; style.weight = 4; style.dashArray = null; }
        layer.setStyle(style);
        var path = layer._path;
        if (path) {
          path.setAttribute("data-holder", h);
          path.setAttribute("data-stale", old ? "1" : "0");
          path.setAttribute("data-changed", s.changed[i] ? "1" : "0");
          path.setAttribute("data-differs", differs ? "1" : "0");
          path.classList.toggle("cm-selected", selected === i);
          path.setAttribute("aria-label", m.data.districts[i].name + ": " + holderText(h));
        }
        if (selected === i) layer.bringToFront();
      }
      (pane.markers || []).forEach(function (mk, k) {
        var r = pane.placeClaim(m.data.places[k]);
        var h = r == null ? "unknown" : m.data.claims[r].holder;
        mk.setStyle({ fillColor: fillOf(h), dashArray: r == null ? "2 2" : null });
        if (mk._path) mk._path.setAttribute("data-holder", h);
      });
      pane.title.textContent = (m.viewLabel[pane.view()] || pane.view()) + ", " + dateLabel(m, day);
      pane.mapEl.setAttribute("aria-label", "Map: " + (m.viewLabel[pane.view()] || pane.view()));
    };

    // -- State ------------------------------------------------------------------------------
    function valid(partial) {
      var out = {};
      if ("view" in partial) out.view = m.viewIds.indexOf(partial.view) >= 0 ? partial.view : null;
      if ("date" in partial) {
        var d = partial.date == null ? null : dayOf(m, partial.date);
        out.day = d == null ? null : Math.max(0, Math.min(m.data.days - 1, d));
      }
      if ("district" in partial) out.district = partial.district != null && m.rowOf[partial.district] != null ? partial.district : null;
      if ("compare" in partial) out.compare = partial.compare && m.viewIds.indexOf(partial.compare) >= 0 ? partial.compare : null;
      return out;
    }
    function apply(partial) {
      var v = valid(partial);
      if (v.view) st.view = v.view;
      if (v.day != null) day = v.day;
      if ("district" in v) { st.district = v.district; selected = v.district == null ? null : m.rowOf[v.district]; }
      if ("compare" in v) st.compare = v.compare === st.view ? null : v.compare;
      if (st.compare === st.view) st.compare = null;
      st.date = isoOf(m, day);
    }
    function snapshot() {
      return { view: st.view, date: st.date, district: st.district, compare: st.compare, playing: st.playing };
    }
    function emit(cause) {
      writeHash(cause !== "date");  // a scrub or play writes the URL once it settles
      try { onChange(snapshot(), cause); } catch (e) { if (window.console) console.error(e); }
    }
    function userSet(partial, cause) {
      apply(partial);
      render();
      emit(cause);
    }
    function select(i, fromUser) {
      st.district = i == null ? null : m.data.districts[i].pcode;
      selected = i;
      render();
      if (fromUser) emit("district");
    }

    function ensurePanes() {
      if (!panes[0]) { panes[0] = new Pane("a"); panes[0].build(true); panes[0].setBasemap(basemap); panes[0].box.appendChild(legend); }
      if (st.compare && !panes[1]) {
        var b = new Pane("b");
        panes[1] = b;
        root.classList.add("cm-comparing");
        if (legend.open && panes[0].box.clientWidth < 900) legend.open = false;
        panes[0].resized();
        b.auto = true;
        b.map.setView(panes[0].map.getCenter(), panes[0].map.getZoom(), { animate: false });
        b.auto = false;
        b.build(false);
        b.setBasemap(basemap);
        b.links = [link(panes[0], b), link(b, panes[0])];
        buildLegend();
      } else if (!st.compare && panes[1]) {
        panes[0].map.off("move zoom", panes[1].links[0]);
        panes[1].map.off("move zoom", panes[1].links[1]);
        panes[1].map.remove();
        panes[1].box.remove();
        panes[1] = null;
        root.classList.remove("cm-comparing");
        panes[0].resized();
        panes[0].styled.fill(null);
        buildLegend();
      }
    }
    function link(from, to) {
      var follow = function () {
        if (from.moving) return;
        to.moving = true;
        try { to.map.setView(from.map.getCenter(), from.map.getZoom(), { animate: false }); } finally { to.moving = false; }
      };
      from.map.on("move zoom", follow);
      return follow;
    }

    function render() {
      if (destroyed) return;
      ensurePanes();
      var a = panes[0], b = panes[1];
      if (b) { b.paint(null); a.paint(b); b.paint(a); } else { a.paint(null); }
      // Controls follow the state; each is touched only when what it shows changed.
      var shown = [st.view, st.compare, st.district, day, st.playing, ageOn].join("|");
      if (shown === lastShown) return;
      lastShown = shown;
      if (radios.lastView !== st.view || radios.lastM !== m) {
        radios.lastView = st.view; radios.lastM = m;
        radios.querySelectorAll("input").forEach(function (r) { r.checked = r.value === st.view; });
        Array.prototype.forEach.call(compareSelect.options, function (o) { o.disabled = o.value === st.view; });
      }
      if (compareSelect.value !== (st.compare || "")) compareSelect.value = st.compare || "";
      if (districtSelect.value !== (st.district || "")) districtSelect.value = st.district || "";
      if (String(slider.value) !== String(day)) slider.value = String(day);
      var label = dateLabel(m, day);
      slider.setAttribute("aria-valuetext", label);
      dateOut.textContent = label;
      var playText = st.playing ? "\u275A\u275A Pause" : "\u25B6 Play";
      if (playBtn.textContent !== playText) {
        playBtn.textContent = playText;
        playBtn.setAttribute("aria-label", st.playing ? "Pause" : "Play");
        playBtn.setAttribute("aria-pressed", st.playing ? "true" : "false");
      }
      var days = m.data.claimDays[st.view] || [];
      var at = firstAfter(days, day - 1);  // the first claim day >= day
      prevBtn.disabled = at === 0;
      nextBtn.disabled = firstAfter(days, day) >= days.length;
      ageBox.checked = ageOn;
      legendTitle.textContent = (m.viewLabel[st.view] || st.view) + (st.compare ? " | " + (m.viewLabel[st.compare] || st.compare) : "") +
        ", " + label;
      var present = {};
      panes.forEach(function (p) { if (p) p.state.holders.forEach(function (h) { present[h] = true; }); });
      legendList.querySelectorAll("li[data-holder]").forEach(function (li) {
        li.classList.toggle("cm-absent", !present[m.hIndex[li.getAttribute("data-holder")]]);
      });
      root.setAttribute("data-view", st.view);
      root.setAttribute("data-date", st.date);
      root.setAttribute("data-district", st.district || "");
      root.setAttribute("data-compare", st.compare || "");
      root.setAttribute("data-playing", st.playing ? "1" : "0");
    }
    // The index of the first value > x in a sorted array.
    function firstAfter(values, x) {
      var lo = 0, hi = values.length;
      while (lo < hi) { var mid = (lo + hi) >> 1; if (values[mid] > x) hi = mid; else lo = mid + 1; }
      return lo;
    }

    // -- Play -----------------------------------------------------------------------------------
    function play(quiet) {
      if (st.playing) return;
      if (day >= m.data.days - 1) day = 0;
      apply({ date: isoOf(m, day) });
      st.playing = true;
      playSteps = 0;
      render();
      if (!quiet) emit("play");
      tick();
    }
    function pause(cause) {
      if (!st.playing) return;
      st.playing = false;
      if (timer) { clearTimeout(timer); timer = null; }
      render();
      if (cause) emit(cause);
    }
    function tick() {
      timer = setTimeout(function () {
        (window.requestAnimationFrame || setTimeout)(function () {
          if (!st.playing || destroyed) return;
          day += 1;
          st.date = isoOf(m, day);
          playSteps += 1;
          if (day >= m.data.days - 1) { day = m.data.days - 1; st.date = isoOf(m, day); render(); pause("pause"); return; }
          render();
          if (playSteps % 10 === 0) emit("date");
          tick();
        });
      }, options.playInterval || 90);
    }

    // -- Wiring ---------------------------------------------------------------------------------
    slider.addEventListener("input", function () { userSet({ date: isoOf(m, Number(slider.value)) }, "date"); });
    playBtn.addEventListener("click", function () { if (st.playing) pause("pause"); else play(false); });
    function neighbour(step) {
      var days = m.data.claimDays[st.view] || [], found = null;
      days.forEach(function (d) { if (step < 0 ? d < day : (d > day && found == null)) found = d; });
      if (found != null) { if (st.playing) pause("pause"); userSet({ date: isoOf(m, found) }, "date"); }
    }
    prevBtn.addEventListener("click", function () { neighbour(-1); });
    nextBtn.addEventListener("click", function () { neighbour(+1); });
    compareSelect.addEventListener("change", function () { userSet({ compare: compareSelect.value || null }, "compare"); });
    districtSelect.addEventListener("change", function () {
      select(districtSelect.value ? m.rowOf[districtSelect.value] : null, true);
    });
    ageBox.addEventListener("change", function () { ageOn = ageBox.checked; render(); });
    root.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && selected != null && e.target.tagName !== "SELECT") select(null, true);
    });

    // -- The URL hash (the published site) ---------------------------------------------------------
    function readHash() {
      var out = {}, text = String(location.hash || "").replace(/^#/, "");
      text.split("&").forEach(function (part) {
        var kv = part.split("="), k, v;
        if (kv.length !== 2) return;
        try { k = decodeURIComponent(kv[0]); v = decodeURIComponent(kv[1]); } catch (e) { return; }  // a bad % escape
        if (["view", "date", "district", "compare"].indexOf(k) >= 0) out[k] = v;
      });
      return out;
    }
    function hashText() {
      var parts = [["view", st.view], ["date", st.date], ["district", st.district], ["compare", st.compare]]
        .filter(function (kv) { return kv[1]; })
        .map(function (kv) { return kv[0] + "=" + encodeURIComponent(kv[1]); });
      return "#" + parts.join("&");
    }
    // Browsers limit history.replaceState to about 100 calls in 10 s, and each costs more than a
    // repaint: while scrubbing or playing, the hash is written once things settle.
    function writeHash(now) {
      if (!options.hash) return;
      if (hashTimer) { clearTimeout(hashTimer); hashTimer = null; }
      if (!now) { hashTimer = setTimeout(function () { hashTimer = null; writeHash(true); }, 250); return; }
      var text = hashText();
      if (location.hash === text) return;
      try { history.replaceState(null, "", text); } catch (e) { location.hash = text; }
    }
    function onHash() {
      if (location.hash === hashText()) return;
      var h = readHash();
      if (!("compare" in h)) h.compare = null;
      if (!("district" in h)) h.district = null;
      setState(h);
    }

    function setState(partial) {
      partial = partial || {};
      if ("playing" in partial) { if (partial.playing) play(true); else pause(null); }
      apply(partial);
      render();
      writeHash();
    }

    // -- Start ----------------------------------------------------------------------------------
    buildControls();
    var first = Object.assign({ view: m.data.defaultView, date: m.data.defaultDate }, options.state || {});
    if (options.hash) Object.assign(first, readHash());
    apply({ view: m.data.defaultView, date: m.data.defaultDate });
    apply(first);
    legend.open = root.clientWidth === 0 || root.clientWidth >= 900;
    render();
    writeHash(true);
    function flushHash() { if (hashTimer) writeHash(true); }
    if (options.hash) {
      window.addEventListener("hashchange", onHash);
      window.addEventListener("pagehide", flushHash);
    }
    if (window.ResizeObserver) {
      resize = new ResizeObserver(function () { panes.forEach(function (p) { if (p) p.resized(); }); });
      resize.observe(root);
    }
    root.setAttribute("data-ready", "1");

    return {
      state: snapshot,
      setState: setState,
      setData: function (next) {
        var keep = snapshot();
        m = decode(next);
        buildControls();
        panes.forEach(function (p) { if (p) p.build(false); });
        apply({ view: m.data.defaultView });
        apply({ view: keep.view, date: keep.date, district: keep.district, compare: keep.compare });
        render();
      },
      setBasemap: function (b) {
        basemap = b || null;
        panes.forEach(function (p) { if (p) p.setBasemap(basemap); });
      },
      destroy: function () {
        destroyed = true;
        if (timer) clearTimeout(timer);
        if (hashTimer) clearTimeout(hashTimer);
        if (options.hash) {
          window.removeEventListener("hashchange", onHash);
          window.removeEventListener("pagehide", flushHash);
        }
        if (resize) resize.disconnect();
        panes.forEach(function (p) { if (p) p.map.remove(); });
        panes = [];
        root.textContent = "";
        root.removeAttribute("data-ready");
      },
      fills: function (which) {
        var p = panes[which === "compare" ? 1 : 0], out = {};
        if (!p) return out;
        m.data.districts.forEach(function (d, i) { out[d.pcode] = m.data.holders[p.state.holders[i]]; });
        return out;
      },
      map: function (which) { var p = panes[which === "compare" ? 1 : 0]; return p ? p.map : null; },
      play: function () { play(true); },
      pause: function () { pause(null); }
    };
  }

  window.ControlMap = { create: create, version: 1 };
})();
