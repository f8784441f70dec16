"""Mutation fuzzing: the example departments, broken in every way a file can break.

Every mutated file goes through `budgetdoc check` and a build. Properties: the tool never
fails internally (exit 70) or raises; nothing is written outside the output folder; a
failed build leaves the previous output untouched and no temporary file behind.

CI runs BUDGETDOC_FUZZ_EXAMPLES (default 300) cases. The long run, with the figures recorded
in docs/robustness.md, is:  BUDGETDOC_FUZZ_EXAMPLES=3000 .venv/bin/python -m pytest
tests/test_fuzz.py. The build renders the DOCX and the PDF's HTML for every case; WeasyPrint's
layout of that HTML (2–3 s a document) is left out here and tested on real documents in
tests/test_pdf.py and tests/test_cli.py.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
from pathlib import Path
from unittest import mock

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from budgetdoc import build, cli
from budgetdoc.writers import pdf

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples" / "departments").glob("*/2024.yaml"))
SOURCES = [path.read_bytes() for path in EXAMPLES]
VALUES = ["[]", "{}", "true", "null", '"文字"', "1.0e+400", "-5", "0.001", ".nan", "-0",
          "'<b>粗</b>'", '"\\x07"', "'{{ x }}'", "*missing", "&a 1", "|", "99999999999999",
          "2024-13-45", '"../../etc"', "'XX'"]


class Case:
    """A mutated example; its repr names the example and the mutations, not the 30 kB text."""

    def __init__(self, index: int, steps: list[str], data: bytes) -> None:
        self.index, self.steps, self.data = index, steps, data

    def __repr__(self) -> str:
        return f"Case({EXAMPLES[self.index].parent.name}, {self.steps})"


@st.composite
def mutations(draw: st.DrawFn) -> Case:
    index = draw(st.integers(0, len(SOURCES) - 1))
    data = SOURCES[index]
    steps: list[str] = []
    for _ in range(draw(st.integers(1, 3))):
        lines = data.decode("utf-8", "replace").split("\n")
        at = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["drop", "duplicate", "retype", "negate", "key", "splice",
                                     "truncate"]))
        line = lines[at]
        steps.append(f"{kind}@{at + 1}")
        if kind == "drop":
            del lines[at]
        elif kind == "duplicate":
            lines.insert(at, line)
        elif kind == "retype" and ": " in line:
            lines[at] = line.split(": ", 1)[0] + ": " + draw(st.sampled_from(VALUES))
        elif kind == "negate":
            digits = [i for i, ch in enumerate(line) if ch.isdigit()]
            if digits:
                i = draw(st.sampled_from(digits))
                lines[at] = line[:i] + "-" + line[i:]
        elif kind == "key" and ":" in line:
            i = draw(st.integers(0, max(0, line.index(":") - 1)))
            lines[at] = line[:i] + draw(st.sampled_from(["x", "", "  ", "\t", "重"])) + line[i:]
        data = "\n".join(lines).encode("utf-8")
        if kind == "splice":
            i = draw(st.integers(0, len(data)))
            data = data[:i] + draw(st.binary(min_size=1, max_size=8)) + data[i:]
        elif kind == "truncate":
            data = data[:draw(st.integers(0, len(data)))]
    return Case(index, steps, data)


def _files(folder: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _html_only(document, fonts_dir=None, profile="default") -> bytes:
    return pdf.render_html(document, fonts_dir, profile).encode("utf-8")


@settings(max_examples=int(os.environ.get("BUDGETDOC_FUZZ_EXAMPLES", "300")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutations())
def test_mutated_departments_never_break_the_tool(case: Case) -> None:
    index, data = case.index, case.data
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        source = root / "in" / EXAMPLES[index].parent.name / "2024.yaml"
        source.parent.mkdir(parents=True)
        source.write_bytes(data)
        out = root / "out"
        previous = out / "2024" / "旧部门" / "旧部门2024年部门预算公开.docx"
        previous.parent.mkdir(parents=True)
        previous.write_bytes(b"previous good output")

        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            status = cli.main(["check", str(source)])
        assert status in (0, 1), status

        before = _files(out)
        with mock.patch.object(pdf, "render", _html_only):
            built = build.build_one(source, out)
        after = _files(out)
        event("built" if built.ok else "refused with a message")
        assert {p for p in _files(root) if out not in p.parents} == {source}
        assert not [p for p in after if p.name.endswith(".tmp")]
        if built.ok:
            assert status == 0
            assert set(after) - set(before) == set(built.outputs)
        else:
            assert status == 1 and after == before
        assert after[previous] == b"previous good output"
