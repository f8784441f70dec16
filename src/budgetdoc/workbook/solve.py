"""From the printed figures back to the lines a department file enters.

Every printed amount is the sum of the ledger lines its filter admits. The most detailed
figures (a function 项 by funding source, by 基本/项目, an economic 款, a project's economic
类, a 三公 item, a carry-over item) fix the lines; the totals above them are only checked
afterwards (see workbook.verify). Where the tables leave a choice (which of two sources of one
column pays for the 基本支出 of a 项), any choice prints the same tables; the first source in
sources.yaml order is taken.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..ledger import ECONOMIC, FUNCTION, PROJECT_ECONOMIC, SANGONG, Filter
from ..numbers import ZERO
from ..profile import Profile
from .read import Problem
from .recognise import Fact

Sources = frozenset[str]
SEARCH_LIMIT = 200_000
SPLIT_KINDS = (frozenset({"personnel"}), frozenset({"operating"}))


@dataclass
class Piece:
    code: str
    source: str
    kind: str
    amount: Decimal


class Solver:
    def __init__(self, facts: list[Fact], profile: Profile, items: list[str]) -> None:
        self.profile = profile
        self.order = list(profile.sources)
        self.all = frozenset(self.order)
        self.facts = facts
        self.items = items

    def sources(self, f: Filter) -> Sources:
        return f.sources if f.sources is not None else self.all

    def first(self, sources: Iterable[str]) -> str:
        return min(sources, key=self.order.index)

    def of(self, dimension: str) -> list[Fact]:
        return [f for f in self.facts if f.filter.dimension == dimension]

    # -- the function dimension ------------------------------------------------------------
    def fine_totals(self) -> dict[str, Decimal]:
        """Source → total, from lines printed for one source without code or kind (表 1)."""
        totals: dict[str, Decimal] = {}
        for fact in self.of(FUNCTION):
            f = fact.filter
            if not f.function and f.kinds is None and f.items is None and \
                    f.sources is not None and len(f.sources) == 1:
                totals.setdefault(next(iter(f.sources)), fact.amount)
        return totals

    def function_pieces(self) -> tuple[list[Piece], list[dict[str, Any]]]:
        by_code: dict[str, list[Fact]] = {}
        for fact in self.of(FUNCTION):
            f = fact.filter
            if len(f.function) == 7 and f.items is None and f.project is None:
                by_code.setdefault(f.function, []).append(fact)
        caps = {code: _groups([f for f in facts if f.filter.kinds is None], self)
                for code, facts in sorted(by_code.items())}
        items = self.carryover(caps)
        pieces: list[Piece] = []
        for code, facts in sorted(by_code.items()):
            pieces += self.allocate(code, facts, caps[code],
                                    [p for p in items if p["function"] == code])
        leaves = {group for groups in caps.values() for group in groups}
        return self.split_kinds(self.split_groups(pieces, leaves)), items

    def allocate(self, code: str, facts: list[Fact], caps: dict[Sources, tuple[Decimal, Fact]],
                 items: list[dict[str, Any]]) -> list[Piece]:
        remaining = {group: value for group, (value, _) in caps.items()}
        placed = [Piece(code, i["source"], i["kind"], i["amount"]) for i in items]
        for piece in placed:
            group = next(g for g in remaining if piece.source in g)
            remaining[group] -= piece.amount
        pieces: list[Piece] = []
        kinds = sorted((f for f in facts if f.filter.kinds is not None),
                       key=lambda f: (len(self.sources(f.filter)), f.sheet, f.cell))
        for fact in kinds:
            wanted, kinds_of = self.sources(fact.filter), fact.filter.kinds or frozenset()
            need = fact.amount - sum((p.amount for p in placed + pieces
                                      if p.source in wanted and p.kind in kinds_of), ZERO)
            if need < 0:
                raise Problem("import.inconsistent", fact.sheet, fact.cell, code=code)
            kind = _main_kind(kinds_of)
            for group in sorted(remaining, key=lambda g: self.order.index(self.first(g))):
                usable = group & wanted
                if need <= 0 or not usable or remaining[group] <= 0:
                    continue
                take = min(need, remaining[group])
                pieces.append(Piece(code, self.first(usable), kind, take))
                remaining[group] -= take
                need -= take
            if need > 0:
                raise Problem("import.inconsistent", fact.sheet, fact.cell, code=code)
        for group, left in remaining.items():
            if left != 0:
                fact = caps[group][1]
                rule = "import.kind_unknown" if self.splits_kinds() else "import.no_kinds"
                raise Problem(rule, fact.sheet, fact.cell, code=code)
        return pieces

    def splits_kinds(self) -> bool:
        """Whether some table prints a 项's money by 基本支出 / 项目支出 (a 支出总表)."""
        return any(f.filter.kinds is not None and len(f.filter.function) == 7
                   for f in self.of(FUNCTION))

    def split_groups(self, pieces: list[Piece], groups: set[Sources]) -> list[Piece]:
        """A column of several sources (单位资金) is shared out by the totals printed for each
        source (表 1), in order: any such split prints the same tables."""
        totals = self.fine_totals()
        for group in sorted(groups, key=lambda g: self.order.index(self.first(g))):
            if len(group) < 2 or not all(s in totals for s in group):
                continue
            inside = [p for p in pieces if p.source in group]
            if sum((p.amount for p in inside), ZERO) != sum((totals[s] for s in group), ZERO):
                continue
            rest = [p for p in pieces if p.source not in group]
            wanted = [[s, totals[s]] for s in sorted(group, key=self.order.index)]
            for piece in inside:
                left = piece.amount
                while left > 0:
                    while wanted[0][1] == 0:
                        wanted.pop(0)
                    take = min(left, wanted[0][1])
                    rest.append(Piece(piece.code, wanted[0][0], piece.kind, take))
                    wanted[0][1] -= take
                    left -= take
            pieces = rest
        return pieces

    def split_kinds(self, pieces: list[Piece]) -> list[Piece]:
        """人员经费 and 公用经费 printed by 类 only (the Shanghai unit template's 收支总表): the
        undivided 基本支出 of the 类's 项 is shared out in code order, 人员经费 first, the rest
        公用经费; any such split prints the same tables."""
        printed: dict[str, dict[str, Fact]] = {}
        for fact in self.of(FUNCTION):
            f = fact.filter
            if len(f.function) == 3 and f.items is None and f.kinds in SPLIT_KINDS:
                kind = next(iter(f.kinds or ()))
                printed.setdefault(f.function, {})[kind] = fact
        if not printed:
            return pieces
        left = {code: kinds["personnel"].amount - sum(
                    (p.amount for p in pieces if p.code[:3] == code and p.kind == "personnel"
                     and p.source in self.sources(kinds["personnel"].filter)), ZERO)
                for code, kinds in printed.items() if "personnel" in kinds}
        out: list[Piece] = []
        for piece in pieces:
            kinds = printed.get(piece.code[:3], {})
            if piece.kind != "basic" or "operating" not in kinds or not all(
                    piece.source in self.sources(f.filter) for f in kinds.values()):
                out.append(piece)
                continue
            personnel = max(ZERO, min(piece.amount, left.get(piece.code[:3], ZERO)))
            left[piece.code[:3]] = left.get(piece.code[:3], ZERO) - personnel
            out += [Piece(piece.code, piece.source, kind, amount) for kind, amount in
                    (("personnel", personnel), ("operating", piece.amount - personnel))
                    if amount]
        return out

    def carryover(self, caps: dict[str, dict[Sources, tuple[Decimal, Fact]]]) -> list[
            dict[str, Any]]:
        """Carry-over items (表 11): each to the 项 and source whose columns hold it."""
        found: list[dict[str, Any]] = []
        for index, name in enumerate(self.items):
            leaves = [f for f in self.of(FUNCTION) if f.filter.items == frozenset({str(index)})
                      and f.filter.kinds is not None and f.amount]
            if len(leaves) != 1:
                where = leaves[1] if leaves else next(f for f in self.of(FUNCTION)
                                                      if f.filter.items == frozenset({str(index)}))
                raise Problem("import.item_split", where.sheet, where.cell, name=name)
            leaf = leaves[0]
            found.append({"name": name, "group": self.sources(leaf.filter),
                          "kind": _main_kind(leaf.filter.kinds or frozenset()),
                          "amount": leaf.amount, "fact": leaf})
        if not found:
            return []
        bins = {(code, group): value for code, groups in caps.items()
                for group, (value, _) in groups.items()}
        codes = _assign(found, lambda item: [key for key in bins if key[1] == item["group"]],
                        bins)
        if codes is None:
            fact = found[0]["fact"]
            raise Problem("import.items_unplaced", fact.sheet, fact.cell)
        totals = self.fine_totals()
        fine_bins = {s: totals[s] for item in found for s in item["group"] if s in totals}
        sources = _assign(found, lambda item: [s for s in sorted(item["group"],
                                                                 key=self.order.index)
                                               if s in fine_bins], fine_bins)
        items = []
        for i, item in enumerate(found):
            source = sources[i] if sources else self.first(item["group"])
            items.append({"name": item["name"], "function": codes[i][0], "source": source,
                          "kind": item["kind"], "amount": item["amount"]})
        return items

    # -- the other dimensions --------------------------------------------------------------
    def economic(self) -> dict[str, Decimal]:
        found: dict[str, Decimal] = {}
        for fact in self.of(ECONOMIC):
            f = fact.filter
            if len(f.economic) == 5 and f.kinds is None and fact.amount:
                found.setdefault(f.economic, fact.amount)
        return dict(sorted(found.items()))

    def projects(self) -> list[dict[str, Any]]:
        found: dict[tuple[str, str], dict[str, Any]] = {}
        for fact in self.of(PROJECT_ECONOMIC):
            f = fact.filter
            if f.project is None or not f.function:
                continue
            entry = found.setdefault((f.function, f.project),
                                     {"name": f.project, "function": f.function, "economic": {}})
            if len(f.economic) == 3 and fact.amount:
                entry["economic"][f.economic] = fact.amount
        return list(found.values())

    def sangong(self) -> dict[str, dict[str, Decimal]]:
        by_item: dict[str, list[Fact]] = {}
        for fact in self.of(SANGONG):
            if fact.filter.items is not None and len(fact.filter.items) == 1 and \
                    fact.filter.kinds is None:
                by_item.setdefault(next(iter(fact.filter.items)), []).append(fact)
        found: dict[str, dict[str, Decimal]] = {}
        for item, facts in by_item.items():
            for group, (value, _) in _groups(facts, self).items():
                if value:
                    found.setdefault(item, {})[self.first(group)] = value
        return found


def _main_kind(kinds: frozenset[str]) -> str:
    for kind in ("basic", "project", "personnel", "operating"):
        if kind in kinds:
            return kind
    raise ValueError(f"a column of no kind: {sorted(kinds)}")


def _groups(facts: list[Fact], solver: Solver) -> dict[Sources, tuple[Decimal, Fact]]:
    """The most detailed source columns (no other column holds part of theirs), with their
    amounts: the columns that sum other columns (合计, 财政拨款小计) are left out."""
    sets: dict[Sources, tuple[Decimal, Fact]] = {}
    for fact in facts:
        sets.setdefault(solver.sources(fact.filter), (fact.amount, fact))
    return {group: value for group, value in sets.items()
            if not any(other < group for other in sets)}


def _assign(things: list[dict[str, Any]], choices: Any, bins: dict[Any, Decimal]) -> list[
        Any] | None:
    """Each thing to one of its bins so that every bin is filled exactly (a small search)."""
    if not all(choices(t) for t in things):
        return None
    left = dict(bins)
    order = sorted(range(len(things)), key=lambda i: -things[i]["amount"])
    chosen: list[Any] = [None] * len(things)
    steps = 0

    def place(k: int) -> bool:
        nonlocal steps
        steps += 1
        if steps > SEARCH_LIMIT:
            return False
        if k == len(order):
            return all(v == 0 for key, v in left.items()
                       if any(key in choices(t) for t in things))
        i = order[k]
        for key in choices(things[i]):
            if left[key] >= things[i]["amount"]:
                left[key] -= things[i]["amount"]
                chosen[i] = key
                if place(k + 1):
                    return True
                left[key] += things[i]["amount"]
        return False

    return chosen if place(0) else None
