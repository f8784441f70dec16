"""How fast budgetdoc checks and builds, measured beside LibreOffice (a benchmark, not a test).

    .venv/bin/python benchmarks/bench.py                 # everything; rewrites docs/performance.md
    .venv/bin/python benchmarks/bench.py --sizes 20      # a shorter scale run
    .venv/bin/python benchmarks/bench.py --no-write      # print, leave the docs alone
    .venv/bin/python benchmarks/bench.py --baseline DIR  # also another checkout, alternating
    .venv/bin/python benchmarks/bench.py --from-results build/bench/results.json  # report only

Documents: for each example department that checks, check, DOCX and PDF in a warm process
(median of runs), the full build as a new process (`budgetdoc build FILE`) and LibreOffice
converting our DOCX to PDF as a new process: what a user would otherwise do to get a PDF.

Scale: N generated departments (benchmarks/make_departments.py) built with 1 and 2 worker
processes, the rebuild after one department changes, the rebuild when nothing changed, the
CPU time per department, the peak memory of the largest process, and LibreOffice converting
the same N DOCX files in one call (its fastest way) in the same run.

The machine may be shared: what counts are ratios within one run. --baseline DIR runs the
same commands with another checkout's code (say `git archive main | tar -x -C DIR`), taking
turns with this one, so that both meet the same load. Work files go to build/bench/.
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
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
BUILDS = 3  # new-process builds and LibreOffice conversions per example (--builds)

# name → (command, extra environment); "baseline" is added by --baseline
TOOLS: dict[str, tuple[list[str], dict[str, str]]] = {
    "budgetdoc": ([str(ROOT / ".venv" / "bin" / "budgetdoc")], {}),
}


def median_time(action, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measured(command: list[str], env: dict[str, str] | None = None) -> dict:
    """Run a command in a fresh wrapper: seconds, exit status, CPU seconds of every process
    it ran (workers included) and the peak resident size of any one of them, in MB.

    The wrapper's RUSAGE_CHILDREN covers the command and every process it waited for.
    """
    probe = ("import resource, subprocess, sys, time, json\n"
             "t = time.perf_counter()\n"
             "status = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n"
             "seconds = time.perf_counter() - t\n"
             "use = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
             "print(json.dumps([seconds, status, use.ru_utime + use.ru_stime, use.ru_maxrss]))\n")
    out = subprocess.run([sys.executable, "-c", probe, *command], check=True,
                         capture_output=True, text=True, env={**os.environ, **(env or {})}).stdout
    seconds, status, cpu, peak_kb = json.loads(out)
    return {"seconds": seconds, "status": status, "cpu": cpu, "peak_mb": peak_kb // 1024}


def build(tool: str, *args: str) -> dict:
    command, env = TOOLS[tool]
    return measured([*command, "build", *args, "-q"], env)


def libreoffice(files: list[Path], outdir: Path, profile: Path) -> dict:
    """LibreOffice converting `files` to PDF in one call (a new process): seconds, CPU."""
    assert SOFFICE
    run = measured([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(outdir), *map(str, files)])
    assert run["status"] == 0, run
    return run


def spread(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


# --- documents ------------------------------------------------------------------------------

def bench_documents(runs: int) -> list[dict]:
    from budgetdoc import pipeline
    from budgetdoc.writers import docx, pdf

    rows = []
    office_profile = WORK / "lo-profile"
    for source in sorted((ROOT / "examples" / "departments").glob("*/2024.yaml")):
        result = pipeline.run(source)
        document = result.document
        if document is None or result.department is None or not result.ok:
            continue
        profile = result.department.profile.name
        row: dict = {"example": source.parent.name, "department": document.department,
                     "tables": len(document.tables())}
        row["check"] = median_time(lambda s=source: pipeline.run(s), runs)
        row["docx"] = median_time(
            lambda d=document, p=profile: docx.render(d, profile=p), runs)
        row["pdf"] = median_time(
            lambda d=document, p=profile: pdf.render(d, profile=p), max(1, runs // 2))
        builds: dict[str, list[dict]] = {tool: [] for tool in TOOLS}
        office = []
        for turn in range(BUILDS):
            for tool in TOOLS:
                out = WORK / "documents" / tool / source.parent.name
                builds[tool].append(build(tool, str(source), "-o", str(out), "--force"))
            if SOFFICE:
                docx_file = next(
                    (WORK / "documents" / "budgetdoc" / source.parent.name).rglob("*.docx"))
                if turn == 0:
                    libreoffice([docx_file], WORK / "lo-warmup", office_profile)  # a new one
                office.append(libreoffice([docx_file], WORK / "lo-documents", office_profile))
        for tool, runs_of_tool in builds.items():
            assert all(b["status"] == 0 for b in runs_of_tool), (source, tool, runs_of_tool)
            pdf_file = next((WORK / "documents" / tool / source.parent.name).rglob("*.pdf"))
            row[tool] = {"seconds": spread([b["seconds"] for b in runs_of_tool]),
                         "cpu": statistics.median(b["cpu"] for b in runs_of_tool),
                         "peak_mb": max(b["peak_mb"] for b in runs_of_tool),
                         "pdf_bytes": pdf_file.stat().st_size}
        if office:
            row["libreoffice"] = spread([run["seconds"] for run in office])
            row["libreoffice_cpu"] = statistics.median(run["cpu"] for run in office)
        rows.append(row)
        print(json.dumps(row, ensure_ascii=False), flush=True)
    return rows


# --- scale ----------------------------------------------------------------------------------

def bench_scale(size: int, jobs: list[int], repeat: int) -> dict:
    folder = WORK / f"departments-{size}"
    shutil.rmtree(folder, ignore_errors=True)
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_departments.py"), str(size),
                    "-o", str(folder)], check=True, stdout=subprocess.DEVNULL)
    row: dict = {"departments": size}
    outputs = {tool: WORK / f"output-{size}-{tool}" for tool in TOOLS}
    for workers in jobs:
        runs: dict[str, list[dict]] = {tool: [] for tool in TOOLS}
        for turn in range(repeat):
            order = list(outputs.items())
            for tool, out in order if turn % 2 == 0 else order[::-1]:
                shutil.rmtree(out, ignore_errors=True)
                run = build(tool, str(folder), "-o", str(out), "-j", str(workers))
                runs[tool].append(run)
                print(json.dumps({"departments": size, "jobs": workers, tool: run}), flush=True)
        for tool, found in runs.items():
            row.setdefault(tool, {})[f"jobs{workers}"] = {
                "seconds": spread([r["seconds"] for r in found]),
                "cpu_per_department": statistics.median(r["cpu"] for r in found) / size,
                "peak_mb": max(r["peak_mb"] for r in found),
                "status": max(r["status"] for r in found)}
    last = str(max(jobs))
    for tool, out in outputs.items():
        row[tool]["unchanged"] = build(tool, str(folder), "-o", str(out), "-j", last)
    one = sorted(folder.glob("*/2024.yaml"))[size // 2]
    one.write_text(one.read_text("utf-8") + "# 更正\n", encoding="utf-8")
    for tool, out in outputs.items():
        row[tool]["one_changed"] = build(tool, str(folder), "-o", str(out), "-j", last)
        summary = json.loads((out / "2024" / "summary.json").read_text("utf-8"))
        row[tool]["failed"] = sum(d["status"] not in ("ok", "warnings")
                                  for d in summary["departments"])
    docx_files = sorted(outputs["budgetdoc"].rglob("*.docx"))
    if SOFFICE:
        profile = WORK / "lo-profile"
        libreoffice(docx_files[:1], WORK / "lo-warmup", profile)
        lo_out = WORK / f"lo-{size}"
        shutil.rmtree(lo_out, ignore_errors=True)
        run = libreoffice(docx_files, lo_out, profile)
        row["libreoffice"] = {**run, "files": len(docx_files),
                              "per_file": run["seconds"] / max(1, len(docx_files))}
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
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    return {"cpu": cpu, "cores": os.cpu_count(), "memory": memory_gb,
            "system": f"{platform.system()} {platform.release()}", "load": load,
            "python": platform.python_version(), "weasyprint": metadata.version("weasyprint"),
            "python-docx": metadata.version("python-docx"), "libreoffice": office}


def _s(seconds: float) -> str:
    return f"{seconds:.2f} s"


def _range(values: dict) -> str:
    return f"{_s(values['median'])} ({values['min']:.2f}–{values['max']:.2f})"


def _kb(size: int) -> str:
    return f"{size / 1024:.0f} KB"


def _ratio(part: float, whole: float) -> str:
    return f"{part / whole:.2f}×"


def document_lines(documents: list[dict]) -> list[str]:
    lines = [
        "## One department",
        "",
        "Check, DOCX and PDF are medians in a warm process; *build* is the whole command "
        f"(`budgetdoc build FILE`: a new process, check + DOCX + PDF + summary), the median "
        f"of {BUILDS} with the fastest and slowest, and *LibreOffice* is `soffice --headless "
        "--convert-to pdf` of our DOCX, also a new process: what a user would otherwise run "
        "to get the PDF. *CPU* adds up every process of the build.",
        "",
    ]
    for tool in TOOLS:
        lines += [f"**{tool}**" + ("" if tool == "budgetdoc" else " (the other checkout, "
                                   "taking turns with budgetdoc)"), "",
                  "| example | tables | check | DOCX | PDF | PDF size | build (new process) | "
                  "CPU | peak memory | LibreOffice DOCX→PDF | its CPU | build ÷ LibreOffice |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for r in documents:
            mine, office = r[tool], r.get("libreoffice")
            warm = (f"{_s(r['check'])} | {_s(r['docx'])} | {_s(r['pdf'])}"
                    if tool == "budgetdoc" else "– | – | –")
            lines.append(
                f"| {r['example']} | {r['tables']} | {warm} | {_kb(mine['pdf_bytes'])} | "
                f"{_range(mine['seconds'])} | {_s(mine['cpu'])} | {mine['peak_mb']} MB | "
                f"{_range(office) if office else '–'} | "
                f"{_s(r['libreoffice_cpu']) if office else '–'} | "
                f"{_ratio(mine['seconds']['median'], office['median']) if office else '–'} |")
        lines.append("")
    return lines


def scale_lines(scale: list[dict]) -> list[str]:
    lines = [
        "## Many departments",
        "",
        "Generated departments (`benchmarks/make_departments.py N`), built from a folder "
        "with `budgetdoc build DIR -q -j J` into an empty output folder (median of the runs "
        "taken in turns, fastest and slowest in brackets). *CPU per department* "
        "adds up every process (main and workers) and divides by N. Peak memory is the "
        "largest resident size of any one process. *Unchanged* is the same command again; "
        "*one changed* after editing one department's file. LibreOffice converts the same "
        "DOCX files in one call.",
        "",
        "| departments | code | workers | seconds | CPU per department | peak memory | "
        "unchanged | one changed | failed |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in scale:
        for tool in TOOLS:
            mine = r[tool]
            for key in sorted(k for k in mine if k.startswith("jobs")):
                run = mine[key]
                lines.append(
                    f"| {r['departments']} | {tool} | {key[4:]} | {_range(run['seconds'])} | "
                    f"{_s(run['cpu_per_department'])} | {run['peak_mb']} MB | "
                    f"{_s(mine['unchanged']['seconds'])} | "
                    f"{_s(mine['one_changed']['seconds'])} | {mine['failed']} |")
        office = r.get("libreoffice")
        if office:
            lines.append(f"| {r['departments']} | LibreOffice | 1 | {_s(office['seconds'])} "
                         f"({_s(office['per_file'])} a file) | "
                         f"{_s(office['cpu'] / office['files'])} | {office['peak_mb']} MB "
                         "| | | |")
    return [*lines, ""]


def report(documents: list[dict], scale: list[dict], info: dict, command: str) -> str:
    lines = [
        "# Performance",
        "",
        "Measured by `benchmarks/bench.py` (not by tests), with:",
        "",
        f"    {command}",
        "",
        f"Machine: {info['cpu'] or 'unknown CPU'}, {info['cores']} cores, {info['memory']}, "
        f"{info['system']}, load average at the end {info['load']}; Python {info['python']}, "
        f"WeasyPrint {info['weasyprint']}, python-docx {info['python-docx']}; "
        f"{info['libreoffice'] or 'LibreOffice not installed'}.",
        "",
        *document_lines(documents),
    ]
    if scale:
        lines += scale_lines(scale)
    notes = ROOT / "benchmarks" / "performance_notes.md"
    if notes.is_file():
        lines += [notes.read_text("utf-8").rstrip()]
    return "\n".join(lines).rstrip() + "\n"


def main() -> None:
    global BUILDS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[20, 200])
    parser.add_argument("--jobs", type=int, nargs="*", default=[1, 2])
    parser.add_argument("--runs", type=int, default=5, help="warm-process runs")
    parser.add_argument("--builds", type=int, default=BUILDS, help="new-process builds")
    parser.add_argument("--repeat", type=int, default=1, help="scale runs of each code")
    parser.add_argument("--baseline", type=Path, default=None,
                        help="another checkout whose code runs the same commands in turns")
    parser.add_argument("--no-documents", action="store_true")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--from-results", type=Path, default=None,
                        help="only write the report again from a run's results.json")
    args = parser.parse_args()
    if args.baseline:
        TOOLS["baseline"] = ([sys.executable, "-m", "budgetdoc.cli"],
                             {"PYTHONPATH": str(args.baseline.resolve() / "src")})
    BUILDS = args.builds
    if args.from_results:
        results = json.loads(args.from_results.read_text("utf-8"))
        BUILDS = results.get("builds", BUILDS)
        if any("baseline" in row for row in results["documents"]):
            TOOLS.setdefault("baseline", ([], {}))
        text = report(results["documents"], results["scale"], results["machine"],
                      results["command"])
        (ROOT / "docs" / "performance.md").write_text(text, encoding="utf-8")
        return
    WORK.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("TMPDIR", tempfile.gettempdir())
    documents = [] if args.no_documents else bench_documents(args.runs)
    scale = [bench_scale(size, args.jobs, args.repeat) for size in args.sizes]
    command = "$ .venv/bin/python benchmarks/bench.py " + " ".join(sys.argv[1:])
    info = machine()
    (WORK / "results.json").write_text(json.dumps(
        {"documents": documents, "scale": scale, "machine": info, "builds": BUILDS,
         "command": command.strip()}, indent=1, ensure_ascii=False), encoding="utf-8")
    text = report(documents, scale, info, command.strip())
    print(text)
    if not args.no_write:
        (ROOT / "docs" / "performance.md").write_text(text, encoding="utf-8")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"benchmark process peak: {peak} MB")


if __name__ == "__main__":
    main()
