"""The type check covers what it says it covers (`./dev lint` runs mypy; these keep its settings
honest): no module skipped, every services, selectors and access module checked strictly,
nobody typed `Any` where a user acts, and every ignore names its error and says why."""

from __future__ import annotations

import ast
import fnmatch
import io
import re
import tokenize
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]
STRICT_FLAGS = {
    "disallow_untyped_defs", "disallow_incomplete_defs", "disallow_untyped_calls", "disallow_untyped_decorators",
    "disallow_any_generics", "disallow_subclassing_any", "warn_return_any", "no_implicit_reexport", "extra_checks",
}  # fmt: skip
STRICT_NAMES = {"services", "selectors", "access", "permissions"}
# `# type: ignore[code]` followed by `# why`, on the same line.
REASONED_IGNORE = re.compile(r"#\s*type:\s*ignore\[[a-z0-9-]+(,\s*[a-z0-9-]+)*\]\s+#\s*\S")


def checked_files() -> list[Path]:
    """What `mypy` with no arguments checks: every file under the root but those excluded."""
    excludes = [re.compile(pattern) for pattern in CONFIG["exclude"]]
    found = []
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith(".") or any(pattern.search(relative) for pattern in excludes):
            continue
        found.append(path)
    return sorted(found)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def matches(module: str, pattern: str) -> bool:
    """mypy's override patterns: `a.*` is `a` and below; `*` stands for any run of components."""
    if pattern.endswith(".*") and module == pattern[:-2]:
        return True
    return fnmatch.fnmatchcase(module, pattern) or fnmatch.fnmatchcase(module, pattern.replace("*.", "*", 1))


def overrides_for(module: str) -> list[dict[str, object]]:
    return [o for o in CONFIG.get("overrides", []) if any(matches(module, p) for p in o["module"])]


def test_the_check_reaches_every_app_package():
    packages = {module_name(path).split(".")[0] for path in checked_files()}
    assert {"api", "cases", "citations", "config", "core", "demo", "documents", "web"} <= packages
    assert not packages & {"tests", "benchmarks", "scripts"}


def test_no_module_is_left_out_of_the_check():
    skipped = [o["module"] for o in CONFIG.get("overrides", []) if o.get("ignore_errors")]
    assert skipped == []


def test_every_services_selectors_and_access_module_is_strict():
    strict = [module_name(path) for path in checked_files() if STRICT_NAMES & set(module_name(path).split(".")[1:])]
    assert {"cases.services", "documents.access", "web.permissions", "api.permissions"} <= set(strict)
    for module in strict:
        flags = {key for o in overrides_for(module) for key, value in o.items() if value is True}
        assert flags >= STRICT_FLAGS, f"{module} misses {sorted(STRICT_FLAGS - flags)}"


def test_the_strict_patterns_would_catch_a_new_module():
    for module in ["reminders.services", "documents.selectors.timeline", "web.access", "reminders.permissions"]:
        flags = {key for o in overrides_for(module) for key, value in o.items() if value is True}
        assert flags >= STRICT_FLAGS, module
    assert not overrides_for("citations.models")


def test_who_acts_is_never_typed_any():
    found = []
    for path in checked_files():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            args = node.args
            for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
                if arg.arg in {"by", "user", "reporter", "actor"} and ast.unparse(arg.annotation or ast.Name("")) in {
                    "Any",
                    "Any | None",
                }:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}({arg.arg})")
    assert found == []


def test_every_ignore_in_app_code_names_its_error_and_why():
    unexplained = []
    for path in checked_files():
        tokens = tokenize.generate_tokens(io.StringIO(path.read_text()).readline)
        for token in tokens:
            is_ignore = token.type == tokenize.COMMENT and re.search(r"type:\s*ignore", token.string)
            if is_ignore and not REASONED_IGNORE.search(token.string):
                unexplained.append(f"{path.relative_to(ROOT)}:{token.start[0]} {token.string}")
    assert unexplained == []


def test_the_reason_check_tells_a_bare_ignore_from_an_explained_one():
    assert REASONED_IGNORE.search("x = 1  # type: ignore[misc]  # django-stubs does not know X")
    assert not REASONED_IGNORE.search("x = 1  # type: ignore[misc]")
    assert not REASONED_IGNORE.search("x = 1  # type: ignore  # no code")
