// Colours the folium-built district layer for any view and day from data embedded once
// in the page, binds tooltips and popups, and exposes window.districtMap for the app.
// Every text from claims.yaml is untrusted: it reaches the DOM only through esc().
(function () {
  "use strict";
  // The compact form (maps.compact_data) of the data: integers as text, five bits a character.
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
  function expand(d) {
    if (!d.compact) return d;
    var table = d.claims, claims = new Array(table.n), history = {};
    var columns = table.columns.map(function (c) {
      return Array.isArray(c) ? c : varints(c.codes).map(function (i) { return c.values[i]; });
    });
    for (var i = 0; i < table.n; i++) {
      var claim = {};
      for (var f = 0; f < table.fields.length; f++) claim[table.fields[f]] = columns[f][i];
      claims[i] = claim;
    }
    Object.keys(d.history).forEach(function (view) {
      var h = d.history[view], day = sums(varints(h.day)), district = varints(h.district);
      var holder = varints(h.holder), count = varints(h.count), rests = sums(varints(h.rests));
      var rows = new Array(h.n);
      for (var k = 0, r = 0; k < h.n; r += count[k], k++) {
        rows[k] = [day[k], district[k], holder[k], rests.slice(r, r + count[k])];
      }
      history[view] = rows;
    });
    return Object.assign({}, d, { claims: claims, history: history });
  }
  function borders(g) {
    return { type: "FeatureCollection", features: g.features.map(function (f) {
      var polygons = f[2].map(function (rings) {
        return rings.map(function (text) {
          var v = varints(text), ring = [], x = 0, y = 0;
          for (var k = 0; k < v.length; k += 2) {
            x += v[k]; y += v[k + 1];
            ring.push([x / g.scale, y / g.scale]);
          }
          if (ring.length) ring.push(ring[0].slice());
          return ring;
        });
      });
      return { type: "Feature", properties: { pcode: f[0] }, geometry: f[1] === "M" ?
        { type: "MultiPolygon", coordinates: polygons } : { type: "Polygon", coordinates: polygons[0] || [] } };
    }) };
  }

  var data = expand(JSON.parse(document.getElementById("district-data").textContent));
  var map = window[data.map];
  var layer = window[data.layer];
  if (data.geometry) layer.addData(borders(data.geometry));
  var n = data.districts.length;
  var rowOf = {};
  data.districts.forEach(function (d, i) { rowOf[d.pcode] = i; });
  var UNKNOWN = data.holders.indexOf("unknown");
  var paths = new Array(n);
  var state = { view: data.view, day: data.day, selected: null, holders: null, rests: null };
  var listeners = [];

  function esc(value) {
    return String(value == null ? "" : value).replace(/[&<>"'`]/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "`": "&#96;" }[c];
    });
  }
  function safeUrl(url) {
    return typeof url === "string" && /^https?:\/\/[^\s]+$/i.test(url) ? url : null;
  }
  function isoOf(day) {
    var t = Date.parse(data.start + "T00:00:00Z") + day * 86400000;
    return new Date(t).toISOString().slice(0, 10);
  }
  function dayOf(iso) {
    return Math.round((Date.parse(iso + "T00:00:00Z") - Date.parse(data.start + "T00:00:00Z")) / 86400000);
  }

  // The state of every district at the end of a day: apply the view's changes in order.
  function statesAt(view, day) {
    var holders = new Array(n).fill(UNKNOWN);
    var rests = new Array(n).fill(null);
    var history = data.history[view] || [];
    for (var k = 0; k < history.length && history[k][0] <= day; k++) {
      holders[history[k][1]] = history[k][2];
      rests[history[k][1]] = history[k][3];
    }
    return { holders: holders, rests: rests };
  }

  function holderName(i) { return data.holders[state.holders[i]]; }
  function styleOf(i) {
    var s = Object.assign({}, data.styles[holderName(i)]);
    if (state.selected === i) { s.weight = 3.5; s.color = "#000000"; s.dashArray = null; }
    return s;
  }

  function claimLine(c, withLink) {
    var link = safeUrl(c.url);
    var text = "<b>" + esc(c.source) + "</b>" + (c.via ? " via " + esc(c.via) : "") + ", " + esc(c.date);
    if (c.quote) text += ": <q>" + esc(c.quote) + "</q>";
    if (withLink && link) {
      text += ' <a href="' + esc(link) + '" target="_blank" rel="noopener noreferrer">source</a>';
    }
    return text;
  }

  function tooltip(i) {
    var d = data.districts[i];
    var rests = state.rests[i] || [];
    var html = '<div class="district-tip"><b>' + esc(d.name) + "</b>" +
      (d.name_da ? ' <span class="da" dir="rtl" lang="prs">' + esc(d.name_da) + "</span>" : "") +
      '<br><span class="holder">' + esc(data.holderLabels[holderName(i)] || holderName(i)) + "</span>";
    if (rests.length) {
      var latest = rests.map(function (r) { return data.claims[r].date; }).sort().pop();
      html += " since " + esc(latest) + "<br>on the claim of " +
        rests.map(function (r) { return claimLine(data.claims[r], false); }).join("<br>");
    }
    return html + "</div>";
  }

  function popup(i) {
    var d = data.districts[i];
    var rests = state.rests[i] || [];
    var items = rests.map(function (r) { return "<li>" + claimLine(data.claims[r], true) + "</li>"; });
    return '<div class="district-popup"><b>' + esc(d.name) + "</b> – " +
      esc(data.holderLabels[holderName(i)]) + " (" + esc(data.views[state.view]) + ", " +
      esc(isoOf(state.day)) + ")" + (items.length ? "<ol>" + items.join("") + "</ol>" : "") + "</div>";
  }

  layer.eachLayer(function (l) {
    var i = rowOf[l.feature.properties.pcode];
    paths[i] = l;
    if (l._path) {
      l._path.setAttribute("data-pcode", data.districts[i].pcode);
      l._path.setAttribute("aria-label", data.districts[i].name);
    }
    l.bindTooltip(function () { return tooltip(i); }, { sticky: true, className: "district-tip" });
    if (data.popups) l.bindPopup(function () { return popup(i); }, { maxWidth: 360 });
    l.on("click", function () { select(i, true); });
  });
  // folium's highlight resets a feature to layer.options.style on mouseout: keep that current.
  layer.options.style = function (feature) { return styleOf(rowOf[feature.properties.pcode]); };

  // What each path was last styled as (holder, selected): a step of the slider restyles only
  // the districts whose holder changed, not all of them (at 399 districts, most of the cost).
  var styled = new Array(n).fill(null);
  function paint() {
    var next = statesAt(state.view, state.day);
    state.holders = next.holders;
    state.rests = next.rests;
    for (var i = 0; i < n; i++) {
      if (!paths[i]) continue;
      var look = state.holders[i] + (state.selected === i ? "/selected" : "");
      if (styled[i] !== look) {
        styled[i] = look;
        paths[i].setStyle(styleOf(i));
        if (paths[i]._path) paths[i]._path.setAttribute("data-holder", holderName(i));
      }
      if (paths[i].isTooltipOpen && paths[i].isTooltipOpen()) paths[i].setTooltipContent(tooltip(i));
    }
    var title = document.getElementById("legend-title");
    if (title) title.textContent = data.views[state.view] + ", " + isoOf(state.day);
    var present = {};
    state.holders.forEach(function (h) { present[data.holders[h]] = true; });
    document.querySelectorAll("#legend li[data-holder]").forEach(function (li) {
      li.classList.toggle("absent", !present[li.getAttribute("data-holder")]);
    });
    document.documentElement.setAttribute("data-view", state.view);
    document.documentElement.setAttribute("data-day", isoOf(state.day));
  }

  function select(i, fromUser) {
    state.selected = i;
    paint();
    if (fromUser) {
      listeners.forEach(function (cb) { cb({ district: i == null ? null : data.districts[i].pcode }); });
    }
  }

  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution(
    '<a href="' + esc(data.attributionUrl) + '" target="_blank" rel="noopener noreferrer">' +
    esc(data.attribution) + '</a> | <a href="https://leafletjs.com" target="_blank" ' +
    'rel="noopener noreferrer">Leaflet</a>');

  window.districtMap = {
    map: map,
    views: Object.keys(data.views),
    days: data.days,
    isoOf: isoOf,
    dayOf: dayOf,
    view: function () { return state.view; },
    day: function () { return state.day; },
    setView: function (view) {
      if (view !== state.view && data.history[view]) { state.view = view; paint(); }
    },
    setDay: function (day) {
      if (typeof day === "string") day = dayOf(day);
      day = Math.max(0, Math.min(data.days - 1, day | 0));
      if (day !== state.day) { state.day = day; paint(); }
    },
    select: function (pcode) { select(pcode == null ? null : rowOf[pcode], false); },
    onSelect: function (cb) { listeners.push(cb); },
    fills: function () {
      var out = {};
      data.districts.forEach(function (d, i) { out[d.pcode] = holderName(i); });
      return out;
    }
  };
  paint();
  document.documentElement.setAttribute("data-ready", "1");
})();
