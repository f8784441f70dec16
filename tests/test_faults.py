"""A batch build under faults (issue 14): a full disk, a killed worker, a killed or interrupted
main process, links inside the output folder, two builds at once, a damaged state, leftover
temporary files, unread data files, a department too large for the memory.

Each fault is made for real where the machine allows it (a small tmpfs for a full disk, which
needs root and `mount`; a real `kill -9`; real symbolic links; real separate processes), and
simulated where it cannot be made on every machine, so that CI always covers the logic.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from budgetdoc import cli, datafiles, job, outdir, workers
from budgetdoc.ledger import FUNCTION, Filter, Ledger, Line
from conftest import MINIMAL

DOCX, PDF = "甲局2024年部门预算公开.docx", "甲局2024年部门预算公开.pdf"


def department(name: str, text: str = MINIMAL) -> str:
    return text.replace("department: 测试局", f"department: {name}")


def changed(name: str) -> str:
    """A department's file after an edit that changes its documents."""
    return department(name).replace("缴费基数提高", "缴费基数上调")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Three valid departments, as a bureau keeps them."""
    root = tmp_path / "departments"
    for slug, name in [("a", "甲局"), ("c", "丙局"), ("d", "丁局")]:
        (root / slug).mkdir(parents=True)
        (root / slug / "2024.yaml").write_text(department(name), encoding="utf-8")
    return root


def build(capsys, *args: str) -> tuple[int, str, str]:
    status = cli.main(["build", *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def files(root: Path) -> dict[str, bytes]:
    """Every file under `root` (not following links) and its content."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not p.is_symlink()}


def department_files(out: Path, name: str = "甲局") -> dict[str, bytes]:
    """A department's documents and check report."""
    return {f: content for f, content in files(out).items()
            if f.startswith(f"2024/{name}/") or f == f"2024/检查报告/{name}.html"}


def temporaries(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if outdir.TEMPORARY.match(p.name)]


def summary(out: Path) -> dict[str, dict]:
    data = json.loads((out / "2024" / "summary.json").read_text("utf-8"))
    return {d["department"]: d for d in data["departments"]}


def wait_for(condition: Callable[[], object], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)


def gone(pid: int) -> bool:
    """The process has ended (a zombie nobody reaps counts as ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state in ("Z", "X")


@contextlib.contextmanager
def tmpfs(path: Path, size: str) -> Iterator[Path]:
    """A real small file system (root and `mount` needed, else the test is skipped)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                          capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace')}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=True)


# --- a full disk: every output of a department, or none -----------------------------------

def test_a_full_disk_keeps_every_old_file_of_the_department(folder: Path, tmp_path: Path,
                                                            capsys) -> None:
    """The new DOCX fits on the disk, the PDF does not: neither is replaced."""
    with tmpfs(tmp_path / "disk", "4m") as disk:
        out = disk / "out"
        assert build(capsys, str(folder / "a"), "-o", str(out))[0] == 0
        before = department_files(out)
        docx_size = len(before[f"2024/甲局/{DOCX}"])
        assert len(before[f"2024/甲局/{PDF}"]) > 64 * 1024
        (folder / "a" / "2024.yaml").write_text(changed("甲局"), encoding="utf-8")
        free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
        (disk / "filler").write_bytes(b"\0" * (free - docx_size - 32 * 1024))

        status, _stdout, stderr = build(capsys, str(folder / "a"), "-o", str(out))

        assert status == 4 and "Traceback" not in stderr
        assert "磁盘空间不足" in stderr and "数据有错误" not in stderr
        assert department_files(out) == before  # the old DOCX, the old PDF, the old report
        assert temporaries(disk) == []
        row = summary(out)["甲局"]
        assert row["status"] == "environment" and row["previous"] is True
        assert "磁盘空间不足" in row["detail"] and set(row["links"]) == {"docx", "pdf", "xlsx", "report"}
        (disk / "filler").unlink()
        assert build(capsys, str(folder / "a"), "-o", str(out))[0] == 0  # room again: built
        assert department_files(out)[f"2024/甲局/{DOCX}"] != before[f"2024/甲局/{DOCX}"]


def test_a_write_that_fails_for_space_keeps_every_old_file(folder: Path, tmp_path: Path,
                                                           capsys, monkeypatch) -> None:
    """The same fault without a tmpfs: the PDF's write raises ENOSPC (in the worker)."""
    out = tmp_path / "out"
    assert build(capsys, str(folder / "a"), "-o", str(out))[0] == 0
    before = department_files(out)
    (folder / "a" / "2024.yaml").write_text(changed("甲局"), encoding="utf-8")
    real = outdir.write_all

    def full(fd: int, content: bytes) -> None:
        if ".pdf." in os.readlink(f"/proc/self/fd/{fd}"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(fd, content)

    monkeypatch.setattr(outdir, "write_all", full)  # the forked workers inherit it
    status, _, stderr = build(capsys, str(folder / "a"), "-o", str(out))
    assert status == 4 and "磁盘空间不足" in stderr
    assert department_files(out) == before and temporaries(out) == []


def test_a_set_cut_between_two_renames_is_completed_by_the_next_run(tmp_path: Path) -> None:
    """A process killed after the first rename of a set (SIGKILL: nothing can wait for it)
    leaves a journal; the next run completes the set, so no old file stays beside a new."""
    out = tmp_path / "out"
    (out / "d").mkdir(parents=True)
    for name in ("a.docx", "a.pdf"):
        (out / "d" / name).write_bytes(b"old")
    pid = os.fork()
    if pid == 0:  # the child dies at its second rename
        real, calls = os.replace, []

        def dying(*args, **kwargs):
            calls.append(args)
            if len(calls) == 3:  # the journal's own rename, then the DOCX, then: killed
                os.kill(os.getpid(), signal.SIGKILL)
            real(*args, **kwargs)

        os.replace = dying
        with outdir.OutputFolder(out) as folder:
            folder.write_set({"d/a.docx": b"new", "d/a.pdf": b"new"})
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status)
    assert {p.name: p.read_bytes() for p in (out / "d").glob("a.*")} == {
        "a.docx": b"new", "a.pdf": b"old"}  # the split pair a killed process leaves
    with outdir.OutputFolder(out) as folder:
        assert folder.finish_interrupted() == 1
        assert folder.remove_temporaries() == []
    assert {p.name: p.read_bytes() for p in (out / "d").glob("a.*")} == {
        "a.docx": b"new", "a.pdf": b"new"}
    assert list((out / ".budgetdoc" / "commits").iterdir()) == []


def test_an_interrupted_write_of_a_set_leaves_every_old_file(tmp_path: Path,
                                                             monkeypatch) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with outdir.OutputFolder(out) as folder:
        folder.write_set({"d/a.docx": b"old", "d/a.pdf": b"old"})
        real = outdir.write_all

        def interrupted(fd: int, content: bytes) -> None:
            if ".pdf." in os.readlink(f"/proc/self/fd/{fd}"):
                raise KeyboardInterrupt
            real(fd, content)

        monkeypatch.setattr(outdir, "write_all", interrupted)
        with pytest.raises(KeyboardInterrupt):
            folder.write_set({"d/a.docx": b"new", "d/a.pdf": b"new"})
    assert files(out) == {"d/a.docx": b"old", "d/a.pdf": b"old"}


# --- files a clerk's tools name differently -------------------------------------------------

def test_every_spelling_of_a_year_file_is_read_and_every_other_data_file_named(
        tmp_path: Path, capsys) -> None:
    root = tmp_path / "departments"
    for relative, name in [("a/2024.yml", "甲局"), ("b/2024.YAML", "乙局"),
                           ("c/2024年.yaml", "丙局"), ("d/2024.yaml", "丁局"),
                           ("d/2024 - 副本.yaml", "丁局"), ("e/2024(1).yaml", "戊局"),
                           ("f/２０２４.yaml", "己局")]:
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(department(name), encoding="utf-8")
    assert cli.main(["check", str(root)]) == 0
    captured = capsys.readouterr()
    assert "5 个文件：0 个错误" in captured.out
    for read in ("a/2024.yml", "b/2024.YAML", "c/2024年.yaml", "d/2024.yaml", "f/２０２４.yaml"):
        assert f"{root / read}：未发现问题" in captured.out
    unread = [line for line in captured.err.splitlines() if line.startswith("未读取")]
    assert [line.split("（")[0] for line in unread] == [
        f"未读取：{root / 'd' / '2024 - 副本.yaml'}", f"未读取：{root / 'e' / '2024(1).yaml'}"]


def test_a_build_names_the_files_it_did_not_read_in_the_summary(tmp_path: Path,
                                                               capsys) -> None:
    root = tmp_path / "departments"
    (root / "c").mkdir(parents=True)
    (root / "c" / "2024年.yaml").write_text(department("丙局"), encoding="utf-8")
    (root / "c" / "2024(1).yaml").write_text(department("丙局"), encoding="utf-8")
    status, _, stderr = build(capsys, str(root), "-o", str(tmp_path / "out"))
    assert status == 0 and "未读取" in stderr
    data = json.loads((tmp_path / "out" / "2024" / "summary.json").read_text("utf-8"))
    assert data["unused_files"] == [str(root / "c" / "2024(1).yaml")]
    assert "2024(1).yaml" in (tmp_path / "out" / "2024" / "index.html").read_text("utf-8")


def test_each_file_name_pattern_names_a_kind_of_document() -> None:
    from budgetdoc.resources import data_file

    kinds = {entry["kind"] for entry in data_file("files.yaml")["names"]}
    assert kinds <= set(data_file("kinds.yaml")) and "预算" in kinds


def test_last_years_file_is_found_under_any_accepted_spelling(tmp_path: Path) -> None:
    (tmp_path / "2024.yml").write_text("x", encoding="utf-8")
    (tmp_path / "2023年.YAML").write_text("x", encoding="utf-8")
    assert datafiles.prior_file(tmp_path / "2024.yml", 2024) == tmp_path / "2023年.YAML"
    assert datafiles.recognise(tmp_path / "2024 - 副本.yaml") is None
    assert datafiles.recognise(Path("2024年.yaml")) == (2024, "预算")


# --- a killed worker costs only its own department ------------------------------------------

def _blocking(monkeypatch, tmp_path: Path, slug: str) -> Path:
    """Make the worker building folder `slug` record its pid and wait; returns the pid file."""
    pid_file = tmp_path / f"{slug}.pid"
    real = job.prepare

    def waiting(source: Path, *args, **kwargs):
        if source.parent.name == slug:
            pid_file.write_text(str(os.getpid()))
            time.sleep(120)
        return real(source, *args, **kwargs)

    monkeypatch.setattr(job, "prepare", waiting)  # the forked workers inherit it
    return pid_file


def test_a_worker_killed_by_the_system_fails_only_its_department(
        folder: Path, tmp_path: Path, capsys, monkeypatch) -> None:
    out = tmp_path / "out"
    assert build(capsys, str(folder), "-o", str(out), "-j", "2")[0] == 0
    before = files(out)
    for slug, name in [("a", "甲局"), ("c", "丙局"), ("d", "丁局")]:
        (folder / slug / "2024.yaml").write_text(changed(name), encoding="utf-8")
    pid_file = _blocking(monkeypatch, tmp_path, "c")

    def kill() -> None:
        wait_for(pid_file.exists)
        os.kill(int(pid_file.read_text()), signal.SIGKILL)  # as the out-of-memory killer does

    killer = threading.Thread(target=kill)
    killer.start()
    status, stdout, stderr = build(capsys, str(folder), "-o", str(out), "-j", "2")
    killer.join()

    assert status == 4 and "Traceback" not in stderr and "BrokenProcessPool" not in stdout
    rows = summary(out)
    assert {n: r["status"] for n, r in rows.items()} == {
        "甲局": "ok", "丙局": "environment", "丁局": "ok"}
    assert "信号 9" in rows["丙局"]["detail"] and "可能是内存不足" in rows["丙局"]["detail"]
    after = files(out)
    for name in ("丙局2024年部门预算公开.docx", "丙局2024年部门预算公开.pdf"):
        assert after[f"2024/丙局/{name}"] == before[f"2024/丙局/{name}"]
    assert after["2024/检查报告/丙局.html"] == before["2024/检查报告/丙局.html"]
    assert rows["丙局"]["previous"] and set(rows["丙局"]["links"]) == {"docx", "pdf", "xlsx", "report"}
    assert after[f"2024/甲局/{DOCX}"] != before[f"2024/甲局/{DOCX}"]  # the others were built


def test_a_department_too_large_for_the_memory_fails_alone(folder: Path, tmp_path: Path,
                                                          capsys, monkeypatch) -> None:
    limit = workers.resident_memory() + 400 * 2**20
    monkeypatch.setattr(workers, "memory_limit", lambda count: limit)
    real = job.prepare

    def huge(source: Path, *args, **kwargs):
        if source.parent.name == "c":
            ballast = bytearray(limit)  # a layout that keeps growing
            time.sleep(30)
            del ballast
        return real(source, *args, **kwargs)

    monkeypatch.setattr(job, "prepare", huge)
    status, _stdout, stderr = build(capsys, str(folder), "-o", str(tmp_path / "out"), "-j", "2")
    assert status == 4 and "Traceback" not in stderr
    rows = summary(tmp_path / "out")
    assert rows["丙局"]["status"] == "environment" and "文档太大" in rows["丙局"]["detail"]
    assert rows["甲局"]["status"] == rows["丁局"]["status"] == "ok"


def test_the_ledger_looks_only_at_the_lines_a_figure_can_sum(monkeypatch) -> None:
    """A table cell sums its own lines: no scan of the whole ledger per cell, which made a
    department of 400 projects quadratic."""
    lines = [Line(("projects", i, s), FUNCTION, 1, s, "project", f"20103{i % 90:02d}",
                  project=f"项目{i}") for i in range(500) for s in ("general_budget", "other")]
    ledger = Ledger(lines)
    looked = []
    real = Filter.admits
    monkeypatch.setattr(Filter, "admits", lambda self, line: looked.append(1) or real(self, line))
    assert ledger.total(Filter(project="项目7")).value == 2
    assert len(looked) == 2
    looked.clear()
    assert ledger.total(Filter(function="2010307")).value == 12
    assert len(looked) == 12


# --- the main process ends: so do its workers ----------------------------------------------

HOOKED = """
import os, sys, time
from pathlib import Path
import budgetdoc.job as job
real = job.prepare
def prepare(source, *args, **kwargs):
    if source.parent.name in os.environ["BLOCK"].split(","):
        Path(os.environ["PIDS"], str(os.getpid())).write_text(source.parent.name)
        time.sleep(120)
    return real(source, *args, **kwargs)
job.prepare = prepare
from budgetdoc import cli
sys.exit(cli.main(sys.argv[1:]))
"""


def hooked_build(tmp_path: Path, block: str, *args: str) -> tuple[subprocess.Popen, Path]:
    """A real `budgetdoc build` in its own process group whose worker for `block` waits."""
    pids = tmp_path / f"pids-{time.monotonic_ns()}"
    pids.mkdir()
    env = {**os.environ, "BLOCK": block, "PIDS": str(pids)}
    process = subprocess.Popen([sys.executable, "-c", HOOKED, "build", *args], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               start_new_session=True)
    return process, pids


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_workers_end_when_the_main_process_is_killed(folder: Path, tmp_path: Path,
                                                     how: signal.Signals) -> None:
    out = tmp_path / "out"
    process, pids = hooked_build(tmp_path, "a,c", str(folder), "-o", str(out), "-j", "2")
    try:
        wait_for(lambda: len(list(pids.iterdir())) == 2)
        worker_pids = [int(p.name) for p in pids.iterdir()]
        process.send_signal(how)
        _stdout, stderr = process.communicate(timeout=30)  # the pipe closes: no worker holds it
        wait_for(lambda: all(gone(pid) for pid in worker_pids), 10)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    if how == signal.SIGTERM:
        assert process.returncode == 130 and "已中断" in stderr.decode()
    assert temporaries(out) == []


def test_ctrl_c_stops_the_batch_and_keeps_every_guarantee(folder: Path, tmp_path: Path,
                                                          capsys) -> None:
    out = tmp_path / "out"
    assert build(capsys, str(folder), "-o", str(out), "-j", "2")[0] == 0
    before = files(out)
    for slug, name in [("a", "甲局"), ("c", "丙局")]:
        (folder / slug / "2024.yaml").write_text(changed(name), encoding="utf-8")
    process, pids = hooked_build(tmp_path, "c", str(folder), "-o", str(out), "-j", "2")
    try:  # 甲局 is built while 丙局's worker waits
        wait_for(lambda: files(out).get(f"2024/甲局/{DOCX}") != before[f"2024/甲局/{DOCX}"])
        time.sleep(1)  # the main process takes 甲局's outcome
        os.killpg(process.pid, signal.SIGINT)  # what a terminal sends on Ctrl-C
        _, stderr = process.communicate(timeout=30)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    assert process.returncode == 130, stderr.decode()
    assert "已中断" in stderr.decode() and "Traceback" not in stderr.decode()
    wait_for(lambda: all(gone(int(p.name)) for p in pids.iterdir()), 10)
    after = files(out)
    assert all(after[f] == before[f] for f in before if "丙局" in f)  # 丙局 as it was
    assert temporaries(out) == []
    state = json.loads((out / ".budgetdoc" / "state.json").read_text("utf-8"))
    recorded = {e["department"]: e for e in state["departments"].values()}
    assert recorded["甲局"]["hashes"] != recorded["丙局"]["hashes"]
    assert after[f"2024/甲局/{DOCX}"] != before[f"2024/甲局/{DOCX}"]
    status, stdout, _ = build(capsys, str(folder), "-o", str(out), "-j", "2")
    assert status == 0 and "生成 1，未改动跳过 2" in stdout, stdout


# --- nothing written, linked or deleted outside the output folder ---------------------------

@pytest.mark.parametrize("link", ["2024/甲局", "2024/检查报告"])
def test_a_linked_folder_inside_the_output_is_never_written_through(
        folder: Path, tmp_path: Path, capsys, link: str) -> None:
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    elsewhere.mkdir()
    (out / link).parent.mkdir(parents=True)
    (out / link).symlink_to(elsewhere, target_is_directory=True)
    status, _stdout, stderr = build(capsys, str(folder / "a"), "-o", str(out))
    assert status == 4 and "符号链接" in stderr and link in stderr
    assert list(elsewhere.iterdir()) == []
    assert summary(out)["甲局"]["status"] == "environment"


def test_a_linked_state_folder_stops_the_run_before_anything_is_written(
        folder: Path, tmp_path: Path, capsys) -> None:
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    elsewhere.mkdir()
    out.mkdir()
    (out / ".budgetdoc").symlink_to(elsewhere, target_is_directory=True)
    status, _, stderr = build(capsys, str(folder / "a"), "-o", str(out))
    assert status == 4 and "符号链接" in stderr and ".budgetdoc" in stderr
    assert list(elsewhere.iterdir()) == [] and not (out / "2024").exists()


def test_the_output_folder_named_may_itself_be_a_link(folder: Path, tmp_path: Path,
                                                     capsys) -> None:
    """Only what is inside the output folder is never followed: the folder the user names
    is theirs to choose."""
    (tmp_path / "real").mkdir()
    (tmp_path / "out").symlink_to(tmp_path / "real", target_is_directory=True)
    assert build(capsys, str(folder / "a"), "-o", str(tmp_path / "out"))[0] == 0
    assert (tmp_path / "real" / "2024" / "甲局" / DOCX).is_file()


def test_paths_from_a_tampered_state_file_are_never_used(folder: Path, tmp_path: Path,
                                                         capsys) -> None:
    out = tmp_path / "out"
    build(capsys, str(folder / "a"), "-o", str(out))
    victims = {name: tmp_path / name for name in ("victim.pdf", "victim.html")}
    for path in victims.values():
        path.write_text("keep", encoding="utf-8")
    state_file = out / ".budgetdoc" / "state.json"
    state = json.loads(state_file.read_text("utf-8"))
    (entry,) = state["departments"].values()
    entry.update(outputs=["../victim.pdf", "2024/甲局/" + DOCX], report="../victim.html",
                 fingerprint="changed")
    state_file.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
    (folder / "a" / "2024.yaml").write_text(department("甲厅"), encoding="utf-8")  # renamed
    status, _, stderr = build(capsys, str(folder / "a"), "-o", str(out))
    assert status == 0 and "1 条记录格式不对" in stderr
    assert all(p.read_text("utf-8") == "keep" for p in victims.values())
    assert "../" not in (out / "2024" / "index.html").read_text("utf-8")


# --- one build at a time --------------------------------------------------------------------

def test_a_second_build_into_the_same_output_is_refused_naming_the_first(
        folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    other = tmp_path / "others"
    (other / "e").mkdir(parents=True)
    (other / "e" / "2024.yaml").write_text(department("戊局"), encoding="utf-8")
    first, pids = hooked_build(tmp_path, "c", str(folder), "-o", str(out), "-j", "1")
    try:
        wait_for(lambda: list(pids.iterdir()))
        second = subprocess.run([sys.executable, "-m", "budgetdoc.cli", "build", str(other),
                                 "-o", str(out)], capture_output=True, text=True, timeout=120)
    finally:
        first.send_signal(signal.SIGTERM)
        first.communicate(timeout=30)
    assert second.returncode == 4, second.stderr
    assert f"进程 {first.pid}" in second.stderr and "正由另一次生成使用" in second.stderr
    assert not (out / "2024" / "戊局").exists()


# --- a state file that is not what we wrote -------------------------------------------------

def test_a_state_record_of_the_wrong_types_is_dropped_with_a_note(folder: Path, tmp_path: Path,
                                                                  capsys) -> None:
    out = tmp_path / "out"
    build(capsys, str(folder / "a"), "-o", str(out))
    state_file = out / ".budgetdoc" / "state.json"
    for flag in (["--force"], []):
        state = json.loads(state_file.read_text("utf-8"))
        (entry,) = state["departments"].values()
        entry.update(errors="none", outputs=5, rules=[])  # valid JSON, wrong types
        state_file.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
        status, stdout, stderr = build(capsys, str(folder / "a"), "-o", str(out), *flag)
        assert status == 0 and "Traceback" not in stderr and "生成 1，" in stdout
        assert "状态文件 .budgetdoc/state.json 中有 1 条记录格式不对，已忽略" in stderr


def test_a_document_damaged_in_place_is_built_again(folder: Path, tmp_path: Path,
                                                    capsys) -> None:
    out = tmp_path / "out"
    build(capsys, str(folder / "a"), "-o", str(out))
    pdf = out / "2024" / "甲局" / PDF
    good = pdf.read_bytes()
    pdf.write_bytes(b"\0" * len(good))  # the same size: only its content tells
    status, stdout, _ = build(capsys, str(folder / "a"), "-o", str(out))
    assert status == 0 and "生成 1，未改动跳过 0" in stdout
    assert pdf.read_bytes() == good


# --- the output folder itself ---------------------------------------------------------------

def test_an_output_that_is_a_file_is_a_usage_error(folder: Path, tmp_path: Path,
                                                   capsys) -> None:
    target = tmp_path / "out.pdf"
    target.write_text("x", encoding="utf-8")
    status, _, stderr = build(capsys, str(folder / "a"), "-o", str(target))
    assert status == 2 and "是一个文件" in stderr and "内部错误" not in stderr


def test_a_read_only_output_is_an_environment_error(folder: Path, tmp_path: Path,
                                                    capsys) -> None:
    with tmpfs(tmp_path / "disk", "8m") as disk:
        out = disk / "out"
        assert build(capsys, str(folder / "a"), "-o", str(out))[0] == 0
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        status, _, stderr = build(capsys, str(folder / "a"), "-o", str(out))
        assert status == 4 and "无法写入输出目录" in stderr and "内部错误" not in stderr


def test_a_folder_that_refuses_writes_is_an_environment_error(folder: Path, tmp_path: Path,
                                                              capsys, monkeypatch) -> None:
    """The same without a mount: every new file is refused with EROFS."""
    def refused(*args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    real = os.open
    monkeypatch.setattr(outdir.os, "open", lambda path, flags, *args, **kwargs: refused()
                        if flags & os.O_CREAT else real(path, flags, *args, **kwargs))
    status, _, stderr = build(capsys, str(folder / "a"), "-o", str(tmp_path / "out"))
    assert status == 4 and "无法写入输出目录" in stderr and "内部错误" not in stderr
    assert "所在磁盘只读" in stderr and "Read-only" not in stderr  # the system's reason, in Chinese


# --- temporary files a killed run left -------------------------------------------------------

def test_the_next_run_removes_only_its_own_leftovers_inside_the_output(
        folder: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    build(capsys, str(folder / "a"), "-o", str(out))
    ours = out / "2024" / "甲局" / f".{PDF}.k3x_9q0a.tmp"
    ours.write_bytes(b"half a PDF")
    kept = [out / "2024" / "甲局" / ".notes.tmp", tmp_path / f".{PDF}.k3x_9q0a.tmp"]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    kept.append(elsewhere / f".{PDF}.abcdefgh.tmp")
    (out / "2024" / "linked").symlink_to(elsewhere, target_is_directory=True)
    for path in kept:
        path.write_bytes(b"not ours")
    status, _, stderr = build(capsys, str(folder / "a"), "-o", str(out))
    assert status == 0 and "已删除上次被中断的生成留下的 1 个临时文件" in stderr
    assert not ours.exists() and all(path.exists() for path in kept)
