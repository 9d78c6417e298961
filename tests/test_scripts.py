"""scripts/setup runs pip only when pyproject.toml changed since the last install (issue: every start re-ran pip)."""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STAMP = ROOT / ".venv" / ".installed-local,test"

pytestmark = pytest.mark.skipif(not STAMP.exists(), reason="the venv was not made by scripts/setup test")


def run_setup(*args: str) -> subprocess.CompletedProcess[str]:
    # No package index at all: if pip ran, building the editable install would fail.
    env = {**os.environ, "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": "", "PYTHON": str(ROOT / ".venv" / "bin" / "python")}
    return subprocess.run(["scripts/setup", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_the_stamp_holds_the_hash_of_pyproject_toml():
    assert STAMP.read_text().strip() == hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


@pytest.mark.parametrize("extras", [(), ("test",)], ids=["local", "test"])
def test_an_unchanged_pyproject_means_no_install_and_no_output(extras):
    result = run_setup(*extras)

    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
