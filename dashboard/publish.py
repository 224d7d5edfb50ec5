"""The map as a static site (``python -m dashboard publish``) or as one self-contained page.

Both carry the same engine (``static/engine.js``) and the data of :func:`mapdata.engine_data`
embedded as ``<script type="application/json" id="map-data">``: no fetch() (which fails from
``file://``), no CDN, no server code. Only escaped text and script-safe JSON are written; no
template engine ever sees claim text.
"""

from __future__ import annotations

import html
from pathlib import Path

from . import mapdata
from .claims import ClaimSet

#: Starts the engine on the page: reads the data and options, mirrors the state in the URL hash.
BOOTSTRAP_JS = """\
(function () {
  "use strict";
  function json(id) {
    var e = document.getElementById(id);
    return e ? JSON.parse(e.textContent) : null;
  }
  var options = json("map-options") || {};
  window.controlMap = ControlMap.create(document.getElementById("map"), json("map-data"), {
    state: options.state || {}, basemap: options.basemap || null, hash: options.hash !== false,
    popups: true
  });
  document.documentElement.setAttribute("data-ready", "1");
})();
"""

PAGE_CSS = """\
html, body { margin: 0; height: 100%; }
body { display: flex; flex-direction: column; font: 15px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: #111; background: #fff; }
header { padding: 8px 12px 0; }
header h1 { font-size: 1.25rem; margin: 0 0 2px; }
header p { margin: 0; color: #444; font-size: 13px; }
main { flex: 1 1 auto; display: flex; flex-direction: column; padding: 6px 12px 10px; min-height: 0; }
#map { flex: 1 1 auto; min-height: 460px; }
@media (max-width: 480px) { header h1 { font-size: 1.05rem; } main { padding: 4px 6px 6px; } }
"""

SUBTITLE = (
    "Who claimed which district, day by day: each side's claims, independent reports, "
    "and where they collide. Hover a district for the claim behind its colour; click it "
    "for its history."
)


def basemap_option(name: str | None) -> dict | None:
    """``"osm"``/``"topo"`` -> the engine's ``{url, attribution, maxZoom}``; ``"none"`` -> None."""
    entry = mapdata.BASEMAPS.get(name or "none")
    if not entry:
        return None
    url, attribution = entry
    return {"url": url, "attribution": html.unescape(attribution), "maxZoom": 17}


def _page(data: dict, *, options: dict, head: str, scripts: str) -> str:
    title = html.escape(data["title"])
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f"<title>{title}</title>\n{head}<style>{PAGE_CSS}</style>\n</head>\n<body>\n"
        f"<header><h1>{title}</h1><p>{html.escape(SUBTITLE)}</p></header>\n"
        '<main><div id="map" class="cm-root" aria-label="Map of claimed control"></div></main>\n'
        f'<script type="application/json" id="map-data">{mapdata.engine_json(data)}</script>\n'
        f'<script type="application/json" id="map-options">{mapdata.engine_json(options)}</script>\n'
        f"{scripts}</body>\n</html>\n"
    )


def _inline_script(code: str) -> str:
    # A classic inline script ends at the first "</script": make sure the code cannot contain one.
    return "<script>" + code.replace("</script", "<\\/script") + "</script>\n"


def site_files(
    claims: ClaimSet, districts, *, region: str | None = None, places=None, basemap: str | None = None
) -> dict[str, str]:
    """The published site as ``{file name: text}``: ``index.html`` and its scripts and styles.

    Examples
    --------
    >>> from dashboard.testing import tiny_claims, tiny_districts
    >>> cs = tiny_claims([("2021-09-03", "red", "red", ["North"])])
    >>> frame = tiny_districts()
    >>> sorted(site_files(cs, frame, region="Tiny"))
    ['bootstrap.js', 'engine.css', 'engine.js', 'index.html', 'leaflet.css', 'leaflet.js']
    """
    data = mapdata.engine_data(claims, districts, region=region, places=places)
    leaflet_css, leaflet_js = mapdata.leaflet_assets()
    engine_css, engine_js = mapdata.engine_assets()
    head = '<link rel="stylesheet" href="leaflet.css">\n<link rel="stylesheet" href="engine.css">\n'
    scripts = (
        '<script src="leaflet.js"></script>\n<script src="engine.js"></script>\n'
        '<script src="bootstrap.js"></script>\n'
    )
    index = _page(
        data, options={"hash": True, "basemap": basemap_option(basemap)}, head=head, scripts=scripts
    )
    return {
        "index.html": index,
        "leaflet.css": leaflet_css,
        "leaflet.js": leaflet_js,
        "engine.css": engine_css,
        "engine.js": engine_js,
        "bootstrap.js": BOOTSTRAP_JS,
    }


def publish(
    claims: ClaimSet,
    districts,
    out_dir,
    *,
    region: str | None = None,
    places=None,
    basemap: str | None = None,
) -> list[Path]:
    """Write the static site to ``out_dir`` (created if needed); return the files written.

    Parameters
    ----------
    claims : ClaimSet
    districts : geopandas.GeoDataFrame
        Simplified for the web (``boundaries.for_web``).
    out_dir : str or Path
    region : str, optional
        The region's name in the title (default: the districts' ``province_name``).
    places : iterable of gazetteer.Place, optional
        Places with a sourced point become markers.
    basemap : {"none", "osm", "topo"}, optional
        Background tiles (fetched by the reader's browser); ``none`` keeps the site offline.

    Examples
    --------
    >>> import tempfile
    >>> from dashboard.testing import tiny_claims, tiny_districts
    >>> cs = tiny_claims([("2021-09-03", "red", "red", ["North"])])
    >>> frame = tiny_districts()
    >>> [p.name for p in publish(cs, frame, tempfile.mkdtemp(), region="Tiny")][0]
    'index.html'
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in site_files(claims, districts, region=region, places=places, basemap=basemap).items():
        path = out / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def standalone_html(
    claims: ClaimSet,
    districts,
    *,
    view: str | None = None,
    date=None,
    district: str | None = None,
    region: str | None = None,
    places=None,
    basemap: str | None = None,
    hash: bool = False,
) -> str:
    """One self-contained HTML page of the engine (Leaflet and the engine inlined), opened at
    ``view`` and ``date``: what ``python -m dashboard render`` writes.

    Examples
    --------
    >>> from dashboard.testing import tiny_claims, tiny_districts
    >>> cs = tiny_claims([("2021-09-03", "red", "red", ["North"])])
    >>> frame = tiny_districts()
    >>> page = standalone_html(cs, frame, view="red", date="2021-09-03", region="Tiny")
    >>> "<title>Tiny: who claimed which district</title>" in page, "<script src" in page
    (True, False)
    """
    data = mapdata.engine_data(claims, districts, region=region, places=places)
    state = {
        k: v
        for k, v in {"view": view, "date": str(date)[:10] if date else None, "district": district}.items()
        if v
    }
    return page_of_data(data, state=state, basemap=basemap, hash=hash)


def page_of_data(
    data: dict, *, state: dict | None = None, basemap: str | None = None, hash: bool = False
) -> str:
    """The self-contained page of :func:`standalone_html` for data already built by
    :func:`mapdata.engine_data`."""
    leaflet_css, leaflet_js = mapdata.leaflet_assets()
    engine_css, engine_js = mapdata.engine_assets()
    head = f"<style>{leaflet_css}</style>\n<style>{engine_css}</style>\n"
    scripts = "".join(_inline_script(code) for code in (leaflet_js, engine_js, BOOTSTRAP_JS))
    return _page(
        data,
        options={"state": state or {}, "hash": hash, "basemap": basemap_option(basemap)},
        head=head,
        scripts=scripts,
    )


EMBED_SNIPPET = (
    '<iframe src="https://example.org/panjshir-map/index.html" title="Who claimed which '
    'district" width="100%" height="640" style="border:0" loading="lazy"></iframe>'
)
