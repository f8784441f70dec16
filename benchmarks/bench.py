"""How fast budgetdoc checks and builds, measured beside LibreOffice (a benchmark, not a test).

    .venv/bin/python benchmarks/bench.py                 # everything; rewrites docs/performance.md
    .venv/bin/python benchmarks/bench.py --sizes 20      # a shorter scale run
    .venv/bin/python benchmarks/bench.py --no-write      # print, leave the docs alone

Documents: for each example department, check, DOCX and PDF in a warm process (median of
runs), the full build as a new process (`budgetdoc build FILE`), and LibreOffice converting our
DOCX to PDF as a new process: what a user would otherwise do to get a PDF.

Scale: N generated departments (benchmarks/make_departments.py) built with 1 and 2 worker
processes, the rebuild after one department changes, the rebuild when nothing changed, the
peak memory of the largest process, and LibreOffice converting the same N DOCX files in one
call (its fastest way) in the same run. Work files go to build/bench/ (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "build" / "bench"
BUDGETDOC = [str(ROOT / ".venv" / "bin" / "budgetdoc")]
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def median_time(action, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measured(command: list[str]) -> tuple[float, int, int]:
    """Run a command in a fresh wrapper: (seconds, exit status, peak RSS of any process in MB).

    The wrapper's RUSAGE_CHILDREN maximum covers the command and every worker it waited for.
    """
    probe = ("import resource, subprocess, sys, time, json\n"
             "t = time.perf_counter()\n"
             "status = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n"
             "seconds = time.perf_counter() - t\n"
             "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
             "print(json.dumps([seconds, status, peak]))\n")
    out = subprocess.run([sys.executable, "-c", probe, *command], check=True,
                         capture_output=True, text=True).stdout
    seconds, status, peak_kb = json.loads(out)
    return seconds, status, peak_kb // 1024


def libreoffice(files: list[Path], outdir: Path, profile: Path) -> float:
    """Seconds LibreOffice takes to convert `files` to PDF in one call (a new process)."""
    assert SOFFICE
    command = [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless",
               "--convert-to", "pdf", "--outdir", str(outdir), *map(str, files)]
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - started


# --- documents ------------------------------------------------------------------------------

def bench_documents(runs: int) -> list[dict]:
    from budgetdoc import pipeline
    from budgetdoc.writers import docx, pdf

    sys.path.insert(0, str(ROOT / "tests"))
    from seedfigures import EXAMPLES  # the default-profile examples (sh-* wait for their profile)

    rows = []
    profile = WORK / "lo-profile"
    for name in sorted(EXAMPLES.values()):
        source = ROOT / "examples" / "departments" / name / "2024.yaml"
        result = pipeline.run(source)
        document = result.document
        assert document is not None and result.ok, source
        row = {"example": source.parent.name, "department": document.department,
               "tables": len(document.tables())}
        row["check"] = median_time(lambda s=source: pipeline.run(s), runs)
        row["docx"] = median_time(lambda d=document: docx.render(d), runs)
        row["pdf"] = median_time(lambda d=document: pdf.render(d), max(1, runs // 2))
        out = WORK / "documents" / source.parent.name
        shutil.rmtree(out, ignore_errors=True)
        builds = [measured([*BUDGETDOC, "build", str(source), "-o", str(out), "-q", "--force"])
                  for _ in range(3)]
        assert all(status == 0 for _, status, _ in builds), (source, builds)
        row["build_process"] = statistics.median(b[0] for b in builds)
        row["build_peak_mb"] = max(b[2] for b in builds)
        if SOFFICE:
            docx_file = next(out.rglob("*.docx"))
            libreoffice([docx_file], WORK / "lo-warmup", profile)  # the profile's first start
            row["libreoffice"] = statistics.median(
                libreoffice([docx_file], WORK / "lo-documents", profile) for _ in range(3))
        rows.append(row)
        print(json.dumps(row, ensure_ascii=False), flush=True)
    return rows


# --- scale ----------------------------------------------------------------------------------

def bench_scale(size: int, jobs: list[int]) -> dict:
    folder = WORK / f"departments-{size}"
    shutil.rmtree(folder, ignore_errors=True)
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_departments.py"), str(size),
                    "-o", str(folder)], check=True, stdout=subprocess.DEVNULL)
    row: dict = {"departments": size}
    out = WORK / f"output-{size}"
    for workers in jobs:
        shutil.rmtree(out, ignore_errors=True)
        seconds, status, peak = measured([*BUDGETDOC, "build", str(folder), "-o", str(out),
                                          "-q", "-j", str(workers)])
        row[f"jobs{workers}"] = {"seconds": seconds, "status": status, "peak_mb": peak,
                                 "per_department": seconds / size}
        print(json.dumps({size: row[f"jobs{workers}"], "jobs": workers}), flush=True)
    last = max(jobs)
    seconds, status, _ = measured([*BUDGETDOC, "build", str(folder), "-o", str(out), "-q",
                                   "-j", str(last)])
    row["unchanged"] = {"seconds": seconds, "status": status}
    one = sorted(folder.glob("*/2024.yaml"))[size // 2]
    one.write_text(one.read_text("utf-8") + "# 更正\n", encoding="utf-8")
    seconds, status, _ = measured([*BUDGETDOC, "build", str(folder), "-o", str(out), "-q",
                                   "-j", str(last)])
    row["one_changed"] = {"seconds": seconds, "status": status}
    summary = json.loads((out / "2024" / "summary.json").read_text("utf-8"))
    row["failed"] = sum(d["status"] not in ("ok", "warnings") for d in summary["departments"])
    docx_files = sorted(out.rglob("*.docx"))
    if SOFFICE:
        profile = WORK / "lo-profile"
        libreoffice(docx_files[:1], WORK / "lo-warmup", profile)
        lo_out = WORK / f"lo-{size}"
        shutil.rmtree(lo_out, ignore_errors=True)
        seconds = libreoffice(docx_files, lo_out, profile)
        row["libreoffice"] = {"seconds": seconds, "files": len(docx_files),
                              "per_file": seconds / max(1, len(docx_files))}
    print(json.dumps(row), flush=True)
    return row


# --- the report -----------------------------------------------------------------------------

def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory = next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal"))
        memory_gb = f"{int(memory) / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration):
        memory_gb = "?"
    office = ""
    if SOFFICE:
        office = subprocess.run([SOFFICE, "--version"], capture_output=True,
                                text=True).stdout.strip()
    return {"cpu": cpu, "cores": os.cpu_count(), "memory": memory_gb,
            "system": f"{platform.system()} {platform.release()}",
            "python": platform.python_version(), "weasyprint": metadata.version("weasyprint"),
            "python-docx": metadata.version("python-docx"), "libreoffice": office}


def _s(seconds: float) -> str:
    return f"{seconds:.2f} s"


def report(documents: list[dict], scale: list[dict], info: dict, command: str) -> str:
    lines = [
        "# Performance",
        "",
        "Measured by `benchmarks/bench.py` (not by tests), with:",
        "",
        f"    {command}",
        "",
        f"Machine: {info['cpu'] or 'unknown CPU'}, {info['cores']} cores, {info['memory']}, "
        f"{info['system']}; Python {info['python']}, WeasyPrint {info['weasyprint']}, "
        f"python-docx {info['python-docx']}; {info['libreoffice'] or 'LibreOffice not installed'}.",
        "",
        "## One department",
        "",
        "Check, DOCX and PDF are medians in a warm process; *build* is the whole command "
        "(`budgetdoc build FILE`: a new process, check + DOCX + PDF + summary) and *LibreOffice* "
        "is `soffice --headless --convert-to pdf` of our DOCX, also a new process: what a user "
        "would otherwise run to get the PDF.",
        "",
        "| example | tables | check | DOCX | PDF | build (new process) | peak memory | "
        "LibreOffice DOCX→PDF |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in documents:
        lines.append(f"| {r['example']} | {r['tables']} | {_s(r['check'])} | {_s(r['docx'])} | "
                     f"{_s(r['pdf'])} | {_s(r['build_process'])} | {r['build_peak_mb']} MB | "
                     f"{_s(r['libreoffice']) if 'libreoffice' in r else '–'} |")
    if scale:
        lines += [
            "",
            "## Many departments",
            "",
            "Generated departments (`benchmarks/make_departments.py N`), built from a folder "
            "with `budgetdoc build DIR -q -j J` into an empty output folder. Peak memory is the "
            "largest resident size of any one process (the main process or a worker). "
            "*Unchanged* is the same command again; *one changed* after editing one "
            "department's file. LibreOffice converts the same DOCX files in one call.",
            "",
            "| departments | 1 worker | 2 workers | per department (2 workers) | peak memory | "
            "unchanged | one changed | LibreOffice, same DOCX files | failed |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for r in scale:
            one, two = r.get("jobs1"), r.get("jobs2")
            peak = max(x["peak_mb"] for x in (one, two) if x)
            office = r.get("libreoffice")
            peer = f"{_s(office['seconds'])} ({_s(office['per_file'])} a file)" if office else "–"
            lines.append(
                f"| {r['departments']} | {_s(one['seconds']) if one else '–'} | "
                f"{_s(two['seconds']) if two else '–'} | "
                f"{_s(two['per_department']) if two else '–'} | {peak} MB | "
                f"{_s(r['unchanged']['seconds'])} | {_s(r['one_changed']['seconds'])} | "
                f"{peer} | "
                f"{r['failed']} |")
    notes = ROOT / "benchmarks" / "performance_notes.md"
    if notes.is_file():
        lines += ["", notes.read_text("utf-8").rstrip()]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[20, 200])
    parser.add_argument("--jobs", type=int, nargs="*", default=[1, 2])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("TMPDIR", tempfile.gettempdir())
    documents = bench_documents(args.runs)
    scale = [bench_scale(size, args.jobs) for size in args.sizes]
    command = "$ .venv/bin/python benchmarks/bench.py " + " ".join(sys.argv[1:])
    text = report(documents, scale, machine(), command.strip())
    print(text)
    if not args.no_write:
        (ROOT / "docs" / "performance.md").write_text(text, encoding="utf-8")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"benchmark process peak: {peak} MB")


if __name__ == "__main__":
    main()
