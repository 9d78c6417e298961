"""gunicorn.conf.py's worker hooks, evaluated as gunicorn evaluates the file, each in a fresh interpreter."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# What a worker does once its application is loaded: gunicorn runs post_worker_init after load_wsgi.
AFTER_LOAD = """
import gc, json, runpy
conf = runpy.run_path("gunicorn.conf.py")
before = gc.get_freeze_count()
conf["post_worker_init"](None)
print(json.dumps({"frozen_before": before, "frozen": gc.get_freeze_count(), "threshold": gc.get_threshold()}))
"""


def _worker_after_load(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("GUNICORN_")}
    return subprocess.run(
        [sys.executable, "-c", AFTER_LOAD], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, check=False
    )


def test_a_worker_freezes_what_it_loaded_and_collects_the_young_generation_less_often():
    state = json.loads(_worker_after_load().stdout)

    assert state["frozen_before"] == 0
    assert state["frozen"] > 1000  # everything the interpreter had loaded is out of the collector's sight
    assert state["threshold"] == [5000, 10, 10]


def test_the_thresholds_come_from_the_environment():
    state = json.loads(_worker_after_load(GUNICORN_GC_THRESHOLD="700,10,10").stdout)

    assert state["threshold"] == [700, 10, 10]


@pytest.mark.parametrize("value", ["fast", "1,2", "0,10,10", "-5,10,10", "5000,10,10,1"])
def test_a_threshold_that_is_not_three_positive_numbers_stops_the_start(value):
    result = _worker_after_load(GUNICORN_GC_THRESHOLD=value)

    assert result.returncode != 0
    assert "GUNICORN_GC_THRESHOLD must be three positive numbers" in result.stderr
