"""Claim text is data, never template source: a map rendered from hostile text shows it as text.

branca's ``Element(text)`` compiles ``text`` as a Jinja template; the map builder once handed it
the legend and the page data, so ``{{ 7*7 }}`` in a quote printed ``49`` and a crafted quote
could run a shell command. These tests go through the command line, as a user would.
"""

from __future__ import annotations

import json

import pytest

from dashboard.cli import main

PAYLOADS = [
    "{{ 7*7 }}",
    "{# an unclosed comment",
    "an unclosed {{ expression",
    "{% for x in range(3) %}loop{% endfor %}",
    "{{ cycler.__init__.__globals__.os.system('touch TOUCHED') }}",
]


def _claims(text: str) -> str:
    value = json.dumps(text)
    return f"""\
version: 1
region: {{province: AF08, name: {value}}}
sides:
  taliban: {{label: {value}, color: "#D55E00"}}
  nrf: {{label: National Resistance Front, color: "#0072B2"}}
sources:
  k: {{name: {value}, side: taliban}}
claims:
  - id: k-0905
    date: 2021-09-05
    source: k
    holder: taliban
    districts: all
    quote: {value}
    note: {value}
"""


@pytest.mark.parametrize("text", PAYLOADS)
def test_render_writes_template_syntax_literally(tmp_path, monkeypatch, text):
    monkeypatch.chdir(tmp_path)
    claims = tmp_path / "claims.yaml"
    claims.write_text(_claims(text), encoding="utf-8")
    out = tmp_path / "map.html"
    code = main(
        ["render", "--claims", str(claims), "--date", "2021-09-05", "--view", "taliban", "-o", str(out)]
    )
    assert code == 0
    page = out.read_text(encoding="utf-8")
    # The text arrives in the page's JSON (with <, > and & escaped), exactly as written.
    assert (
        json.dumps(text, ensure_ascii=False)[1:-1]
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        in page
    )
    assert not (tmp_path / "TOUCHED").exists()
    if text == "{{ 7*7 }}":
        # Nothing evaluated it: no field of the page holds the product.
        assert '"49"' not in page and ">49<" not in page and "K 9" not in page
