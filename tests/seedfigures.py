"""Compare the figures a seed prints (hand-transcribed fixtures) with those of our document."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import yaml

FIXTURES = Path(__file__).parent / "fixtures" / "seed_figures"

# seed id → example folder
EXAMPLES = {
    "000": "changji-finance-office",
    "001": "changji-finance-bureau",
    "003": "changji-aid-office",
    "004": "changji-beijing-office",
}


# seed id → (example folder, file) of the final accounts (决算) examples
FINAL_EXAMPLES = {
    "002": ("urumqi-finance-committee", "2024.决算.yaml"),
}


# Every example with golden files (tests/golden/*/<name>.*): the seeds' and the Shanghai
# documents (profile shanghai; 2025 万里 takes last year's figures from the 2024 file beside it).
GOLDEN_EXAMPLES = {
    **{folder: f"{folder}/2024.yaml" for folder in EXAMPLES.values()},
    "sh-putuo-finance-2025": "sh-putuo-finance/2025.yaml",
    "sh-wanli-2024": "sh-wanli/2024.yaml",
    "sh-wanli-2025": "sh-wanli/2025.yaml",
    **{folder: f"{folder}/{name}" for folder, name in FINAL_EXAMPLES.values()},
}


def expected(seed: str) -> dict[str, object]:
    return yaml.safe_load((FIXTURES / f"{seed}.yaml").read_text("utf-8"))


def normal(text: str) -> str:
    return text.replace(",", "").strip()


def table_figures(table: dict) -> Counter[str]:
    """Every non-empty amount printed in a dumped table's body."""
    found: Counter[str] = Counter()
    for row in table["rows"]:
        for cell in row["cells"]:
            value = normal(cell if isinstance(cell, str) else cell["text"])
            if value and value.replace(".", "", 1).isdigit() and "." in value:
                found[value] += 1
    return found


def missing(want: list[str], have: Counter[str]) -> list[str]:
    """Figures of `want` (a multiset) that `have` lacks."""
    pool = Counter(have)
    lost = []
    for figure in map(normal, want):
        if pool[figure] > 0:
            pool[figure] -= 1
        else:
            lost.append(figure)
    return lost


FIGURE = re.compile(r"\d[\d,]*\.\d+")


def section_figures(document: dict, part: int = 2) -> dict[str, Counter[str]]:
    """Figures in the sentences of a part (第三部分 of a 预算, 第二部分 of a 决算), by section
    number (1–12); tables left out."""
    found: dict[str, Counter[str]] = {}
    section = 0
    for block in document["parts"][part]["blocks"]:
        if block["type"] == "heading" and block["level"] == 2:
            section += 1
            found[str(section)] = Counter()
        if block["type"] in ("heading", "paragraph") and section:
            found[str(section)].update(normal(f) for f in FIGURE.findall(block["text"]))
    return found


def parts(text: str, headings: list[str]) -> list[str]:
    """The text of each part of a rendered document: from its heading in the body (after the
    目录, which lists every part heading first) to the next part's heading."""
    # A heading's characters may be split by spaces or line breaks in the extracted text.
    keys = [re.compile(r"\s*".join(map(re.escape, re.sub(r"\s+", "", h)))) for h in headings]
    position = keys[-1].search(text).end()  # the 目录's last entry
    starts = []
    for key in keys:
        position = key.search(text, position).start()
        starts.append(position)
    return [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]


def text_figures(text: str) -> Counter[str]:
    return Counter(normal(f) for f in FIGURE.findall(text))
