"""Seat allocation benchmark ([O]): our module against OR-Tools' min-cost flow called directly.

    .venv/bin/python -m bench.allocation                    # 100,000 × 5,000 × 20, 3 rounds
    .venv/bin/python -m bench.allocation --quick            # 10,000 × 500 × 20
    .venv/bin/python -m bench.allocation --rounds 5 --no-cli

One seeded synthetic instance (``generate``: arrays, and the same instance as a JSON file in
bench/data/ for the command line) is solved in each round by

- **direct**: ``SimpleMinCostFlow`` called directly on the instance's arrays (arcs
  participant → offer with cost −score, supplies +1 per participant and −seats per offer,
  ``solve_max_flow_with_min_cost``, flows read back) — the reference for time and optimum;
- **ours**: ``allocate(problem)`` on a problem made beforehand (``make_problem`` from the
  arrays; its checking time is reported on its own): parsing excluded;
- **ours with parsing**: ``read_problem(file) + allocate``: JSON read and checked, solved;
- **cli**: ``manage.py allocate_seats`` in a subprocess (wall time: Python and Django start-up,
  reading, solving, writing);
- **greedy** by score and by arrival (``greedy``), for the loss of quality.

Rounds alternate which of direct and ours goes first; the report gives the median of each
time over the rounds and the median of the per-round ratios (the machine is shared, so only
times measured in the same round are compared). Results go to
bench/results/allocation-<participants>-<time>.json (git-ignored).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gc
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from ortools.graph.python import min_cost_flow

from ankommen.offers.allocation import Problem, allocate, greedy, make_problem, read_problem
from bench import now_utc, stamp_utc

ROOT = Path(__file__).resolve().parent
DATA_DIR = ROOT / "data"
RESULTS_DIR = ROOT / "results"
GENERATOR_VERSION = 1
SEED = 20261201

# The synthetic instance (documented in bench/README.md).
INSTANCE: dict[str, Any] = {
    "seats_per_offer": [8, 24],  # uniform; mean 16: 80,000 seats for 100,000 participants at full scale
    "districts": 40,  # offers and participants live in districts on a ring
    "popularity_exponent": 0.6,  # offer weight 1 / rank**0.6 (a random rank per offer)
    "near_share": 0.75,  # share of candidate weight on the own and the two neighbouring districts
    "score_decimals": 4,
    "score": "0.6 * fit + 0.4 * priority",
    "fit": "uniform 0..1 per candidate pair (level, schedule, distance)",
    "priority": "0.5 * waiting (uniform 0..1) + 0.3 if an age-limit deadline (10 %) + 0.2 if vulnerable (15 %)",
}

FULL = (100_000, 5_000, 20)
QUICK = (10_000, 500, 20)


@dataclass
class Instance:
    participants: int
    offers: int
    capacities: np.ndarray
    candidate_participant: np.ndarray
    candidate_offer: np.ndarray
    score_units: np.ndarray
    score_decimals: int


def generate(participants: int, offers: int, per_participant: int, seed: int) -> Instance:
    """The instance for a seed: the same arrays on every machine (numpy's PCG64)."""
    rng = np.random.default_rng(seed)
    low, high = INSTANCE["seats_per_offer"]
    capacities = rng.integers(low, high + 1, offers)
    districts = INSTANCE["districts"]
    offer_district = rng.integers(0, districts, offers)
    popularity = 1.0 / rng.permutation(np.arange(1, offers + 1)) ** INSTANCE["popularity_exponent"]
    participant_district = rng.integers(0, districts, participants)

    # Candidate offers: distinct, drawn by popularity, most of the weight near home.
    chosen = np.empty((participants, per_participant), dtype=np.int64)
    for district in range(districts):
        rows = np.flatnonzero(participant_district == district)
        if rows.size == 0:
            continue
        ring = np.abs(offer_district - district)
        near = np.minimum(ring, districts - ring) <= 1
        weight = popularity * np.where(near, 1.0, 0.0)
        weight = INSTANCE["near_share"] * weight / weight.sum() + (1 - INSTANCE["near_share"]) * popularity / (
            popularity.sum()
        )
        cumulative = np.cumsum(weight)
        cumulative /= cumulative[-1]
        chosen[rows] = _distinct_draws(rng, cumulative, rows.size, per_participant)

    candidate_participant = np.repeat(np.arange(participants), per_participant)
    candidate_offer = chosen.reshape(-1)
    waiting = rng.random(participants)
    deadline = rng.random(participants) < 0.10
    vulnerable = rng.random(participants) < 0.15
    priority = np.minimum(1.0, 0.5 * waiting + 0.3 * deadline + 0.2 * vulnerable)
    fit = rng.random(candidate_offer.size)
    decimals = INSTANCE["score_decimals"]
    score = 0.6 * fit + 0.4 * priority[candidate_participant]
    units = np.rint(score * 10**decimals).astype(np.int64)
    return Instance(participants, offers, capacities, candidate_participant, candidate_offer, units, decimals)


def _distinct_draws(rng: np.random.Generator, cumulative: np.ndarray, rows: int, k: int) -> np.ndarray:
    """``k`` distinct offers per row: weighted draws, a repeat is dropped (sampling without replacement)."""
    out = np.empty((rows, k), dtype=np.int64)
    pending = np.arange(rows)
    while pending.size:
        draws = np.searchsorted(cumulative, rng.random((pending.size, 3 * k)), side="right")
        draws = np.minimum(draws, cumulative.size - 1)
        # first occurrences, in draw order: sort stably, flag the first of each run, map back
        order = np.argsort(draws, axis=1, kind="stable")
        ordered = np.take_along_axis(draws, order, axis=1)
        first_sorted = np.ones_like(ordered, dtype=bool)
        first_sorted[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
        first = np.empty_like(first_sorted)
        np.put_along_axis(first, order, first_sorted, axis=1)
        keep = first & (np.cumsum(first, axis=1) <= k)
        enough = keep.sum(axis=1) == k
        out[pending[enough]] = draws[enough][keep[enough]].reshape(-1, k)
        pending = pending[~enough]
    return out


def problem_of(instance: Instance) -> Problem:
    return make_problem(
        [f"p{i}" for i in range(instance.participants)],
        [f"o{i}" for i in range(instance.offers)],
        instance.capacities,
        instance.candidate_participant,
        instance.candidate_offer,
        instance.score_units,
        instance.score_decimals,
    )


def write_json(instance: Instance, seed: int, per_participant: int) -> Path:
    """The instance as the command line's JSON file (cached in bench/data/)."""
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    stem = f"allocation-v{GENERATOR_VERSION}-{instance.participants}-{instance.offers}-{per_participant}-{seed}"
    path = DATA_DIR / f"{stem}.json"
    if path.exists():
        return path
    scale = 10**instance.score_decimals
    temporary = path.with_suffix(".tmp")
    with temporary.open("w", encoding="utf-8") as handle:
        handle.write('{"participants": [')
        handle.write(",".join(f'{{"id": "p{i}"}}' for i in range(instance.participants)))
        handle.write('],\n"offers": [')
        handle.write(",".join(f'{{"id": "o{i}", "capacity": {c}}}' for i, c in enumerate(instance.capacities.tolist())))
        handle.write('],\n"candidates": [\n')
        rows = zip(
            instance.candidate_participant.tolist(),
            instance.candidate_offer.tolist(),
            instance.score_units.tolist(),
            strict=True,
        )
        places = instance.score_decimals
        handle.write(
            ",\n".join(
                f'{{"participant": "p{p}", "offer": "o{o}", "score": {u // scale}.{u % scale:0{places}d}}}'
                for p, o, u in rows
            )
        )
        handle.write("\n]}\n")
    temporary.replace(path)
    return path


# --- the solvers ---------------------------------------------------------------------------------


def direct(instance: Instance) -> dict[str, Any]:
    """OR-Tools' min-cost flow called directly on the arrays: the reference."""
    p, o = instance.participants, instance.offers
    gc.collect()
    cpu = time.process_time()
    started = time.perf_counter()
    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(
        instance.candidate_participant.astype(np.int32),
        (instance.candidate_offer + p).astype(np.int32),
        np.ones(instance.candidate_offer.size, dtype=np.int64),
        -instance.score_units,
    )
    flow.set_nodes_supplies(
        np.arange(p + o, dtype=np.int32),
        np.concatenate([np.ones(p, dtype=np.int64), -instance.capacities.astype(np.int64)]),
    )
    built = time.perf_counter()
    status = flow.solve_max_flow_with_min_cost()
    solved = time.perf_counter()
    chosen = np.flatnonzero(flow.flows(arcs))
    finished = time.perf_counter()
    cpu = time.process_time() - cpu
    if status != min_cost_flow.SimpleMinCostFlow.Status.OPTIMAL:
        raise RuntimeError(f"direct solver: {status.name}")
    return {
        "seconds": finished - started,
        "cpu_seconds": cpu,
        "build_seconds": built - started,
        "solve_seconds": solved - built,
        "placed": int(chosen.size),
        "total_units": -int(flow.optimal_cost()),
    }


T = TypeVar("T")


def timed(function: Callable[[], T]) -> tuple[T, float, float]:
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    value = function()
    return value, time.perf_counter() - wall, time.process_time() - cpu


def run_cli(path: Path, work: Path) -> dict[str, Any]:
    out = work / "allocation-cli-output.json"
    out.unlink(missing_ok=True)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, str(ROOT.parent / "manage.py"), "allocate_seats", "--input", str(path), "--output", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
    if completed.returncode:
        return {"error": completed.stderr.strip()[-2000:]}
    document = json.loads(out.read_text())
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "placed": document["placed"],
        "total_score": str(document["total_score"]),
    }


def one_round(
    number: int, instance: Instance, problem: Problem, path: Path, args: argparse.Namespace
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    order = ("direct", "ours") if number % 2 == 0 else ("ours", "direct")
    for name in order:
        if name == "direct":
            out["direct"] = direct(instance)
        else:
            for cached in ("participant_order", "participant_rank", "score_divisor"):
                problem.__dict__.pop(cached, None)  # computed afresh in every round, as for a new problem
            result, wall, cpu = timed(lambda: allocate(problem))
            out["ours"] = {
                "seconds": wall,
                "cpu_seconds": cpu,
                "placed": result.placed,
                "total_units": result.total_units,
            }
        print(f"  round {number + 1} {name}: {out[name]['seconds']:.2f} s", flush=True)
    result, wall, cpu = timed(lambda: allocate(read_problem(path)))
    out["ours_with_parsing"] = {"seconds": wall, "cpu_seconds": cpu, "placed": result.placed}
    print(f"  round {number + 1} ours with parsing: {wall:.2f} s", flush=True)
    if not args.no_cli:
        out["cli"] = run_cli(path, DATA_DIR)
        print(f"  round {number + 1} cli: {out['cli'].get('seconds', out['cli'].get('error'))}", flush=True)
    out["ratio_ours_direct"] = out["ours"]["seconds"] / out["direct"]["seconds"]
    out["ratio_with_parsing_direct"] = out["ours_with_parsing"]["seconds"] / out["direct"]["seconds"]
    out["cpu_ratio_ours_direct"] = out["ours"]["cpu_seconds"] / out["direct"]["cpu_seconds"]
    out["cpu_ratio_with_parsing_direct"] = out["ours_with_parsing"]["cpu_seconds"] / out["direct"]["cpu_seconds"]
    return out


def _machine() -> dict[str, Any]:
    from importlib.metadata import version

    info: dict[str, Any] = {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    with contextlib.suppress(ValueError, OSError):
        info["memory_gb"] = round(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2**30, 1)
    for package in ("ortools", "numpy"):
        info[package] = version(package)
    return info


def run(args: argparse.Namespace) -> dict[str, Any]:
    participants, offers, per_participant = QUICK if args.quick else (args.participants, args.offers, args.candidates)
    print(f"generating {participants} × {offers} × {per_participant} (seed {args.seed}) …", flush=True)
    instance, generate_s, _ = timed(lambda: generate(participants, offers, per_participant, args.seed))
    path = write_json(instance, args.seed, per_participant)
    problem, make_s, _ = timed(lambda: problem_of(instance))
    print(f"  generated in {generate_s:.1f} s, checked by make_problem in {make_s:.2f} s; file {path}", flush=True)

    report: dict[str, Any] = {
        "benchmark": "allocation",
        "date": now_utc(),
        "seed": args.seed,
        "generator_version": GENERATOR_VERSION,
        "instance": {
            **INSTANCE,
            "participants": participants,
            "offers": offers,
            "candidates_per_participant": per_participant,
            "candidates": int(instance.candidate_offer.size),
            "seats": int(instance.capacities.sum()),
            "file": path.name,
            "file_mb": round(path.stat().st_size / 2**20, 1),
        },
        "machine": _machine(),
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
        "make_problem_seconds": round(make_s, 3),
        "rounds": [],
    }
    for number in range(args.rounds):
        report["rounds"].append(one_round(number, instance, problem, path, args))
    report["load_average_after"] = [round(x, 2) for x in os.getloadavg()]

    optimum = report["rounds"][0]["direct"]
    quality: dict[str, Any] = {"optimum": {"placed": optimum["placed"], "total_score": optimum["total_units"]}}
    for order in ("score", "arrival"):
        result, wall, _ = timed(functools.partial(greedy, problem, order))  # type: ignore[arg-type]
        quality[f"greedy_{order}"] = {
            "seconds": round(wall, 3),
            "placed": result.placed,
            "total_score": result.total_units,
            "placed_loss": round(1 - result.placed / optimum["placed"], 4),
            "total_score_loss": round(1 - result.total_units / optimum["total_units"], 4),
        }
    scale = 10**instance.score_decimals
    for entry in quality.values():
        entry["total_score"] = entry["total_score"] / scale
    report["quality"] = quality
    report["summary"] = summarise(report)
    report["targets"] = targets(report)

    RESULTS_DIR.mkdir(exist_ok=True)
    out = RESULTS_DIR / f"allocation-{participants}-{stamp_utc()}.json"
    out.write_text(json.dumps(report, indent=2))
    print(f"results: {out}")
    for line in lines(report):
        print(line)
    return report


def summarise(report: dict[str, Any]) -> dict[str, Any]:
    rounds = report["rounds"]

    def median(get: Callable[[dict[str, Any]], float]) -> float:
        return round(statistics.median(get(r) for r in rounds), 3)

    summary = {
        "direct_seconds": median(lambda r: r["direct"]["seconds"]),
        "direct_solve_seconds": median(lambda r: r["direct"]["solve_seconds"]),
        "ours_seconds": median(lambda r: r["ours"]["seconds"]),
        "ours_with_parsing_seconds": median(lambda r: r["ours_with_parsing"]["seconds"]),
        "ratio_ours_direct": median(lambda r: r["ratio_ours_direct"]),
        "ratio_with_parsing_direct": median(lambda r: r["ratio_with_parsing_direct"]),
        "direct_cpu_seconds": median(lambda r: r["direct"]["cpu_seconds"]),
        "ours_cpu_seconds": median(lambda r: r["ours"]["cpu_seconds"]),
        "ours_with_parsing_cpu_seconds": median(lambda r: r["ours_with_parsing"]["cpu_seconds"]),
        "cpu_ratio_ours_direct": median(lambda r: r["cpu_ratio_ours_direct"]),
        "cpu_ratio_with_parsing_direct": median(lambda r: r["cpu_ratio_with_parsing_direct"]),
        "same_optimum_every_round": all(
            (r["ours"]["placed"], r["ours"]["total_units"]) == (r["direct"]["placed"], r["direct"]["total_units"])
            and r["ours_with_parsing"]["placed"] == r["direct"]["placed"]
            for r in rounds
        ),
    }
    cli = [r["cli"]["seconds"] for r in rounds if "cli" in r and "seconds" in r["cli"]]
    if cli:
        summary["cli_seconds"] = round(statistics.median(cli), 3)
        summary["cli_cpu_seconds"] = round(statistics.median(r["cli"]["cpu_seconds"] for r in rounds if "cli" in r), 3)
        summary["cli_same_optimum"] = all(
            r["cli"].get("placed") == r["direct"]["placed"]
            and r["cli"].get("total_score") == _units_text(r["direct"]["total_units"], report)
            for r in rounds
            if "cli" in r
        )
    return summary


def _units_text(units: int, report: dict[str, Any]) -> str:
    from ankommen.offers.allocation.jsonio import decimal_text
    from ankommen.offers.allocation.problem import units_to_decimal

    return decimal_text(units_to_decimal(units, report["instance"]["score_decimals"]))


def targets(report: dict[str, Any]) -> dict[str, bool]:
    s = report["summary"]
    out = {
        "same placed and total score as the direct solver": s["same_optimum_every_round"],
        "ours <= 2x the direct solver's time (parsing excluded)": s["ratio_ours_direct"] <= 2.0,
    }
    if "cli_same_optimum" in s:
        out["command line gives the same optimum"] = s["cli_same_optimum"]
    return out


def lines(report: dict[str, Any]) -> list[str]:
    s, i, q = report["summary"], report["instance"], report["quality"]
    out = [
        f"allocation benchmark: {i['participants']:,} participants × {i['offers']:,} offers × "
        f"{i['candidates_per_participant']} candidates ({i['candidates']:,} pairs, {i['seats']:,} seats), "
        f"seed {report['seed']}, {len(report['rounds'])} rounds (medians; load average "
        f"{report['load_average_before'][0]} before, {report['load_average_after'][0]} after)",
        "                             wall       ratio   CPU        ratio",
        f"  direct SimpleMinCostFlow   {s['direct_seconds']:7.2f} s           {s['direct_cpu_seconds']:7.2f} s"
        f"          (solve {s['direct_solve_seconds']:.2f} s wall)",
        f"  ours, parsing excluded     {s['ours_seconds']:7.2f} s   {s['ratio_ours_direct']:5.2f}   "
        f"{s['ours_cpu_seconds']:7.2f} s   {s['cpu_ratio_ours_direct']:5.2f}",
        f"  ours, with JSON parsing    {s['ours_with_parsing_seconds']:7.2f} s   "
        f"{s['ratio_with_parsing_direct']:5.2f}   "
        f"{s['ours_with_parsing_cpu_seconds']:7.2f} s   {s['cpu_ratio_with_parsing_direct']:5.2f}",
    ]
    if "cli_seconds" in s:
        out.append(
            f"  manage.py allocate_seats   {s['cli_seconds']:7.2f} s           {s['cli_cpu_seconds']:7.2f} s"
            "          (whole process)"
        )
    out.append(f"  make_problem (checks)      {report['make_problem_seconds']:7.2f} s")
    optimum = q["optimum"]
    out.append(f"  optimum: {optimum['placed']:,} placed, total score {optimum['total_score']:,.4f}")
    for name in ("greedy_score", "greedy_arrival"):
        g = q[name]
        out.append(
            f"  {name:15} {g['placed']:,} placed (−{g['placed_loss']:.1%}), total score {g['total_score']:,.4f} "
            f"(−{g['total_score_loss']:.1%}), {g['seconds']:.2f} s"
        )
    for name, ok in report["targets"].items():
        out.append(f"  {'PASS' if ok else 'FAIL'}  {name}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.allocation", description=__doc__.split("\n")[0])
    parser.add_argument("--participants", type=int, default=FULL[0])
    parser.add_argument("--offers", type=int, default=FULL[1])
    parser.add_argument("--candidates", type=int, default=FULL[2], help="candidate offers per participant")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK[0]:,} × {QUICK[1]:,} × {QUICK[2]}")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-cli", action="store_true", help="skip the manage.py subprocess")
    args = parser.parse_args(argv)
    run(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
