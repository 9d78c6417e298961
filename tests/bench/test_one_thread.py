"""bench.one_thread: the paired one-thread measurement runs the real portal in-process and reports every variant."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bench import one_thread
from bench.servers import ROOT


def test_each_part_left_out_gets_a_row_beside_the_portal_as_shipped():
    command = [sys.executable, "-m", "bench.one_thread", "--rounds", "2", "--per-round", "2", "--warm-up", "1"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    rows = [line.split("|")[1].strip() for line in result.stdout.splitlines() if line.startswith("| ")]
    assert rows[1:] == [
        "as shipped",
        "without direct-send",
        "without record",
        "without log-line",
        "without cache-writes",
    ]


def test_the_floor_can_be_measured_in_the_same_way():
    command = [
        sys.executable,
        "-m",
        "bench.one_thread",
        "--floor",
        "--rounds",
        "1",
        "--per-round",
        "2",
        "--warm-up",
        "1",
    ]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.startswith("the floor, one thread")
    rows = [line.split("|")[1].strip() for line in result.stdout.splitlines() if line.startswith("| ")]
    assert rows[1:] == ["as shipped"]


def test_a_part_it_does_not_know_is_refused():
    with pytest.raises(SystemExit):
        one_thread.parse_args(["--without", "direct-send,everything"])


def test_the_paired_ratio_is_the_median_of_the_rounds_ratios():
    table = one_thread.report({"as shipped": [90.0, 100.0, 80.0], "record": [100.0, 100.0, 100.0]})
    assert "| without record | 100 | 100 | 0.900 |" in table
