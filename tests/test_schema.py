"""The published JSON Schema (claims.schema.json) and the pre-commit hook files.

The schema is checked without an editor: ``jsonschema`` validates the repository's claims.yaml
against the committed file, read as the YAML language server reads it (YAML 1.2: dates stay text).
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys

import jsonschema
import pytest
import yaml

from dashboard import schema
from dashboard.claims import SCHEMA
from tests.conftest import ROOT

SCHEMA_PATH = ROOT / schema.SCHEMA_FILE


class _EditorLoader(yaml.SafeLoader):
    """YAML as an editor's language server reads it: timestamps are not a type (YAML 1.2)."""


_EditorLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if not tag.endswith(":timestamp")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def editor_view(text: str):
    return yaml.load(text, Loader=_EditorLoader)


@pytest.fixture(scope="module")
def validator():
    published = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(published)
    return jsonschema.Draft202012Validator(published)


def test_every_field_has_a_description():
    missing = schema.missing_descriptions()
    assert not missing, (
        f"fields of dashboard.claims.SCHEMA without a description: {missing}; "
        "add them to DESCRIPTIONS in dashboard/schema.py, then run "
        f"`{schema.REGENERATE}`"
    )
    stale = schema.stale_descriptions()
    assert not stale, f"descriptions of fields SCHEMA no longer has: {stale} (dashboard/schema.py)"


def test_a_new_field_without_a_description_is_named():
    grown = copy.deepcopy(SCHEMA)
    grown["properties"]["claims"]["items"]["properties"]["mood"] = {"type": "string"}
    assert schema.missing_descriptions(grown) == ["/claims/*/mood"]
    with pytest.raises(KeyError, match="/claims/\\*/mood"):
        schema.json_schema(grown)


def test_committed_schema_file_is_the_generated_one():
    committed = SCHEMA_PATH.read_text(encoding="utf-8") if SCHEMA_PATH.exists() else ""
    assert committed == schema.json_text(), (
        f"{schema.SCHEMA_FILE} is out of date with dashboard.claims.SCHEMA; regenerate it with "
        f"`{schema.REGENERATE}` and commit it"
    )


def test_published_schema_is_the_checkers_plus_words():
    published = schema.json_schema()
    assert published["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert published["$id"] and published["title"]

    def strip(node):
        if isinstance(node, dict):
            return {
                k: (v.replace("\\Z", "$") if k == "pattern" else strip(v))
                for k, v in node.items()
                if k not in ("description", "$schema", "$id", "title")
            }
        return [strip(v) for v in node] if isinstance(node, list) else node

    # Descriptions aside, the published schema is exactly what the checker validates with
    # (Python's \Z written as ECMA-262's $, which means the same there).
    assert strip(published) == strip(SCHEMA)
    assert "description" not in SCHEMA  # the checker's schema is left untouched


def test_claims_yaml_names_the_schema_on_its_first_line():
    first = (ROOT / "claims.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == f"# yaml-language-server: $schema=./{schema.SCHEMA_FILE}"


def test_schema_file_validates_claims_yaml(validator):
    data = editor_view((ROOT / "claims.yaml").read_text(encoding="utf-8"))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]
    assert not errors


@pytest.mark.parametrize(
    "old, new, expected",
    [
        ("    quote:", "    qoute:", "'qoute' was unexpected"),
        ("    holder:", "    holdr:", "'holdr' was unexpected"),
        ("version: 1", "version: one", "'one' is not of type 'integer'"),
        (
            'taliban: {label: Taliban, color: "#D55E00"}',
            "taliban: {label: Taliban, color: red}",
            "does not match",
        ),
        ("    confidence: high", "    confidence: sure", "is not one of"),
    ],
)
def test_schema_file_rejects_a_misspelt_or_wrong_field(validator, old, new, expected):
    text = (ROOT / "claims.yaml").read_text(encoding="utf-8")
    assert old in text
    broken = editor_view(text.replace(old, new, 1))
    messages = [e.message for e in validator.iter_errors(broken)]
    assert any(expected in m for m in messages), messages


def test_schema_command_prints_the_file(capsys, tmp_path):
    from dashboard import cli

    assert cli.main(["schema"]) == 0
    assert capsys.readouterr().out == schema.json_text()
    assert cli.main(["schema", "-o", str(tmp_path / "s.json")]) == 0
    assert (tmp_path / "s.json").read_text(encoding="utf-8") == schema.json_text()


# -- pre-commit -------------------------------------------------------------------------------


def test_pre_commit_hooks_file_declares_validate_claims():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "validate-claims")
    assert hook["entry"] == "python -m dashboard validate"
    assert hook["language"] == "python"
    assert hook.get("pass_filenames", True) is True
    import re

    pattern = re.compile(hook["files"])
    for name in ("claims.yaml", "data/claims.yml", "claims-2022.yaml"):
        assert pattern.search(name), name
    for name in ("claims.schema.json", "geodata/places.yaml", "README.md", "my_claims.yaml.bak"):
        assert not pattern.search(name), name


def test_pre_commit_config_runs_the_hook_on_this_repository():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = {h["id"]: (repo["repo"], h) for repo in config["repos"] for h in repo["hooks"]}
    repo, hook = hooks["validate-claims"]
    assert repo == "local"
    assert hook["entry"] == "python -m dashboard validate"
    assert __import__("re").search(hook["files"], "claims.yaml")
    published = hooks["claims-schema-up-to-date"][1]
    assert published["entry"].startswith("python -m dashboard schema")


def test_hook_entry_validates_the_files_pre_commit_passes(tmp_path):
    """As pre-commit runs it: the entry, then the changed files; one bad file fails the hook."""
    bad = tmp_path / "claims.yaml"
    text = (ROOT / "claims.yaml").read_text(encoding="utf-8")
    line = text[: text.index("    quote:")].count("\n") + 1
    bad.write_text(text.replace("    quote:", "    qoute:", 1), encoding="utf-8")
    entry = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))[0]["entry"]
    command = [sys.executable, *entry.split()[1:]]
    good = subprocess.run(
        [*command, "claims.yaml"], check=False, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert good.returncode == 0, good.stdout + good.stderr
    both = subprocess.run(
        [*command, "claims.yaml", str(bad)],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert both.returncode == 1
    assert both.stdout.startswith("claims.yaml: ")  # the good file's summary line
    assert f"{bad}:{line}: unknown field 'qoute'" in both.stdout and "did you mean 'quote'?" in both.stdout
