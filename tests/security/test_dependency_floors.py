"""Security floors: minimum versions of dependencies with published advisories. Checked against
what is installed and against the pins in requirements*.txt, so a downgrade (or a pin below a
fixed release) fails the suite. Raise a floor in the same commit that bumps a package after an
advisory; docs/security.md lists the same floors (checked below) and tells operators to run
pip-audit where an advisory database is reachable.
"""

from __future__ import annotations

import importlib.metadata
import re
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]

# package -> (floor, why). The floor is the first release fixing the newest advisory we know of.
FLOORS: dict[str, tuple[str, str]] = {
    "django": ("5.2.8", "CVE-2025-64459 (SQL injection via _connector in Q/QuerySet), CVE-2025-64458; 5.2.x line"),
    "djangorestframework": ("3.15.2", "CVE-2024-21520 (XSS in the browsable API's break_long_headers)"),
    "weasyprint": ("70.0", "SSRF and local file read through the default URL fetcher in 68 and 69"),
    "cryptography": ("44.0.1", "CVE-2024-12797 (OpenSSL in the bundled wheels), CVE-2024-26130"),
    "pillow": ("11.3.0", "CVE-2025-48379 (DDS write buffer overflow), CVE-2024-28219 (buffer overflow)"),
    "pypdf": ("6.0.0", "CVE-2025-55197 (unbounded FlateDecode memory), earlier infinite-loop DoS fixes"),
    "gunicorn": ("23.0.0", "CVE-2024-1135 and CVE-2024-6827 (request smuggling)"),
    "fonttools": ("4.60.2", "CVE-2025-66034 (arbitrary file write via varLib; used by WeasyPrint)"),
    "django-axes": ("8.0.0", "the lockout parameter model and callables this project configures"),
    "requests": ("2.32.4", "CVE-2024-47081 (.netrc credential leak), CVE-2024-35195"),
    "urllib3": ("2.5.0", "CVE-2025-50181 and CVE-2025-50182 (redirect handling)"),
}


def pins() -> dict[str, Version]:
    found: dict[str, Version] = {}
    for name in ("requirements.txt", "requirements-dev.txt"):
        for line in (ROOT / name).read_text().splitlines():
            line = line.split("#", 1)[0].strip()
            if not line or line.startswith("-"):
                continue
            req = Requirement(line)
            exact = [s for s in req.specifier if s.operator == "=="]
            assert exact, f"{name}: {line} is not pinned exactly"
            found[req.name.lower()] = Version(exact[0].version)
    return found


@pytest.mark.parametrize("package", sorted(FLOORS))
def test_installed_version_is_at_or_above_its_security_floor(package):
    floor, why = FLOORS[package]
    installed = Version(importlib.metadata.version(package))
    assert installed >= Version(floor), f"{package} {installed} is below {floor}: {why}"


@pytest.mark.parametrize("package", sorted(FLOORS))
def test_pinned_version_is_at_or_above_its_security_floor(package):
    pinned = pins().get(package)
    if pinned is None:  # an indirect dependency: the installed check above covers it
        assert importlib.metadata.version(package)
        return
    assert pinned >= Version(FLOORS[package][0]), f"requirements pin {package}=={pinned} is below the floor"


def test_docs_list_the_same_floors_and_tell_operators_to_run_pip_audit():
    text = (ROOT / "docs" / "security.md").read_text()
    assert "pip-audit" in text
    for package, (floor, _why) in FLOORS.items():
        assert re.search(rf"\b{re.escape(package)}\b[^\n]*{re.escape(floor)}", text, re.IGNORECASE), package


def test_security_docs_name_only_tests_that_exist():
    """Every test file and test function docs/security.md cites exists (the docs stay honest)."""
    text = (ROOT / "docs" / "security.md").read_text()
    files = set(re.findall(r"`?(test_[a-z_]+\.py)", text))
    assert len(files) >= 10
    existing = {p.name: p for p in (ROOT / "tests").rglob("test_*.py")}
    for name in files:
        assert name in existing, f"docs/security.md cites {name}, which does not exist"
    for name, function in re.findall(r"(test_[a-z_]+\.py)::(test_[a-z_]+)", text):
        assert f"def {function}" in existing[name].read_text(), f"{name}::{function} does not exist"
    for prefix in re.findall(r"::(test_[a-z_]+)_…", text):
        assert any(f"def {prefix}" in p.read_text() for p in existing.values()), prefix
