"""The layers hold: a check over the import graph of the app packages (read with `ast`, nothing
is imported), run on the real tree and, to show it can fail, on small trees that break each rule.

- Layers, bottom to top: core, cases, citations, then documents, custody and reminders side by side,
  claims, then web, api and demo side by side.
  A module imports its own package and those below it; web, api and demo never import each other,
  and nothing imports them (config/urls.py names them by string).
- No HTML views in core or the domain apps: no views or urls module, no render, redirect,
  TemplateResponse or generic views.
- Imports at the top of the module. Inside a function only in an AppConfig's ready() (Django's
  place for connecting receivers) or for a heavy or optional library (LAZY) with a comment on the
  line or the line above saying why.
- No private name (`_x`) reached across modules, by import or as an attribute of an imported module.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

LAYERS = {
    "core": 0,
    "cases": 1,
    "citations": 2,
    "documents": 3,
    "custody": 3,
    "reminders": 3,
    "claims": 4,
    "web": 5,
    "api": 5,
    "demo": 5,
}
TOP = {name for name, rank in LAYERS.items() if rank == max(LAYERS.values())}
NO_PAGES = ("core", "cases", "citations", "documents", "custody", "reminders", "claims")
PAGE_MODULES = ("django.views.generic", "django.contrib.auth.views", "django.template.response")
PAGE_NAMES = {
    ("django.shortcuts", "render"),
    ("django.shortcuts", "redirect"),
    ("django.shortcuts", "render_to_response"),
}
PAGE_MODULE_NAMES = ("views", "urls")
# Libraries worth importing only where used: WeasyPrint (through documents.pdf) and the PDF
# readers are slow to load and unused by most processes; psycopg exists only on PostgreSQL;
# OpenCV (and the numpy it works on) loads only for face detection (documents.photos).
LAZY = ("documents.pdf", "weasyprint", "pikepdf", "pypdf", "psycopg", "cv2", "numpy")


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    rule: str
    detail: str


def module_files(root: Path) -> Iterator[tuple[str, Path]]:
    """(dotted module name, file) of every module in the layered packages, migrations aside."""
    for package in LAYERS:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if "migrations" in parts:
                continue
            if parts[-1] == "__init__":
                parts = parts[:-1]
            yield ".".join(parts), path


def _resolve(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _is_module(root: Path, dotted: str) -> bool:
    path = root.joinpath(*dotted.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def _functions_around(tree: ast.Module) -> dict[ast.AST, list[str]]:
    """For every node, the names of the functions it sits in (innermost last)."""
    around: dict[ast.AST, list[str]] = {}

    def visit(node: ast.AST, stack: list[str]) -> None:
        around[node] = stack
        inner = [*stack, node.name] if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) else stack
        for child in ast.iter_child_nodes(node):
            visit(child, inner)

    visit(tree, [])
    return around


def _has_comment(lines: list[str], lineno: int) -> bool:
    here = lines[lineno - 1]
    above = lines[lineno - 2].strip() if lineno >= 2 else ""
    return "#" in here or above.startswith("#")


def check(root: Path) -> list[Violation]:
    found: list[Violation] = []
    for module, path in module_files(root):
        package = module.split(".")[0]
        source = path.read_text()
        lines = source.splitlines()
        tree = ast.parse(source)
        around = _functions_around(tree)
        where = str(path.relative_to(root))

        def flag(node: ast.AST, rule: str, detail: str, where: str = where) -> None:
            found.append(Violation(where, getattr(node, "lineno", 0), rule, detail))

        if package in NO_PAGES and path.stem in PAGE_MODULE_NAMES:
            flag(tree, "html-view", f"{module}: pages live in web/")
        module_names: set[str] = set()  # local names bound to a first-party module
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                targets = [(alias.name, alias.name) for alias in node.names]
                for alias in node.names:
                    if alias.name.split(".")[0] in LAYERS:
                        module_names.add(alias.asname or alias.name.split(".")[0])
            elif isinstance(node, ast.ImportFrom):
                source_module = _resolve(node, module, path.stem == "__init__")
                targets = [(source_module, alias.name) for alias in node.names]
                for alias in node.names:
                    if _is_private(alias.name) and source_module != module:
                        flag(node, "private-import", f"{alias.name} from {source_module}")
                    if source_module.split(".")[0] in LAYERS and _is_module(root, f"{source_module}.{alias.name}"):
                        module_names.add(alias.asname or alias.name)
                    if package in NO_PAGES and (source_module, alias.name) in PAGE_NAMES:
                        flag(node, "html-view", f"{alias.name} from {source_module}")
            else:
                continue
            for target, _name in targets:
                top = target.split(".")[0]
                if top in LAYERS and top != package and LAYERS[top] >= LAYERS[package]:
                    flag(node, "layer", f"{package} imports {target}")
                if package in NO_PAGES and target.startswith(PAGE_MODULES):
                    flag(node, "html-view", f"imports {target}")
            functions = around[node]
            if functions:
                in_ready = path.name == "apps.py" and functions[-1] == "ready"
                lazy = all(target.startswith(LAZY) for target, _name in targets)
                if not in_ready and not (lazy and _has_comment(lines, node.lineno)):
                    flag(node, "import-in-function", f"{', '.join(t for t, _ in targets)} in {functions[-1]}()")
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in module_names
                and _is_private(node.attr)
            ):
                flag(node, "private-import", f"{node.value.id}.{node.attr}")
    # config sits aside: only its urls may name web or api, and does so by string.
    for path in sorted((root / "config").rglob("*.py")) if (root / "config").exists() else []:
        for node in ast.walk(ast.parse(path.read_text())):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            for name in names:
                if name.split(".")[0] in TOP and path.name != "urls.py":
                    found.append(Violation(str(path.relative_to(root)), node.lineno, "layer", f"config imports {name}"))
    return found


def test_the_project_keeps_its_layers():
    assert check(ROOT) == []


# The checker itself, on small trees that break one rule each.


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        for parent in path.relative_to(root).parents:
            if str(parent) != ".":
                (root / parent / "__init__.py").touch()
    return root


def rules(root: Path) -> list[tuple[str, str, str]]:
    return [(v.path, v.rule, v.detail) for v in check(root)]


def test_downward_imports_pass(tmp_path):
    write(tmp_path, {
        "core/crypto.py": "def seal(): ...\n",
        "cases/services.py": "from core.crypto import seal\nfrom cases import models\n",
        "cases/models.py": "",
        "citations/services.py": "from cases.services import seal\n",
        "documents/pdf.py": "def render_pdf(): ...\n",
        "documents/services.py": "from citations import services\n\ndef render():\n    from documents.pdf import render_pdf  # WeasyPrint loads only where it renders\n",
        "web/views.py": "from django.shortcuts import render\nfrom documents import services\n",
        "api/views.py": "from documents import services\n",
        "cases/apps.py": "class CasesConfig:\n    def ready(self):\n        from cases import models\n",
    })  # fmt: skip
    assert rules(tmp_path) == []


def test_a_domain_app_importing_web_or_api_fails(tmp_path):
    write(tmp_path, {
        "web/views.py": "",
        "api/views.py": "",
        "cases/services.py": "from web import views\n",
        "documents/services.py": "import api.views\n",
    })  # fmt: skip
    assert rules(tmp_path) == [
        ("cases/services.py", "layer", "cases imports web"),
        ("documents/services.py", "layer", "documents imports api.views"),
    ]


def test_an_upward_import_between_domain_apps_fails(tmp_path):
    write(tmp_path, {"citations/models.py": "", "cases/services.py": "from citations.models import Citation\n"})
    assert rules(tmp_path) == [("cases/services.py", "layer", "cases imports citations.models")]


def test_web_api_and_demo_do_not_import_each_other(tmp_path):
    write(tmp_path, {
        "web/views.py": "from api.views import x\n",
        "api/views.py": "",
        "demo/scenario.py": "from web import views\n",
    })  # fmt: skip
    assert rules(tmp_path) == [
        ("web/views.py", "layer", "web imports api.views"),
        ("demo/scenario.py", "layer", "demo imports web"),
    ]


def test_the_infrastructure_package_imports_no_domain_app(tmp_path):
    write(tmp_path, {"core/authn.py": "from .. import x\nfrom cases.models import User\n", "cases/models.py": ""})
    assert ("core/authn.py", "layer", "core imports cases.models") in rules(tmp_path)


def test_config_other_than_urls_does_not_import_web_or_api(tmp_path):
    write(tmp_path, {"config/admin_site.py": "from web.views import home\n", "config/urls.py": "import api.urls\n"})
    assert rules(tmp_path) == [("config/admin_site.py", "layer", "config imports web.views")]


def test_an_html_view_in_a_domain_app_fails(tmp_path):
    write(tmp_path, {
        "cases/pages.py": "from django.shortcuts import redirect, render\n",
        "citations/views.py": "",
        "documents/listing.py": "from django.views.generic import ListView\n",
        "core/http.py": "from django.template.response import TemplateResponse\n",
    })  # fmt: skip
    assert sorted(rules(tmp_path)) == [
        ("cases/pages.py", "html-view", "redirect from django.shortcuts"),
        ("cases/pages.py", "html-view", "render from django.shortcuts"),
        ("citations/views.py", "html-view", "citations.views: pages live in web/"),
        ("core/http.py", "html-view", "imports django.template.response"),
        ("documents/listing.py", "html-view", "imports django.views.generic"),
    ]


def test_an_import_inside_a_function_fails_unless_lazy_with_a_reason(tmp_path):
    write(tmp_path, {
        "cases/models.py": "",
        "cases/services.py": "def f():\n    from cases.models import Case\n",
        "documents/pdf.py": "",
        "documents/services.py": "def g():\n    from documents.pdf import render_pdf\n\n\ndef h():\n    # Only on PostgreSQL.\n    from psycopg import IsolationLevel\n",
        "web/apps.py": "def ready():\n    pass\n\n\nclass A:\n    def setup(self):\n        import json\n",
    })  # fmt: skip
    assert rules(tmp_path) == [
        ("cases/services.py", "import-in-function", "cases.models in f()"),
        ("documents/services.py", "import-in-function", "documents.pdf in g()"),
        ("web/apps.py", "import-in-function", "json in setup()"),
    ]


def test_a_private_name_across_modules_fails(tmp_path):
    write(tmp_path, {
        "documents/services.py": "def _read_stored(): ...\n\n\ndef read():\n    return _read_stored()\n",
        "documents/batches.py": "from documents.services import _read_stored\n",
        "cases/lockdown.py": "from core import crypto\n\ncrypto._keyring.cache_clear()\ncrypto.__name__\n",
        "core/crypto.py": "",
    })  # fmt: skip
    assert rules(tmp_path) == [
        ("cases/lockdown.py", "private-import", "crypto._keyring"),
        ("documents/batches.py", "private-import", "_read_stored from documents.services"),
    ]
