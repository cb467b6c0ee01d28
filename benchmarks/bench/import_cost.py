"""Section 3: ``import importmock`` (and ``import moto``) over ``import botocore.session``.

Fresh interpreters run ``python -c``, each timing (perf_counter_ns) the extra import after
``import botocore.session``, since every user's process has imported botocore anyway. All load
from bytecode (.pyc), as after a normal install. The median process wall time minus the
baseline's is printed as a noisier cross-check, and importmock's cost when its sources must be
compiled (PYTHONDONTWRITEBYTECODE=1 with an editable install keeps no .pyc) as information.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

from . import harness
from .harness import Row, Settings, fmt, row

# what each child imports after botocore.session; "baseline" is subtracted from the others
STATEMENTS = {
    "baseline": "pass",
    "importmock": "import importmock",
    "moto": "import moto",
    "importmock, no pyc": "import importmock",
}


def measure(settings: Settings) -> dict[str, float]:
    """ns of wall time per fresh interpreter ("<name> wall"), and of the import inside it."""
    print("3. import cost (fresh interpreters) ...", flush=True)
    result = import_times(settings.pick(settings.rounds, 40))
    print(
        f"  process wall time minus baseline ({fmt(result['baseline wall'])}): importmock "
        f"{fmt(result['importmock wall'])}, moto {fmt(result['moto wall'])} (cross-check; noisier)"
    )
    return result


def import_times(rounds: int) -> dict[str, float]:
    """Medians over `rounds` of each child's wall time and of its own measure of the import.

    Children write and read bytecode under one private pycache_prefix (the discarded first
    round fills it), so every package is imported from .pyc as after a normal install, even
    where PYTHONDONTWRITEBYTECODE is set; "importmock, no pyc" runs in the caller's
    environment, compiling importmock's sources when no bytecode can be kept.
    """
    wall: dict[str, list[int]] = {k: [] for k in STATEMENTS}
    inside: dict[str, list[int]] = {k: [] for k in STATEMENTS}
    for round_ in range(rounds + 1):
        for name, statement in STATEMENTS.items():
            elapsed, measured = _child(statement, cached=name != "importmock, no pyc")
            if round_:
                wall[name].append(elapsed)
                inside[name].append(measured)
    base = statistics.median(wall["baseline"])
    result = {f"{k} wall": statistics.median(v) - base for k, v in wall.items() if k != "baseline"}
    result |= {f"{k} inside": statistics.median(v) for k, v in inside.items() if k != "baseline"}
    result["baseline wall"] = base
    return result


def _child(statement: str, cached: bool) -> tuple[int, int]:
    """(ns of the child's wall time, ns it measured `statement` to take) of one fresh interpreter."""
    code = (
        "import time, botocore.session; t = time.perf_counter_ns(); "
        f"{statement}; print(time.perf_counter_ns() - t)"
    )
    prefix = ["-X", f"pycache_prefix={os.path.join(tempfile.gettempdir(), 'importmock-bench-pycache')}"]
    cached_env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    start = time.perf_counter_ns()
    out = subprocess.run(
        [sys.executable, *(prefix if cached else []), "-c", code],
        check=True,
        capture_output=True,
        text=True,
        env=cached_env if cached else None,
    )
    return time.perf_counter_ns() - start, int(out.stdout)


def rows(results: dict[str, float]) -> list[Row]:
    """The import from bytecode against moto's (the budget), and from sources (information)."""
    ours, moto, compiled = (results[f"{k} inside"] for k in ("importmock", "moto", "importmock, no pyc"))
    return [
        row(
            "import cost over botocore",
            fmt(ours),
            f"import moto {fmt(moto)}",
            moto / ours,
            harness.IMPORT_NS,
            ours,
        ),
        row("import cost, no .pyc", fmt(compiled), "(sources compiled)"),
    ]
