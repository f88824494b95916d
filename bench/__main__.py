"""Run the benchmark suites and write the report ``docs/benchmarks.md``.

    python -m bench run --scale quick        # every suite at its small scale (minutes)
    python -m bench run --scale default      # the scales the issues' targets name (long)
    python -m bench run --only allocation    # some suites only (comma-separated)
    python -m bench report                   # rewrite the report from the latest results

Each suite is a module ``bench/<name>.py`` with its own command line; it runs in a subprocess of
its own (its memory and forked workers do not disturb the next suite) and writes its results as
JSON to ``bench/results/<name>-….json``, including ``targets``: a mapping of target text to
pass/fail. The report takes the newest result of each suite, so a suite that was not run this
time keeps its last measurement (with its date). Targets that no suite measures yet are listed
as "not measured", so the report always shows every target of the issues.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import os
import platform
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
RESULTS_DIR = ROOT / "results"
REPORT = ROOT.parent / "docs" / "benchmarks.md"


@dataclass(frozen=True)
class Suite:
    name: str  # module bench.<name>, results bench/results/<name>-*.json
    issue: str
    title: str
    quick: tuple[str, ...]  # arguments at the quick scale
    default: tuple[str, ...]  # arguments at the issues' scale
    lines: str  # function of the module that turns a report into summary lines


SUITES: tuple[Suite, ...] = (
    Suite(
        "duplicates",
        "[P]",
        "Duplicate detection against splink",
        ("--quick", "--probes", "200"),
        (),
        "summary",
    ),
    Suite(
        "participants_registration",
        "[P]",
        "Registration-time duplicate check against the database",
        ("--records", "100000", "--probes", "200"),
        (),
        "lines",
    ),
    Suite("allocation", "[O]", "Seat allocation against OR-Tools called directly", ("--quick",), (), "lines"),
    Suite(
        "offers",
        "[O]",
        "Seat allocation from the database and the offer finder",
        ("--quick", "--database", "both"),
        ("--database", "both"),
        "lines",
    ),
    Suite("dashboard", "[G]", "Needs-versus-offers dashboard: summaries against live", ("--quick",), (), "lines"),
    Suite("pathways", "[R]", "Right-to-stay pathways: persons per second", ("--quick",), (), "lines"),
    Suite(
        "pages",
        "[BENCH]",
        "Page latency under load against the hello view (gunicorn, 8 clients)",
        ("--quick",),
        ("--scales", "10000,100000,1000000", "--database", "postgresql"),
        "lines",
    ),
)
REGISTRATION = "participants_registration"
LATENCY_PLOT = REPORT.with_name("benchmarks-latency.svg")

# Every target of the issues with the suite that measures it, so that the report also shows what
# is not measured yet: (issue, suite, target). A measured suite lists its own target texts instead.
ALL_TARGETS: tuple[tuple[str, str, str], ...] = (
    ("[P]", "duplicates", "F1 ≥ 0.95 and ≥ splink's F1 on the same file; precision ≥ 0.97"),
    ("[P]", "duplicates", "1,000,000 records in ≤ 0.5× splink's time and ≤ 0.5× its peak memory"),
    ("[P]", REGISTRATION, "Registration-time check: p99 ≤ 50 ms with 1,000,000 participants in the database"),
    ("[P]", REGISTRATION, "Registration-time check: true duplicate among the shown candidates in ≥ 98 % of probes"),
    ("[O]", "allocation", "Allocation 100,000 × 5,000 × 20: exactly the optimum, ≤ 2× the direct solver's time"),
    ("[O]", "offers", "Allocation end to end from the database ≤ 5× the direct solver"),
    ("[O]", "offers", "Offer finder ≤ 100 ms p95 with 5,000 offers and 100,000 participants"),
    (
        "[G]",
        "dashboard",
        "Dashboard ≤ 500 ms p95 (1M needs, 50k sessions); served ≤ 0.1× live; ORM ≤ 1.25× SQL",
    ),
    ("[BENCH]", "pages", "Main pages at 100,000 participants: p95 ≤ 150 ms, 8 clients, no errors, ≥ 10 % of hello"),
    ("[BENCH]", "pages", "Growth 10k → 1M participants: p95 of the main pages grows < 2×"),
    ("[R]", "pathways", "Pathways evaluation: persons per second"),
)


def _latest(name: str) -> tuple[Path, dict[str, Any]] | None:
    """The newest result of a suite; for a suite with ``merge_reports`` (measurements of several
    scales made in different runs) all its results merged, oldest first, newest winning."""
    paths = sorted(RESULTS_DIR.glob(f"{name}-*.json"), key=lambda p: p.stat().st_mtime)
    reports: list[tuple[Path, dict[str, Any]]] = []
    for path in paths:
        try:
            reports.append((path, json.loads(path.read_text())))
        except (OSError, ValueError):
            continue
    if not reports:
        return None
    try:
        merge = getattr(importlib.import_module(f"bench.{name}"), "merge_reports", None)
    except Exception:  # a suite that cannot be imported still gets its newest result shown
        merge = None
    if merge is not None:
        return reports[-1][0], merge([report for _, report in reports])
    return reports[-1]


def _machine() -> dict[str, Any]:
    memory_kb = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_kb = int(line.split()[1])
    except OSError:
        pass
    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cores": os.cpu_count(),
        "memory_gb": round(memory_kb / 2**20, 1),
        "cpu": cpu,
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
    }


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for package in ("Django", "rapidfuzz", "jellyfish", "ortools", "numpy", "splink", "duckdb", "psycopg"):
        try:
            out[package] = version(package)
        except PackageNotFoundError:
            continue
    return out


def run_suite(suite: Suite, scale: str) -> int:
    args = suite.quick if scale == "quick" else suite.default
    command = [sys.executable, "-m", f"bench.{suite.name}", *args]
    print(f"== {suite.issue} {suite.title}: {' '.join(command[1:])}", flush=True)
    started = time.monotonic()
    code = subprocess.call(command, cwd=ROOT.parent)
    print(f"== {suite.name}: exit {code} after {time.monotonic() - started:.0f} s", flush=True)
    return code


def _summary_lines(suite: Suite, report: dict[str, Any]) -> list[str]:
    try:
        module = importlib.import_module(f"bench.{suite.name}")
        return list(getattr(module, suite.lines)(report))
    except Exception as exc:  # a suite that cannot summarise still gets its targets shown
        return [f"(summary unavailable: {exc.__class__.__name__})"]


def write_report(scale: str | None = None) -> Path:
    lines = [
        "# Benchmarks",
        "",
        "Generated by `make bench` / `make bench-quick` (`python -m bench run`); do not edit by hand.",
        "Each suite's newest result is shown with its own date and scale; see bench/README.md for how each",
        "suite measures. Ratios are measured in the same run on the same machine. Times are UTC.",
        "",
        f"Report written: {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M')} UTC"
        + (f" (this run: scale {scale})" if scale else ""),
        "",
    ]
    machine = _machine()
    lines += [
        "## Machine and versions",
        "",
        f"- {machine['cores']} cores, {machine['memory_gb']} GB memory, {machine['cpu']}, {machine['system']}",
        f"- Python {machine['python']}; " + ", ".join(f"{k} {v}" for k, v in _versions().items()),
        "",
        "## Targets",
        "",
        "| Issue | Target | Measured on | Result |",
        "|---|---|---|---|",
    ]
    measured: set[str] = set()
    details: list[str] = []
    for suite in SUITES:
        latest = _latest(suite.name)
        if latest is None:
            continue
        path, report = latest
        measured.add(suite.name)
        when = str(report.get("date", ""))[:16].replace("T", " ")
        for target, ok in report.get("targets", {}).items():
            result = "not measured yet" if ok is None else "pass" if ok else "**FAIL**"
            # a merged report (several runs) says when each target was measured
            on = str(report.get("target_dates", {}).get(target, "") or when)[:16].replace("T", " ")
            lines.append(f"| {suite.issue} | {target} | {on if ok is not None else '–'} | {result} |")
        source = "all its result files, the newest of each scale" if suite.name == "pages" else f"`{path.name}`"
        details += [f"### {suite.issue} {suite.title}", "", f"From {source} in `bench/results/`.", ""]
        if suite.name == "pages" and _write_latency_plot(report):
            details += [f"![p95 latency against scale]({LATENCY_PLOT.name})", ""]
        details += ["```", *_summary_lines(suite, report), "```", ""]
    for issue, name, target in ALL_TARGETS:
        if name not in measured:
            lines.append(f"| {issue} | {target} | – | not measured yet |")
    lines += ["", "## Details", "", *details]
    REPORT.write_text("\n".join(lines).rstrip() + "\n")
    return REPORT


# --- the plot of latency against scale (hand-built SVG: no plotting dependency) --------------------

_COLOURS = ("#1b6ca8", "#c0392b", "#2e8540", "#8e44ad", "#d35400", "#16a085", "#7f6000", "#555555")


def _write_latency_plot(report: dict[str, Any]) -> bool:
    """p95 of the main pages against the number of participants (log-log), one panel per database.
    Written to docs/benchmarks-latency.svg; False when nothing was measured."""
    try:
        series = importlib.import_module("bench.pages").latency_series(report)
    except Exception:
        return False
    if not series:
        return False
    LATENCY_PLOT.write_text(latency_svg(series))
    return True


def latency_svg(series: dict[str, dict[str, list[tuple[int, float]]]]) -> str:
    """``series``: {database: {page: [(participants, p95 ms)]}} → an SVG document."""
    import math

    panel_w, panel_h, left, top, bottom = 420, 300, 75, 40, 50
    legend_h = 18 * max(len(pages) for pages in series.values()) + 10
    width = left + len(series) * (panel_w + left) + 10
    height = top + panel_h + bottom + legend_h
    scales = [10_000, 100_000, 1_000_000]
    values = [ms for pages in series.values() for points in pages.values() for _, ms in points if ms > 0]
    lo = 10 ** math.floor(math.log10(min([*values, 150.0])))
    hi = 10 ** math.ceil(math.log10(max([*values, 150.0])))

    def x(participants: int, panel: int) -> float:
        span = math.log10(scales[-1]) - math.log10(scales[0])
        share = (math.log10(max(participants, 1)) - math.log10(scales[0])) / span
        return left + panel * (panel_w + left) + 20 + share * (panel_w - 40)

    def y(ms: float) -> float:
        share = (math.log10(max(ms, lo)) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))
        return top + panel_h - share * panel_h

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12" role="img" '
        'aria-labelledby="title desc">',
        '<title id="title">p95 latency of the main pages against the number of participants</title>',
        '<desc id="desc">Generated by python -m bench report from bench/results/pages-*.json; '
        "8 concurrent clients, gunicorn with 2 sync workers; the dashed line is the 150 ms target.</desc>",
        f'<rect width="{width}" height="{height}" fill="white"/>',
    ]
    for panel, (database, pages) in enumerate(sorted(series.items())):
        x0 = left + panel * (panel_w + left)
        out.append(f'<text x="{x0 + panel_w / 2}" y="20" text-anchor="middle" font-weight="bold">{database}</text>')
        out.append(f'<rect x="{x0}" y="{top}" width="{panel_w}" height="{panel_h}" fill="none" stroke="#999"/>')
        tick = lo
        while tick <= hi * 1.0001:
            out.append(f'<line x1="{x0}" x2="{x0 + panel_w}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" stroke="#eee"/>')
            out.append(f'<text x="{x0 - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">{tick:g} ms</text>')
            tick *= 10
        for scale in scales:
            label = f"{scale // 1000}k" if scale < 1_000_000 else f"{scale // 1_000_000}M"
            out.append(f'<text x="{x(scale, panel):.1f}" y="{top + panel_h + 18}" text-anchor="middle">{label}</text>')
        out.append(
            f'<text x="{x0 + panel_w / 2}" y="{top + panel_h + 36}" text-anchor="middle">'
            "participants (log scale)</text>"
        )
        out.append(
            f'<line x1="{x0}" x2="{x0 + panel_w}" y1="{y(150):.1f}" y2="{y(150):.1f}" stroke="#c00" '
            'stroke-dasharray="6 4"/>'
        )
        out.append(
            f'<text x="{x0 + panel_w - 4}" y="{y(150) - 5:.1f}" text-anchor="end" fill="#c00">target 150 ms</text>'
        )
        for n, (page, points) in enumerate(sorted(pages.items())):
            colour = _COLOURS[n % len(_COLOURS)]
            coords = " ".join(f"{x(p, panel):.1f},{y(ms):.1f}" for p, ms in points)
            out.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2"/>')
            for p, ms in points:
                out.append(
                    f'<circle cx="{x(p, panel):.1f}" cy="{y(ms):.1f}" r="3.5" fill="{colour}">'
                    f"<title>{page}: {ms:g} ms at {p:,} participants</title></circle>"
                )
            ly = top + panel_h + bottom + 14 + 18 * n
            out.append(f'<rect x="{x0}" y="{ly - 9}" width="14" height="4" fill="{colour}"/>')
            out.append(f'<text x="{x0 + 20}" y="{ly - 3}">{page}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run suites, then write docs/benchmarks.md")
    run.add_argument("--scale", choices=("quick", "default"), default="default")
    run.add_argument("--only", help="comma-separated suite names: " + ", ".join(s.name for s in SUITES))
    sub.add_parser("report", help="rewrite docs/benchmarks.md from the latest results")
    args = parser.parse_args(argv)
    if args.command == "report":
        print(write_report())
        return 0
    wanted = set(args.only.split(",")) if args.only else {s.name for s in SUITES}
    unknown = wanted - {s.name for s in SUITES}
    if unknown:
        parser.error(f"unknown suite(s): {', '.join(sorted(unknown))}")
    failed = [s.name for s in SUITES if s.name in wanted and run_suite(s, args.scale) != 0]
    print(write_report(args.scale))
    if failed:
        print(f"suites that did not finish: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
