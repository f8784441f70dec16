#!/usr/bin/env python3
"""Generate N varied, valid department files for scale benchmarks of a batch build.

    .venv/bin/python benchmarks/make_departments.py N [-o FOLDER] [--seed S] [--year 2024]
    .venv/bin/budgetdoc check FOLDER
    .venv/bin/budgetdoc build FOLDER -o /tmp/bench-out

Writes FOLDER/dept-0001/2024.yaml, … (default FOLDER: build/departments in the repository,
which git ignores) and prints a one-line summary. The same N, --seed and --year give the
same files, byte for byte. Existing files of the same name are overwritten; anything else in
FOLDER is left alone (a note on stderr says so), so use a fresh folder when the batch size
matters.

The departments are fictional (某某县<局名>) but shaped like the published ones: sizes cycle
through tiny, small, medium and large (3–18 功能分类项, i.e. up to ~30 table lines with their
款 and 类; 0–26 projects), and each department draws its funding sources (一般公共预算 only, or
also 上级转移支付, 政府性基金 with its 人员/公用 split, 国有资本经营, 财政专户, 单位资金 kinds,
上年结转结余), “三公”经费 (zero for some), 绩效目标表 and 政府采购 (present or not).

Every file passes `budgetdoc check` without errors or warnings, because it is built the way
the rules read it:
- 基本支出 is generated as cells (economic 款, function 项, amount); `basic_economic` and the
  一般公共预算 part of `basic` are the two sums of the same cells, so tables 5 and 6 agree;
  公务接待费 and 公务用车运行费 are the cells 30217 and 30231.
- Every amount is a line (source, kind, 项, this year, last year); each comparison under
  `changes` sums the lines as data/profiles/default/comparisons.yaml does, and gets a
  reason whenever the two years differ.
- Only codes of data/codes/2024 are used (later years use that list too; a year before 2024
  has none and gets a codes.no_list warning).
Amounts are ints in units of 0.01 万元 (the precision a file allows) until they are written.
"""

from __future__ import annotations

import argparse
import datetime
import random
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]

# ----------------------------------------------------------------------------- vocabulary

COUNTY_HEADS = "东西南北青白金石云龙安平永兴长宁"
COUNTY_TAILS = "川山河原湖岭泉城丰源阳溪林台水坪"

# 局名, the 款 its own 运行 falls under, 行政单位 (only 20106 has a 行政运行 项 in the list).
BUREAUS = (
    ("财政局", "20106", True), ("非税收入管理局", "20106", True),
    ("财政监督检查局", "20106", True), ("国库集中支付中心", "20106", False),
    ("财政投资评审中心", "20106", False), ("政府采购中心", "20106", False),
    ("预算绩效管理中心", "20106", False), ("会计核算中心", "20106", False),
    ("人民政府办公室", "20103", False), ("机关事务服务中心", "20103", False),
    ("政务服务中心", "20103", False), ("金融工作办公室", "20103", False),
    ("人民政府驻乌鲁木齐联络处", "20103", False), ("信访接待服务中心", "20103", False),
    ("外事服务中心", "20103", False), ("接待服务中心", "20103", False),
    ("对口援疆工作办公室", "20104", False), ("价格认证中心", "20104", False),
    ("重点项目服务中心", "20104", False), ("经济研究中心", "20104", False),
    ("节能监察中心", "20104", False), ("社会信用体系建设服务中心", "20104", False),
    ("发展改革研究中心", "20104", False), ("招商服务中心", "20104", False),
)
FIELDS = {"20103": "政务服务和机关运行保障", "20104": "发展改革", "20106": "财政管理"}
SUBORDINATES = ("信息中心", "综合服务中心", "业务保障中心", "培训中心", "数据管理中心")
SECTIONS = ("办公室", "综合科", "财务科", "业务科", "政策法规科", "信息科", "人事科", "监督科",
            "规划科", "项目科", "调研科", "审核科", "预算科", "资产管理科", "宣传科")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"

# The 2024 function 项 this generator uses (data/codes/2024/function.yaml), by role.
RUN_CODES = {("20103", False): "2010350", ("20104", False): "2010450",
             ("20106", False): "2010650", ("20106", True): "2010601"}
PROJECT_CODES = {"20103": ("2010302",), "20104": ("2010499",),
                 "20106": ("2010602", "2010607", "2010699")}
SOCIAL_CODES = ("2080501", "2080502", "2080505", "2080506", "2101101", "2101102", "2101103",
                "2101199", "2210201")
FUNCTION_NAMES = {
    "2010302": "一般行政管理事务", "2010350": "事业运行", "2010450": "事业运行",
    "2010499": "其他发展与改革事务支出", "2010601": "行政运行", "2010602": "一般行政管理事务",
    "2010607": "信息化建设", "2010650": "事业运行", "2010699": "其他财政事务支出",
    "2080501": "行政单位离退休", "2080502": "事业单位离退休",
    "2080505": "机关事业单位基本养老保险缴费支出", "2080506": "机关事业单位职业年金缴费支出",
    "2101101": "行政单位医疗", "2101102": "事业单位医疗", "2101103": "公务员医疗补助",
    "2101199": "其他行政事业单位医疗支出", "2210201": "住房公积金",
}

# Per person per year, in 0.01 万元: (low, high, chance the 款 is used at all).
WAGES = {"30101": (300, 480, 1.0), "30102": (60, 300, 0.9), "30103": (80, 250, 0.8),
         "30107": (150, 350, 0.8), "30199": (20, 100, 0.2)}
GOODS = {"30201": (10, 30, 1.0), "30202": (2, 10, 0.3), "30205": (3, 8, 0.4),
         "30206": (5, 15, 0.4), "30207": (3, 10, 0.4), "30208": (10, 30, 0.5),
         "30211": (10, 30, 0.5), "30213": (2, 10, 0.3), "30226": (5, 20, 0.3),
         "30239": (2, 8, 0.3), "30240": (1, 2, 0.1), "30299": (5, 20, 0.5)}
ALLOWANCES = {"30305": (5, 15, 0.2), "30309": (2, 6, 0.3), "30399": (2, 8, 0.2)}
# Economic 类 of a project's 一般公共预算 part (table 7), with how often each is drawn.
PROJECT_CLASSES = {"302": 60, "310": 14, "303": 7, "399": 5, "301": 4, "312": 4, "309": 3,
                   "313": 2, "307": 1}

PROJECT_NAMES = (
    "机关运行补助经费", "业务工作经费", "信息化建设经费", "信息系统运行维护经费",
    "办公楼维修改造经费", "专项业务培训经费", "政策研究与调研经费", "宣传工作经费",
    "档案数字化经费", "法律顾问服务经费", "安全生产保障经费", "网络安全等级保护测评经费",
    "办公设备购置经费", "绩效评价委托业务经费", "政府购买服务经费", "劳务派遣人员经费",
    "项目前期工作经费", "专家评审经费", "数据中心运维经费", "督查考核工作经费",
    "驻村工作队经费", "乡村振兴帮扶经费", "应急值守保障经费", "信访维稳工作经费",
    "招商引资工作经费", "统计调查工作经费", "物业管理经费", "干部教育培训经费",
    "志愿服务工作经费", "消防设施改造经费", "节能改造经费", "政务公开工作经费",
    "营商环境优化工作经费", "重点项目谋划经费", "会计业务工作经费", "财政监督检查经费",
)
VEHICLE_PROJECT = "公务用车购置经费"
ALLOCATION_ITEMS = ("办公经费", "劳务费", "委托业务费", "差旅费", "印刷费", "设备购置费",
                    "维修（护）费", "培训费", "专用材料费", "系统运维费", "咨询服务费")
POLICY_BASES = ("本单位《三定方案》职责", "县委、县人民政府年度重点工作安排",
                "《中华人民共和国预算法》及其实施条例", "上级主管部门年度工作要点",
                "《党政机关厉行节约反对浪费条例》", "本部门年度工作计划")
DUTIES = ("贯彻执行国家和自治区有关方针政策和法律法规", "拟订本部门中长期发展规划并组织实施",
          "负责本部门预算编制和财务管理工作", "承担有关业务的组织协调和督促检查工作",
          "负责本系统信息化建设和数据管理", "承担相关政策研究和调查统计工作",
          "指导下属单位的业务工作", "负责本部门安全生产和保密工作")
CARRYOVER_PURPOSES = ("上年未完工的办公楼维修改造", "上年已实施未验收的信息化建设项目",
                      "上年未支付的业务工作经费", "保障本单位日常运转",
                      "上年结转的专项业务培训经费", "上年未完成的设备购置")
CLASS_PURPOSES = {
    "201": ("机关日常运转和业务工作", "人员经费、公用经费和履职项目支出",
            "保障单位正常运转和开展各项业务工作"),
    "208": ("缴纳机关事业单位基本养老保险和职业年金", "缴纳养老保险、发放离退休人员费用"),
    "210": ("缴纳职工基本医疗保险和公务员医疗补助", "缴纳在职职工医疗保险"),
    "221": ("缴纳职工住房公积金",),
}
# Why a figure moved (the text after 主要原因是), by topic: (increase, decrease).
REASONS = {
    "general": (("调标增资和社保缴费基数调整，人员经费增加", "新增业务工作任务，项目经费增加"),
                ("落实过紧日子要求，压减一般性支出", "上年一次性项目已完成，本年不再安排")),
    "basic": (("调标增资，工资福利支出增加", "在职人员增加，人员经费和公用经费相应增加"),
              ("人员退休、调出，人员经费减少", "严控公用经费，压减办公费、差旅费等支出")),
    "personnel": (("社保缴费基数调整，缴费支出相应增加", "在职人员增加，缴费支出相应增加",
                   "退休人员增加，离退休费用增加"),
                  ("在职人员减少，缴费支出相应减少", "人员退休、调出，人员经费减少")),
    "project": (("新增业务工作任务，项目经费增加", "按年度工作计划增加专项业务经费"),
                ("上年一次性项目已完成，本年不再安排", "压减非刚性、非重点项目支出")),
    "operating_costs": (("工会经费、福利费随工资总额增加", "办公场所调整，水电暖等运转费用增加"),
                        ("落实过紧日子要求，压减公用经费", "严控办公费、差旅费等一般性支出")),
    "fund": (("新增政府性基金预算安排的项目",), ("上年政府性基金预算安排的项目已完成",)),
    "state_capital": (("新增国有资本经营预算安排的项目",),
                      ("上年国有资本经营预算安排的项目已完成",)),
    "transfer": (("上级补助资金增加",), ("上级转移支付资金减少",)),
    "special": (("纳入财政专户管理的收入增加",), ("财政专户核拨资金减少",)),
    "unit": (("事业收入和其他收入增加",), ("单位自有资金安排减少",)),
    "carryover": (("上年未完成项目结转资金增加",), ("上年结转项目已基本完成，结转资金减少",)),
    "sangong": (("工作任务增加，相关支出相应增加",),
                ("厉行节约，“三公”经费只减不增", "严格执行中央八项规定精神，压减相关支出")),
}

DEPARTMENT_INDICATORS = (
    ("数量指标", "开展业务培训次数", "≥2次"), ("数量指标", "完成调研报告数量", "≥3篇"),
    ("数量指标", "开展督查检查次数", "≥4次"), ("质量指标", "资金使用合规率", "=100%"),
    ("质量指标", "政府采购执行率", "=100%"), ("时效指标", "资金支付及时率", "≥95%"),
    ("时效指标", "重点任务按期完成率", "=100%"), ("数量指标", "政务信息公开条数", "≥20条"),
)
OUTPUT_INDICATORS = (
    ("产出指标", "数量指标", "开展业务培训次数", "≥2次"),
    ("产出指标", "数量指标", "维护系统数量", "≥3个"),
    ("产出指标", "数量指标", "服务对象数量", "≥100人次"),
    ("产出指标", "质量指标", "验收合格率", "≥95%"),
    ("产出指标", "质量指标", "资金使用合规率", "=100%"),
    ("产出指标", "时效指标", "任务完成及时率", "=100%"),
)
BENEFIT_INDICATORS = (
    ("效益指标", "社会效益指标", "服务保障能力", "持续提升"),
    ("效益指标", "社会效益指标", "工作效率", "显著提高"),
    ("效益指标", "经济效益指标", "财政资金使用效益", "提升"),
)
SATISFACTION_INDICATOR = ("满意度指标", "满意度指标", "服务对象满意度", "≥90%")

# ----------------------------------------------------------------- funding sources and groups

GENERAL = ("general_budget", "general_transfer")
FUND = ("fund_budget", "fund_transfer")
STATE_CAPITAL = ("state_capital_budget", "state_capital_transfer")
UNIT = ("unit_business", "unit_superior", "unit_affiliate", "unit_operating", "unit_other")
CURRENT = (*GENERAL, *FUND, *STATE_CAPITAL, "special_account", *UNIT)
CARRY_FISCAL = ("carryover_general", "carryover_fund", "carryover_state_capital")
CARRY_OTHER = ("carryover_special_account", "carryover_unit")
ALL_SOURCES = (*CURRENT, *CARRY_FISCAL, *CARRY_OTHER)
FISCAL = (*GENERAL, *FUND, *STATE_CAPITAL)
BASIC_KINDS = ("basic", "personnel", "operating")


@dataclass(frozen=True)
class Comparison:
    """One figure the narrative compares with last year (data/profiles/default/comparisons.yaml)."""

    path: tuple[str, str]  # under `changes`
    sources: tuple[str, ...]
    kinds: tuple[str, ...] | None
    always: bool  # compared even when both years are zero
    topic: str


COMPARISONS = (
    Comparison(("income", "general_budget"), ("general_budget",), None, True, "general"),
    Comparison(("income", "general_transfer"), ("general_transfer",), None, False, "transfer"),
    Comparison(("income", "fund_budget"), ("fund_budget",), None, True, "fund"),
    Comparison(("income", "fund_transfer"), ("fund_transfer",), None, False, "fund"),
    Comparison(("income", "state_capital_budget"), ("state_capital_budget",), None, True,
               "state_capital"),
    Comparison(("income", "state_capital_transfer"), ("state_capital_transfer",), None, False,
               "state_capital"),
    Comparison(("income", "special_account"), ("special_account",), None, False, "special"),
    Comparison(("income", "unit_funds"), UNIT, None, False, "unit"),
    Comparison(("income", "carryover_fiscal"), CARRY_FISCAL, None, False, "carryover"),
    Comparison(("income", "carryover_nonfiscal"), CARRY_OTHER, None, False, "carryover"),
    Comparison(("expenditure", "basic"), ALL_SOURCES, BASIC_KINDS, True, "basic"),
    Comparison(("expenditure", "project"), ALL_SOURCES, ("project",), True, "project"),
    Comparison(("general_budget", "basic"), GENERAL, BASIC_KINDS, True, "basic"),
    Comparison(("general_budget", "project"), GENERAL, ("project",), True, "project"),
)
SANGONG_ITEMS = ("outbound", "vehicle_purchase", "vehicle_operation", "reception")


@dataclass(frozen=True)
class Tier:
    staff: tuple[int, int]  # in service, main unit
    subordinates: tuple[int, int]
    projects: tuple[int, int]
    project_amount: tuple[int, int]  # 万元
    social: float  # chance of each optional social-security 项


TIERS = (
    Tier((3, 8), (0, 0), (0, 2), (2, 30), 0.25),
    Tier((8, 25), (0, 1), (1, 6), (5, 80), 0.6),
    Tier((20, 60), (0, 2), (3, 12), (10, 300), 0.85),
    Tier((50, 150), (2, 3), (12, 25), (10, 1500), 1.0),
)


@dataclass
class Unit:
    name: str
    admin: bool
    run_code: str
    in_service: int
    retired: int
    lixiu: int


@dataclass
class Line:
    """An amount as the comparisons see it: this year's and last year's, in 0.01 万元."""

    source: str
    kind: str  # basic | personnel | operating | project
    function: str
    current: int
    prior: int


@dataclass
class Project:
    name: str
    function: str
    owner: str
    money: dict[str, int] = field(default_factory=dict)
    economic: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.money.values())


def money(amount: int) -> Decimal:
    """0.01 万元 units → the Decimal written to the file (`80.00`)."""
    return Decimal(amount).scaleb(-2)


def wan(amount: int) -> str:
    """An amount as the narrative prints it in 万元: `76`, `3.2`, `8.75`."""
    return format(money(amount).normalize(), "f")


class Row(list[Any]):
    """A list written on one line (table rows, short name lists)."""


# ---------------------------------------------------------------------------- one department


class Maker:
    """Draws one department; each amount is also kept as a `Line` for the comparisons."""

    def __init__(self, rng: random.Random, name: str, bureau: tuple[str, str, bool],
                 tier: Tier, year: int) -> None:
        self.rng, self.name, self.tier, self.year = rng, name, tier, year
        self.kuan, admin = bureau[1], bureau[2]
        self.lines: list[Line] = []
        self.basic: dict[str, dict[str, Any]] = {}
        self.features = self._features()
        self.units = self._units(admin)
        optional = (("2080506",), ("2101101", "2101102"), ("2101103",), ("2101199",),
                    ("2080501", "2080502"))
        self.social = {code for codes in optional if rng.random() < tier.social
                       for code in codes}  # 项 used; the rest of their money stays in 运行
        self.vehicles = 0
        self.vehicle_purchase = 0
        self.every_project_table = False  # else 30 % have the department's table only

    def _features(self) -> set[str]:
        chances = {"transfer": 0.25, "fund": 0.2, "state_capital": 0.1, "special": 0.15,
                   "unit": 0.4, "carryover": 0.35, "sangong": 0.75, "performance": 0.65,
                   "procurement": 0.6, "assets": 0.8}
        return {name for name, chance in chances.items() if self.rng.random() < chance}

    def _units(self, admin: bool) -> list[Unit]:
        rng = self.rng
        main = Unit(self.name, admin, RUN_CODES[self.kuan, admin], 0, 0, 0)
        suffixes = rng.sample(SUBORDINATES, rng.randint(*self.tier.subordinates))
        units = [main] + [Unit(self.name + s, False, rng.choice(["2010350", "2010450", "2010650"]),
                               0, 0, 0) for s in suffixes]
        for i, unit in enumerate(units):
            low, high = self.tier.staff
            unit.in_service = rng.randint(low, high) if i == 0 else rng.randint(3, max(4, low))
            unit.retired = rng.randint(0, unit.in_service * 2 // 3)
            unit.lixiu = rng.choice([0] * 9 + [1]) if unit.in_service > 40 else 0
        return units

    def prior(self, current: int, new: float = 0.0) -> int:
        """Last year's amount: unchanged, up to 30% either way, or (chance `new`) none."""
        draw = self.rng.random()
        if draw < new:
            return 0
        if draw < new + 0.3:
            return current
        return current * self.rng.randint(700, 1300) // 1000

    def reason(self, topic: str, current: int, prior: int) -> str | None:
        if current == prior:
            return None
        return self.rng.choice(REASONS[topic][0 if current > prior else 1])

    def split(self, total: int, parts: int) -> list[int]:
        """`total` as `parts` positive ints (fewer parts when the total is too small)."""
        parts = max(1, min(parts, total))
        cuts = sorted(self.rng.sample(range(1, total), parts - 1)) if parts > 1 else []
        return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]

    # -- 基本支出

    def add_basic(self, function: str, source: str, amount: int, kind: str = "basic") -> None:
        if amount <= 0:
            return
        entry = self.basic.setdefault(function, {})
        target = entry if kind == "basic" else entry.setdefault(kind, {})
        target[source] = target.get(source, 0) + amount
        new = 0.0 if source == "general_budget" else 0.2
        self.lines.append(Line(source, kind, function, amount, self.prior(amount, new)))

    def basic_cells(self, unit: Unit, main: bool) -> list[tuple[str, str, int]]:
        """(economic 款, function 项, amount) of the unit's 一般公共预算 基本支出."""
        rng, n = self.rng, unit.in_service
        cells: list[tuple[str, str, int]] = []

        def per_person(table: dict[str, tuple[int, int, float]], function: str) -> int:
            total = 0
            for code, (low, high, chance) in table.items():
                if rng.random() < chance:
                    amount = n * rng.randint(low, high)
                    cells.append((code, function, amount))
                    total += amount
            return total

        run = unit.run_code

        def social(code: str) -> str:
            return code if code in self.social else run

        wages = per_person(WAGES, run)
        cells += [("30108", "2080505", wages * 16 // 100), ("30113", "2210201", wages * 12 // 100),
                  ("30109", social("2080506"), wages * 8 // 100),
                  ("30110", social("2101101" if unit.admin else "2101102"), wages * 8 // 100)]
        if "2101103" in self.social:
            cells.append(("30111", "2101103", n * rng.randint(3, 8)))
        other_social = n * rng.randint(5, 12)
        cells += [("30112", social("2101199"), other_social // 10),
                  ("30112", run, other_social - other_social // 10),
                  ("30302", social("2080501" if unit.admin else "2080502"),
                   unit.retired * rng.randint(8, 30))]
        per_person(ALLOWANCES, run)
        per_person(GOODS, run)
        cells += [("30228", run, wages * 2 // 100), ("30229", run, wages * 17 // 1000)]
        if main and "sangong" in self.features:
            self.vehicles = rng.choice([0, 1, 1, 2]) + n // 30
            cells.append(("30231", run, self.vehicles * rng.randint(150, 600)))
            if rng.random() < 0.8 or not self.vehicles:
                cells.append(("30217", run, rng.randint(20, 300)))
        return [cell for cell in cells if cell[2] > 0]

    def basic_expenditure(self) -> dict[str, int]:
        """Fill `basic`; return `basic_economic`, the same 一般公共预算 money by 款."""
        cells = [c for i, unit in enumerate(self.units) for c in self.basic_cells(unit, i == 0)]
        economic: dict[str, int] = defaultdict(int)
        functions: dict[str, int] = defaultdict(int)
        for code, function, amount in cells:
            economic[code] += amount
            functions[function] += amount
        run_codes = {unit.run_code for unit in self.units}
        for function, amount in sorted(functions.items()):
            transfer = 0  # 上级转移支付 always pays part of the main unit's 运行
            if "transfer" in self.features and function in run_codes and (
                    function == self.units[0].run_code or self.rng.random() < 0.5):
                transfer = amount * self.rng.randint(10, 40) // 100
            self.add_basic(function, "general_budget", amount - transfer)
            self.add_basic(function, "general_transfer", transfer)
        return dict(sorted(economic.items()))

    def other_basic(self, placed: set[str]) -> None:
        """基本支出 from the other sources; records in `placed` the features it covered."""
        rng = self.rng
        institutions = [u.run_code for u in self.units if not u.admin]
        run = rng.choice(institutions or [self.units[0].run_code])
        if "special" in self.features and rng.random() < 0.6:
            self.add_basic(run, "special_account", rng.randint(500, 10000))
            placed.add("special")
        if "unit" in self.features and rng.random() < 0.5:
            self.add_basic(run, rng.choice(self.unit_sources()), rng.randint(300, 8000))
            placed.add("unit")
        for feature, sources in (("fund", FUND), ("state_capital", STATE_CAPITAL)):
            if feature in self.features and rng.random() < 0.5:
                source = sources[1] if rng.random() < 0.25 else sources[0]
                self.add_basic(run, source, rng.randint(500, 6000), "personnel")
                self.add_basic(run, source, rng.randint(100, 2000), "operating")
                placed.add(feature)

    def unit_sources(self) -> list[str]:
        if any(not u.admin for u in self.units):
            return list(UNIT)
        return ["unit_other", "unit_superior"]

    # -- 项目支出

    def projects(self, placed: set[str]) -> list[Project]:
        rng, tier = self.rng, self.tier
        count = rng.randint(*tier.projects)
        names = project_names(rng, count)
        if self.vehicles and rng.random() < 0.3:
            names.append(VEHICLE_PROJECT)
        # the first projects carry the sources 基本支出 did not; the others draw one
        needed = [f for f in ("fund", "state_capital", "special", "unit")
                  if f in self.features and f not in placed]
        optional = [f for f in ("transfer", "fund", "state_capital", "special", "unit")
                    if f in self.features]
        projects = []
        for i, name in enumerate(names):
            unit = rng.choice(self.units)
            kuan = unit.run_code[:5]
            function = rng.choice([*PROJECT_CODES[kuan], *PROJECT_CODES[kuan], unit.run_code])
            project = Project(name, function, unit.name)
            if name == VEHICLE_PROJECT:  # 公务用车购置费 of table 10
                self.vehicle_purchase = rng.randint(1500, 3000)
                project.money["general_budget"] = self.vehicle_purchase
            else:
                feature = needed[i] if i < len(needed) else (
                    rng.choice(optional) if optional and rng.random() < 0.35 else "general")
                self.fund_project(project, feature)
            self.split_economic(project)
            for source, amount in project.money.items():
                self.lines.append(Line(source, "project", function, amount,
                                       self.prior(amount, new=0.15)))
            projects.append(project)
        self.leftovers(needed[count:])
        return projects

    def fund_project(self, project: Project, feature: str) -> None:
        rng = self.rng
        low, high = self.tier.project_amount
        total = rng.randint(low, high) * 100
        if rng.random() < 0.4:
            total += rng.randint(1, 99)
        match feature:
            case "transfer":
                sources = rng.choice([["general_transfer"], ["general_budget", "general_transfer"]])
            case "fund":
                sources = [rng.choice(FUND)]
            case "state_capital":
                sources = [rng.choice(STATE_CAPITAL)]
            case "special":
                sources = ["special_account"]
            case "unit":  # alone, or beside 一般公共预算 (004's 机关运行补助经费)
                sources = [rng.choice(self.unit_sources())]
                if rng.random() < 0.5:
                    sources.insert(0, "general_budget")
            case _:
                sources = ["general_budget"]
        project.money = dict(zip(sources, self.split(total, len(sources)), strict=True))

    def split_economic(self, project: Project) -> None:
        general = sum(project.money.get(s, 0) for s in GENERAL)
        if not general:
            return
        if project.name == VEHICLE_PROJECT:
            project.economic = {"310": general}
            return
        classes = ["302"] if self.rng.random() < 0.6 else []
        classes += self.rng.choices(list(PROJECT_CLASSES), list(PROJECT_CLASSES.values()), k=2)
        classes = sorted(set(classes[: self.rng.randint(1, 3)]))
        # a tiny total may get fewer parts than classes: zip then drops the extra classes
        project.economic = dict(zip(classes, self.split(general, len(classes)), strict=False))

    def leftovers(self, features: list[str]) -> None:
        """Features no project could carry (too few projects) go to 基本支出."""
        run = self.units[0].run_code
        for feature in features:
            if feature in ("fund", "state_capital"):
                source = FUND[0] if feature == "fund" else STATE_CAPITAL[0]
                self.add_basic(run, source, self.rng.randint(500, 5000), "personnel")
                self.add_basic(run, source, self.rng.randint(100, 1000), "operating")
            else:
                source = ("special_account" if feature == "special"
                          else self.rng.choice(self.unit_sources()))
                self.add_basic(run, source, self.rng.randint(300, 5000))

    def discontinued(self) -> None:
        """Money last year had and this year has not (a finished project, an old fund)."""
        rng = self.rng
        if rng.random() < 0.3:
            code = rng.choice(PROJECT_CODES[self.kuan])
            self.lines.append(Line("general_budget", "project", code, 0, rng.randint(500, 5000)))
        if "fund" not in self.features and rng.random() < 0.1:
            self.lines.append(Line("fund_budget", "project", self.units[0].run_code, 0,
                                   rng.randint(500, 5000)))

    # -- 上年结转结余

    def carryover(self, codes: list[str]) -> list[dict[str, Any]]:
        rng = self.rng
        if "carryover" not in self.features:
            if rng.random() < 0.15:
                self.lines.append(Line("carryover_general", "project", codes[0], 0,
                                       rng.randint(500, 5000)))
            return []
        sources = ["carryover_general", "carryover_general"]
        sources += [source for feature, source in (
            ("fund", "carryover_fund"), ("state_capital", "carryover_state_capital"),
            ("special", "carryover_special_account"), ("unit", "carryover_unit"))
            if feature in self.features]
        if rng.random() < 0.3:
            sources.append("carryover_unit")
        items = []
        for name in rng.sample(PROJECT_NAMES, rng.randint(1, 6 if self.tier is TIERS[-1] else 3)):
            source = rng.choice(sources)
            item: dict[str, Any] = {
                "name": name, "function": rng.choice(codes), "source": source,
                "kind": rng.choice(["project"] * 4 + ["personnel", "operating"]),
                "amount": rng.randint(100, 5000)}
            if rng.random() < 0.1:
                item["name"] = f"特定目标 {rng.randint(10**7, 10**8 - 1)}"
                item["classified"] = True
            else:
                item["purpose"] = rng.choice(CARRYOVER_PURPOSES)
            self.lines.append(Line(source, item["kind"], item["function"], item["amount"],
                                   self.prior(item["amount"], new=0.3)))
            items.append(item)
        return items

    # -- “三公”经费 and the comparisons

    def sangong(self, economic: dict[str, int]) -> dict[str, Any]:
        rng = self.rng
        items: dict[str, Any] = {"reception": economic.get("30217", 0),
                                 "vehicle_operation": economic.get("30231", 0)}
        if "sangong" in self.features:
            if rng.random() < 0.1:
                items["outbound"] = rng.randint(200, 1000)
            items["vehicle_purchase"] = self.vehicle_purchase
            if "fund" in self.features and items["vehicle_operation"] and rng.random() < 0.5:
                items["vehicle_operation"] = {"general_budget": items["vehicle_operation"],
                                              "fund_budget": rng.randint(50, 300)}
        return {k: v for k, v in items.items() if v}

    def changes(self, sangong: dict[str, Any], operating: int,
                staff: dict[str, int]) -> dict[str, Any]:
        out: dict[str, Any] = {"income": {}, "expenditure": {}, "general_budget": {}}
        # without 一般公共预算 projects, its changes can only be explained by 基本支出
        general_topic = "general" if any(
            ln.kind == "project" and ln.source in GENERAL for ln in self.lines) else "basic"
        for comparison in COMPARISONS:
            lines = [ln for ln in self.lines if ln.source in comparison.sources
                     and (comparison.kinds is None or ln.kind in comparison.kinds)]
            current, prior = sum(ln.current for ln in lines), sum(ln.prior for ln in lines)
            if comparison.always or current or prior:
                group, key = comparison.path
                topic = general_topic if comparison.topic == "general" else comparison.topic
                out[group][key] = self.change(topic, current, prior)
        functions: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for ln in self.lines:
            if ln.source in GENERAL:
                functions[ln.function][0] += ln.current
                functions[ln.function][1] += ln.prior
        out["general_budget"]["functions"] = {
            code: self.change("personnel" if code in SOCIAL_CODES else
                              "basic" if code in RUN_CODES.values() else "project", *amounts)
            for code, amounts in sorted(functions.items()) if any(amounts)}
        out["sangong"] = {}
        for item in SANGONG_ITEMS:
            value = sangong.get(item, 0)
            current = sum(value.values()) if isinstance(value, dict) else value
            rise = self.rng.choice([100, 100, self.rng.randint(100, 130)])  # seldom up
            out["sangong"][item] = self.change("sangong", current, current * rise // 100)
        out["operating_costs"] = self.change(
            "operating_costs", operating, operating * self.rng.randint(850, 1150) // 1000)
        out["staff"] = {key: {"prior": max(0, count + self.rng.randint(-2, 2)) if count else 0}
                        for key, count in staff.items()}
        return out

    def change(self, topic: str, current: int, prior: int) -> dict[str, Any]:
        entry: dict[str, Any] = {"prior": money(prior)}
        reason = self.reason(topic, current, prior)
        if reason:
            entry["reason"] = reason
        return entry

    # -- the narrative facts

    def overview(self) -> dict[str, Any]:
        rng = self.rng
        duties = [f"负责全县{FIELDS[self.kuan]}相关工作",
                  *rng.sample(DUTIES, rng.randint(1, 4)), "完成县委、县人民政府交办的其他任务"]
        staff = {key: sum(getattr(u, key) for u in self.units)
                 for key in ("in_service", "retired", "lixiu")}
        working = staff["in_service"]
        return {
            "functions": "\n".join(f"{i}.{d}。" for i, d in enumerate(duties, 1))
            if rng.random() < 0.5 else "；".join(duties) + "。",
            "subordinate_units": [u.name for u in self.units[1:]],
            "sections": Row(rng.sample(SECTIONS, min(len(SECTIONS), 2 + working // 8))),
            "staff": {"authorized": working + rng.randint(-(working // 5), 5),
                      "actual": sum(staff.values()), **staff},
        }

    def person(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(self.rng.sample(GIVEN, self.rng.randint(1, 2)))

    def weights(self, rows: int) -> list[int]:
        """Indicator weights summing to 90 (the other 10 points are the execution rate)."""
        return [5 * part for part in self.split(18, rows)]

    def performance(self, projects: list[Project]) -> dict[str, Any] | None:
        rng = self.rng
        if "performance" not in self.features:
            return None
        rows = rng.randint(3, 6)
        department = {
            "contact": self.person(),
            "phone": f"1{rng.randint(3, 9)}{rng.randint(0, 10**9 - 1):09d}",
            "goal": f"全面履行{FIELDS[self.kuan]}职责，保障单位正常运转，完成年度各项工作任务。",
            "indicators": [Row(["履职效能", second, third, value, rng.choice(
                ["三定方案", "年度工作计划", "历史标准"]), weight])
                for (second, third, value), weight in zip(
                    rng.sample(DEPARTMENT_INDICATORS, rows), self.weights(rows), strict=True)]}
        if rng.random() < 0.3 and not self.every_project_table:
            return {"department": department}
        return {"department": department,
                "projects": [self.project_performance(p) for p in projects]}

    def project_performance(self, project: Project) -> dict[str, Any]:
        rng = self.rng
        rows = [*rng.sample(OUTPUT_INDICATORS, rng.randint(2, 4)),
                ("成本指标", "经济成本指标", "项目预算控制数", f"≤{wan(project.total)}万元"),
                rng.choice(BENEFIT_INDICATORS), SATISFACTION_INDICATOR]
        return {"project": project.name, "manager": self.person(),
                "goal": f"按计划完成{project.name.removesuffix('经费')}相关工作，"
                        f"年度预算{wan(project.total)}万元。",
                "indicators": [Row([*row[:4], rng.choice(["计划标准", "历史标准", "行业标准"]),
                                    rng.choice(["新增", row[3].lstrip("≥≤=")]), weight,
                                    "按照完成比例赋分", rng.choice(["工作资料", "原始凭证"])])
                               for row, weight in zip(rows, self.weights(len(rows)), strict=True)]}

    def procurement(self, projects: list[Project]) -> dict[str, Any] | None:
        if "procurement" not in self.features:
            return None
        rng = self.rng
        base = max(sum(p.total for p in projects), 1000)
        goods, works, services = (base * rng.randint(0, 40) // 100 for _ in range(3))
        if rng.random() < 0.7:
            works = 0
        total = goods + works + services
        sme = total * rng.randint(50, 100) // 100
        return {"goods": money(goods), "works": money(works), "services": money(services),
                "sme_reserved": money(sme),
                "small_micro_reserved": money(sme * rng.randint(60, 100) // 100)}

    def assets(self) -> dict[str, Any] | None:
        if "assets" not in self.features:
            return None
        rng = self.rng
        staff = sum(u.in_service for u in self.units)
        budgeted = 1 if self.vehicle_purchase else 0
        return {
            "as_of": datetime.date(self.year - 1, 12, 31),
            "buildings": {"area": money(staff * rng.randint(2500, 8000)),  # m²
                          "value": money(staff * rng.randint(500, 3000))},
            "vehicles": {"general": {"count": self.vehicles,
                                     "value": money(self.vehicles * rng.randint(1500, 3500))},
                         "law_enforcement": {"count": 0, "value": money(0)},
                         "other": {"count": 0, "value": money(0)}},
            "furniture": money(staff * rng.randint(50, 200)),
            "other": money(staff * rng.randint(200, 2000)),
            "equipment_over_50": rng.choice([0, 0, 0, 1, 2]),
            "equipment_over_100": rng.choice([0, 0, 0, 0, 1]),
            "budgeted": {"vehicles": budgeted, "equipment_over_50": 0, "equipment_over_100": 0},
        }

    # -- the file

    def department(self) -> dict[str, Any]:
        rng = self.rng
        economic = self.basic_expenditure()
        placed: set[str] = set()
        self.other_basic(placed)
        projects = self.projects(placed)
        self.discontinued()
        codes = sorted({*self.basic, *(p.function for p in projects)} - set(SOCIAL_CODES))
        carryover = self.carryover(codes)
        sangong = self.sangong(economic)
        overview = self.overview()
        operating = sum(v for k, v in economic.items() if k.startswith("302"))
        published = datetime.date(self.year, 2, rng.randint(18, 28))
        meta: dict[str, Any] = {"department": self.name, "year": self.year, "kind": "预算",
                                "published": published, "unit": "万元"}
        if rng.random() < 0.5:
            meta = {**meta, "approved": published - datetime.timedelta(days=rng.randint(3, 20))}
        data: dict[str, Any] = {
            "meta": meta,
            "overview": overview,
            "basic": [self.basic_entry(code) for code in sorted(self.basic)],
            "basic_economic": {code: money(v) for code, v in economic.items()},
            "projects": [self.project_entry(p) for p in projects],
            "carryover": [{**c, "amount": money(c["amount"])} for c in carryover],
            "class_purposes": self.class_purposes(),
            "sangong": {k: self.amounts(v) if isinstance(v, dict) else money(v)
                        for k, v in sangong.items()},
            "changes": self.changes(sangong, operating, {
                k: overview["staff"][k] for k in ("in_service", "retired", "lixiu")}),
            "procurement": self.procurement(projects),
            "assets": self.assets(),
            "performance": self.performance(projects),
        }
        return {k: v for k, v in data.items() if v is not None and v != {}}

    def amounts(self, values: dict[str, int]) -> dict[str, Decimal]:
        return {source: money(v) for source, v in values.items()}

    def basic_entry(self, code: str) -> dict[str, Any]:
        entry = self.basic[code]
        out: dict[str, Any] = {"function": code}
        out |= {s: money(entry[s]) for s in CURRENT if s in entry}
        out |= {kind: self.amounts(entry[kind]) for kind in ("personnel", "operating")
                if kind in entry}
        return out

    def project_entry(self, project: Project) -> dict[str, Any]:
        rng = self.rng
        out: dict[str, Any] = {"name": project.name, "function": project.function}
        out |= {s: money(project.money[s]) for s in CURRENT if s in project.money}
        if project.economic:
            out["economic"] = self.amounts(project.economic)
        if not any(s in FISCAL for s in project.money):
            return out  # the document describes 财政拨款 projects only: no texts to print
        parts = self.split(project.total, rng.randint(1, 4))
        out |= {"policy_basis": "；".join(rng.sample(POLICY_BASES, rng.randint(1, 2))),
                "owner": project.owner,
                "allocation": "；".join(f"{item} {wan(amount)} 万元" for item, amount in zip(
                    rng.sample(ALLOCATION_ITEMS, len(parts)), parts, strict=True)) + "。"}
        return out

    def class_purposes(self) -> dict[str, str]:
        classes = sorted({ln.function[:3] for ln in self.lines
                          if ln.source in FISCAL and ln.current > 0})
        return {code: self.rng.choice(CLASS_PURPOSES[code]) for code in classes}


# ------------------------------------------------------------------------------ the batch


def project_names(rng: random.Random, count: int) -> list[str]:
    """`count` distinct project names; past the list's length they are numbered (…（二期）)."""
    names = rng.sample(PROJECT_NAMES, min(count, len(PROJECT_NAMES)))
    for i in range(len(names), count):
        names.append(f"{PROJECT_NAMES[i % len(PROJECT_NAMES)]}（{i // len(PROJECT_NAMES) + 1}期）")
    return names


def department_names(rng: random.Random, count: int) -> list[tuple[str, tuple[str, str, bool]]]:
    """Distinct 某某县<局名> names; a number is appended once the combinations run out."""
    counties = [h + t + "县" for h in COUNTY_HEADS for t in COUNTY_TAILS]
    combos = [(county, bureau) for county in counties for bureau in BUREAUS]
    rng.shuffle(combos)
    names = []
    for i in range(count):
        county, bureau = combos[i % len(combos)]
        number = "" if i < len(combos) else str(i // len(combos) + 1)
        names.append((f"{county}{number}{bureau[0]}", bureau))
    return names


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Amounts as `80.00`; libyaml's emitter when present (dumping is most of the time)."""


_Dumper.add_representer(Decimal, lambda d, v: d.represent_scalar("tag:yaml.org,2002:float",
                                                                  f"{v:.2f}"))
_Dumper.add_representer(Row, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v,
                                                               flow_style=True))


def dump(data: dict[str, Any], seed: int) -> str:
    header = (f"# {data['meta']['department']} {data['meta']['year']} 年部门预算（虚构）\n"
              f"# 由 benchmarks/make_departments.py 生成（seed {seed}），供规模测试使用。\n\n")
    return header + yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                              width=4096)


class Tally:
    """What the batch holds, for the summary line."""

    def __init__(self) -> None:
        self.sizes: list[int] = []  # distinct 项
        self.projects: list[int] = []
        self.features: Counter[str] = Counter()

    def add(self, data: dict[str, Any]) -> None:
        basic, projects = data["basic"], data["projects"]
        self.sizes.append(len({e["function"] for e in basic} | {p["function"] for p in projects}))
        self.projects.append(len(projects))
        entries = [*basic, *projects, *(e[k] for e in basic for k in ("personnel", "operating")
                                         if k in e)]
        sources = {source for entry in entries for source in entry}
        for label, present in (
                ("政府性基金", sources & set(FUND)), ("国有资本经营", sources & set(STATE_CAPITAL)),
                ("财政专户", "special_account" in sources), ("单位资金", sources & set(UNIT)),
                ("上级转移支付", "general_transfer" in sources), ("结转", data["carryover"]),
                ("三公为零", "sangong" not in data), ("绩效目标表", "performance" in data),
                ("政府采购", "procurement" in data)):
            self.features[label] += bool(present)

    def line(self, folder: Path, seed: int) -> str:
        counts = ", ".join(f"{k} {v}" for k, v in self.features.items())
        return (f"{len(self.sizes)} departments in {folder} (seed {seed}): "
                f"{min(self.sizes)}-{max(self.sizes)} 项, "
                f"{min(self.projects)}-{max(self.projects)} projects; {counts}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, metavar="N", help="how many departments")
    parser.add_argument("-o", "--output", type=Path, default=ROOT / "build" / "departments",
                        help="folder to write into (default build/departments)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--year", type=int, default=2024, help="budget year (default 2024)")
    parser.add_argument("--projects", type=int, default=None, metavar="P",
                        help="every department gets P projects, each with its performance "
                             "table (a stress test of one large department; default: by size)")
    args = parser.parse_args(argv)
    if args.count < 1:
        parser.error("N must be at least 1")
    rng = random.Random(args.seed)
    width = max(4, len(str(args.count)))
    slugs = [f"dept-{i:0{width}d}" for i in range(1, args.count + 1)]
    if args.output.is_dir():
        others = sorted(p.name for p in args.output.iterdir() if p.name not in set(slugs))
        if others:
            print(f"note: {args.output} also holds {len(others)} other entries "
                  f"(e.g. {others[0]}); they are left alone", file=sys.stderr)
    tally = Tally()
    for i, (slug, (name, bureau)) in enumerate(zip(slugs, department_names(rng, args.count),
                                                   strict=True)):
        tier = TIERS[i % len(TIERS)]
        if args.projects is not None:
            tier = replace(TIERS[-1], projects=(args.projects, args.projects))
        maker = Maker(random.Random(rng.getrandbits(64)), name, bureau, tier, args.year)
        if args.projects is not None:
            maker.features.add("performance")
            maker.every_project_table = True
        data = maker.department()
        path = args.output / slug / f"{args.year}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dump(data, args.seed), encoding="utf-8")
        tally.add(data)
    print(tally.line(args.output, args.seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
