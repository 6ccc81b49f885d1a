"""Mapping an input-output table's sectors onto the project's industries.

A concordance is a CSV with columns table_code, industry_code, weight: `weight` is the share
(0 < w <= 1) of the table sector that belongs to the industry. The weights of one table sector
may sum to less than 1 (the rest of the sector is outside the project's industries: its flows
are dropped) but never to more. A table sector not listed is outside the project entirely.

Flows are split proportionally (the usual assumption when a concordance has no better
information): with C[t, p] the weight of sector t in industry p,

    Z_ind = C^T Z C,   total_inputs_ind = C^T TII,   total_uses_ind = C^T TIU.

A sector's purchases from itself (the table's diagonal) say nothing about how its parts
trade with one another, so by default they are left out before the split (they stay in the
totals); industries that share a sector are then linked only through other sectors' flows.

`draft_concordance` proposes a starting concordance by code prefix or name similarity for a
person to correct. Pure pandas / numpy.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from regions.statistics.iotables import IOTable

CONCORDANCE_COLUMNS = ["table_code", "industry_code", "weight"]
# Weights of one table sector may exceed 1 by rounding only (six 0.166667 sum to 1.000002;
# people write 0.3334 three times).
SUM_TOLERANCE = 1e-3
# Name similarity (Jaccard of words or character pairs) a draft match needs.
NAME_MATCH_CUTOFF = 0.5
_STOP_WORDS = frozenset(
    {"manufacture", "manufacturing", "of", "and", "other", "the", "products", "product"}
    | {"production", "related", "processing", "services", "service", "except", "all", "nec"}
)
_ZH_STOP = ("制造", "产品", "制品", "其他", "服务", "加工", "和", "及", "与", "业", "品")


def read_concordance(path: str | Path) -> pd.DataFrame:
    """Read a concordance CSV (table_code, industry_code, weight; extra columns ignored).

    Codes are text (leading zeros kept). Raises ValueError naming the rows for a missing or
    non-numeric weight, a weight outside (0, 1], or a repeated (table_code, industry_code).
    """
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    missing = [c for c in CONCORDANCE_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"{path}: missing column(s) {missing}; need {CONCORDANCE_COLUMNS}")
    frame = frame[CONCORDANCE_COLUMNS].apply(lambda col: col.str.strip())
    frame = frame[(frame["table_code"] != "") | (frame["industry_code"] != "")]
    weight = pd.to_numeric(frame["weight"], errors="coerce")
    bad = frame.index[weight.isna() | (weight <= 0) | (weight > 1)]
    if len(bad):
        raise ValueError(f"{path}: weight must be a number in (0, 1] (rows {_rows(bad)})")
    repeated = frame.index[frame.duplicated(["table_code", "industry_code"], keep=False)]
    if len(repeated):
        raise ValueError(f"{path}: repeated (table_code, industry_code) (rows {_rows(repeated)})")
    return frame.assign(weight=weight.astype(np.float64)).reset_index(drop=True)


def _rows(index: pd.Index) -> str:
    """1-based file line numbers (the header is line 1) of the first ten offending rows."""
    return ", ".join(str(int(i) + 2) for i in index[:10])


def check_concordance(
    concordance: pd.DataFrame, *, table_codes: Sequence[str], industry_codes: Sequence[str]
) -> list[str]:
    """Validate a concordance against a table and the project's industries.

    Raises ValueError for table codes not in the table, industry codes not in the project, or
    a table sector whose weights sum to more than 1. Returns notes for what is allowed but
    worth a look: sectors only partly assigned, and sectors of the table not mapped at all.
    """
    unknown_table = sorted(set(concordance["table_code"]) - set(table_codes))
    if unknown_table:
        raise ValueError(f"table code(s) not in the table: {unknown_table[:20]}")
    unknown_industry = sorted(set(concordance["industry_code"]) - set(industry_codes))
    if unknown_industry:
        raise ValueError(f"industry code(s) not in the project: {unknown_industry[:20]}")
    sums = concordance.groupby("table_code")["weight"].sum()
    over = sums[sums > 1 + SUM_TOLERANCE]
    if len(over):
        listed = ", ".join(f"{code} ({total:.3f})" for code, total in over.head(20).items())
        raise ValueError(f"weights of a table sector sum to more than 1: {listed}")
    notes = []
    partial = sums[sums < 1 - SUM_TOLERANCE]
    if len(partial):
        listed = ", ".join(f"{code} ({total:.2f})" for code, total in partial.head(10).items())
        notes.append(f"{len(partial)} sector(s) only partly assigned (rest dropped): {listed}")
    unmapped = [c for c in table_codes if c not in sums.index]
    if unmapped:
        notes.append(f"{len(unmapped)} table sector(s) not mapped to any industry")
    return notes


def concordance_matrix(
    concordance: pd.DataFrame, table_codes: Sequence[str], industry_codes: Sequence[str]
) -> np.ndarray:
    """C (n_table, n_industries): C[t, p] = weight of table sector t in industry p (else 0)."""
    t_pos = {c: i for i, c in enumerate(table_codes)}
    p_pos = {c: i for i, c in enumerate(industry_codes)}
    matrix = np.zeros((len(table_codes), len(industry_codes)))
    rows = concordance["table_code"].map(t_pos).to_numpy()
    cols = concordance["industry_code"].map(p_pos).to_numpy()
    matrix[rows.astype(int), cols.astype(int)] = concordance["weight"].to_numpy()
    return matrix


def apply_concordance(
    table: IOTable,
    concordance: pd.DataFrame,
    *,
    industry_codes: Sequence[str] | None = None,
    within_sector: bool = False,
    names: pd.Series | None = None,
) -> IOTable:
    """The table expressed in the project's industries (same unit), diagonal set to zero.

    ``industry_codes`` fixes the order (default: the concordance's industries, sorted).
    ``within_sector=True`` also splits each sector's purchases from itself across the
    industries it maps to (off by default; see the module docstring). Validates first with
    `check_concordance` (its notes are carried into the result's notes).
    """
    codes = (
        list(industry_codes)
        if industry_codes is not None
        else sorted(set(concordance["industry_code"]))
    )
    notes = check_concordance(concordance, table_codes=table.codes, industry_codes=codes)
    weights = concordance_matrix(concordance, table.codes, codes)
    flows = table.flows.to_numpy().copy()
    if not within_sector:
        np.fill_diagonal(flows, 0.0)
    mapped = weights.T @ flows @ weights
    np.fill_diagonal(mapped, 0.0)
    frame = pd.DataFrame(mapped, index=codes, columns=codes)
    frame.index.name, frame.columns.name = "supplier", "customer"
    return IOTable(
        flows=frame,
        total_inputs=pd.Series(weights.T @ table.total_inputs.to_numpy(), index=codes),
        total_uses=pd.Series(weights.T @ table.total_uses.to_numpy(), index=codes),
        names=(names if names is not None else pd.Series("", index=codes)).reindex(codes),
        names_local=pd.Series("", index=codes, dtype=str),
        unit=table.unit,
        notes=tuple(table.notes) + tuple(notes),
    )


def _code_prefix(code: str) -> str:
    """The digits a table code stands for: leading digits, trailing zeros dropped.

    BEA detail 336411 -> 336411, 1111A0 -> 1111, 111200 -> 1112, 221100 -> 2211.
    """
    digits = re.match(r"\d*", code)
    return (digits.group(0) if digits else "").rstrip("0")


def _words(name: str) -> set[str]:
    english = {w for w in re.findall(r"[a-z]+", name.lower()) if w not in _STOP_WORDS}
    chinese = "".join(re.findall(r"[\u4e00-\u9fff]+", name))
    for word in _ZH_STOP:
        chinese = chinese.replace(word, " ")
    pairs = {part[i : i + 2] for part in chinese.split() for i in range(max(1, len(part) - 1))}
    return english | pairs


def _similarity(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _code_pairs(table_codes: Sequence[str], industry_codes: Sequence[str]) -> dict[str, list[str]]:
    """Industries matched by code: equal codes, else the longest table-code digit prefix.

    An industry whose code equals a table code goes to that table code only; otherwise to
    the table code(s) whose digit prefix (see `_code_prefix`, at least 2 digits) is the
    longest prefix of the industry's (all-digit) code.
    """
    exact = set(table_codes) & set(industry_codes)
    prefixes = {t: _code_prefix(t) for t in table_codes if t not in exact}
    pairs: dict[str, list[str]] = {t: [t] if t in exact else [] for t in table_codes}
    for p_code in industry_codes:
        if p_code in exact or not p_code.isdigit():
            continue
        hits = [
            (len(pre), t) for t, pre in prefixes.items() if len(pre) >= 2 and p_code.startswith(pre)
        ]
        longest = max((n for n, _ in hits), default=0)
        for n, t_code in hits:
            if n == longest:
                pairs[t_code].append(p_code)
    return pairs


def _name_matches(
    names: list[str], industry_words: list[list[set[str]]]
) -> tuple[list[int], float]:
    """Positions of the industries with the best name similarity to `names` (>= cutoff)."""
    words = [_words(n) for n in names if n]
    scores = np.array(
        [max([_similarity(w, a) for w in words for a in alts] or [0.0]) for alts in industry_words]
    )
    if scores.size == 0 or scores.max() < NAME_MATCH_CUTOFF:
        return [], 0.0
    return list(np.flatnonzero(scores == scores.max())), float(scores.max())


def draft_concordance(table: IOTable, industries: pd.DataFrame) -> pd.DataFrame:
    """A starting concordance for a person to correct: code match first, else name match.

    ``industries`` has columns code, name, name_en. A table code matching n industries gives
    each weight 1/n. Extra columns say how each row was found (match: code / name and the
    name similarity 0-1) and carry both names, so the file can be checked by eye.
    """
    codes = [str(c) for c in industries["code"]]
    name_by_code = dict(zip(codes, industries["name"], strict=True))
    industry_words = [
        [_words(str(a)) for a in alts]
        for alts in zip(industries["name"], industries["name_en"], strict=True)
    ]
    by_code = _code_pairs(table.codes, codes)
    rows = []
    for t_code in table.codes:
        found, how = by_code[t_code], "code"
        if not found:
            labels = [str(table.names.get(t_code, "")), str(table.names_local.get(t_code, ""))]
            positions, score = _name_matches(labels, industry_words)
            found, how = [codes[i] for i in positions], f"name {score:.2f}"
        for p_code in found:
            rows.append(
                {
                    "table_code": t_code,
                    "industry_code": p_code,
                    "weight": round(1.0 / len(found), 6),
                    "match": how,
                    "table_name": table.names.get(t_code, "") or table.names_local.get(t_code, ""),
                    "industry_name": name_by_code[p_code],
                }
            )
    columns = [*CONCORDANCE_COLUMNS, "match", "table_name", "industry_name"]
    return pd.DataFrame(rows, columns=columns)
