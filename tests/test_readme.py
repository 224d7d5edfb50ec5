"""The README is the reference: it must name every problem code and command the code has."""

from __future__ import annotations

import re

from dashboard import cli
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def problem_codes() -> set[str]:
    """The code argument of every ``self.problem(line, code, ...)`` and ``Problem(path, line, code, ...)``."""
    import ast

    codes = set()
    for module in ("claims.py", "page.py"):
        tree = ast.parse((ROOT / "dashboard" / module).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "attr", getattr(node.func, "id", ""))
                position = {"problem": 1, "Problem": 2}.get(name)
                if (
                    position is not None
                    and len(node.args) > position
                    and isinstance(node.args[position], ast.Constant)
                ):
                    codes.add(node.args[position].value)
    return codes


def test_every_problem_code_is_documented():
    codes = problem_codes()
    assert len(codes) > 25
    missing = sorted(c for c in codes if f"`{c}`" not in README)
    assert not missing, f"README lacks problem codes: {missing}"


def test_every_command_and_option_is_documented():
    parser = cli.parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    for name, sub in commands.items():
        assert f"`{name}" in README, name
        for action in sub._actions:
            for flag in action.option_strings:
                if flag.startswith("--") and flag != "--help":
                    assert flag in README, f"{name} {flag}"


def test_readme_commands_are_the_ones_ci_runs():
    assert "pip install -r requirements.txt" in README
    assert "streamlit run dashboard/app.py" in README
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_command = re.search(r"## Test\s+```sh\s+(.+?)\s+```", README, re.S).group(1).strip()
    assert ci.strip().splitlines()[-1] == test_command


def test_readme_python_example_runs(monkeypatch):
    monkeypatch.chdir(ROOT)
    example = re.search(r"```python\n(.+?)```", README, re.S).group(1)
    import doctest

    parser = doctest.DocTestParser()
    test = parser.get_doctest(example, {}, "README", "README.md", 0)
    runner = doctest.DocTestRunner()
    runner.run(test)
    assert runner.failures == 0 and runner.tries >= 3
