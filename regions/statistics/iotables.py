"""National input-output tables: reading them, industry-by-industry flows and link shares.

Conventions (docs/methods.md §2): Z[i, j] is what sector j buys from sector i
(rows supply, columns buy), in the table's own unit.

- supplier share s[i, j] = Z[i, j] / total intermediate inputs of j (share of j's
  intermediate inputs bought from i);
- customer share c[i, j] = Z[i, j] / total intermediate use of i's output (share of i's
  intermediate sales going to j).

The totals are the table's own (TII / TIU in NBS tables, T005 in the BEA Use table), so they
include purchases from sectors a project does not track; the diagonal (a sector buying from
itself) is counted in the totals but is never a link.

Two layouts are read:

- NBS (China, as distributed by the ionet R package): columns Code, Description,
  DescriptionInChinese, 001..NNN, TIU, final-use columns, GO; rows 001..NNN, then TII,
  VA001.., TVA, TI. Sector x sector, 10,000 yuan, producer prices.
- BEA (US, as distributed by USEEIO): a Make table (industry x commodity, total column T008,
  total row T007) and a Use table (commodity x industry, total intermediate column T001, rows
  T005 total intermediate, V00100.. value added). $ million. Industry x industry flows follow
  from the industry-technology assumption: Z = D U with D[i, c] = Make[i, c] / sum_k Make[k, c]
  (industry i's share of commodity c's output).

Negative intermediate cells (BEA records a few, e.g. inventory valuation adjustments) are set
to zero and reported in `IOTable.notes`. Pure pandas / numpy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

NBS_UNIT = "10,000 yuan"
BEA_UNIT = "$ million"
# Relative difference above which a published total and the sum of its flows are reported.
_TOTAL_TOLERANCE = 1e-6
_SECTOR_CODE = re.compile(r"^\d+$")
# BEA rows / columns that are totals, value added or final demand, never industries.
_BEA_NON_SECTOR = re.compile(r"^(T0\d\d|V\d+|F\d+|NA(\.\d+)?)$")


@dataclass(frozen=True)
class IOTable:
    """A square sector x sector intermediate-flow table with its published totals.

    ``flows`` (n, n) supplier rows x customer columns, >= 0, in ``unit``; ``total_inputs``
    (per customer) and ``total_uses`` (per supplier) are the table's total intermediate
    inputs and uses, in the same unit and code order. ``names`` / ``names_local`` map codes
    to English / local-language names (empty strings when the table has none).
    """

    flows: pd.DataFrame
    total_inputs: pd.Series
    total_uses: pd.Series
    names: pd.Series
    names_local: pd.Series
    unit: str
    notes: tuple[str, ...] = field(default=())

    @property
    def codes(self) -> list[str]:
        """Sector codes in table order."""
        return [str(code) for code in self.flows.index]


@dataclass(frozen=True)
class MakeUse:
    """BEA Make (industry x commodity) and Use (commodity x industry) intermediate blocks.

    ``use_total_inputs`` is the Use table's total intermediate inputs per industry (row T005),
    which includes commodities no industry makes (non-comparable imports, used goods).
    """

    make: pd.DataFrame
    use: pd.DataFrame
    use_total_inputs: pd.Series
    names: pd.Series
    unit: str = BEA_UNIT
    notes: tuple[str, ...] = field(default=())


def _clip_negative(block: pd.DataFrame, label: str) -> tuple[pd.DataFrame, list[str]]:
    """Set negative cells to zero; say how many there were and their total."""
    negative = block < 0
    count = int(negative.to_numpy().sum())
    if not count:
        return block, []
    total = float(block.where(negative, 0.0).to_numpy().sum())
    note = f"{label}: {count} negative cell(s) (sum {total:g}) set to 0"
    return block.clip(lower=0.0), [note]


def _check_total(published: pd.Series, summed: pd.Series, label: str) -> list[str]:
    """Note the sectors whose published total differs from the sum of their flows."""
    scale = np.maximum(published.abs().to_numpy(), 1.0)
    off = np.abs(published.to_numpy() - summed.to_numpy()) > _TOTAL_TOLERANCE * scale
    if not off.any():
        return []
    codes = ", ".join(published.index[off][:10])
    return [f"{label} differs from the sum of the flows for {off.sum()} sector(s): {codes}"]


def _numeric(frame: pd.DataFrame, label: str) -> pd.DataFrame:
    """Cells as float64; a non-numeric cell is an error naming its row and column."""
    out = frame.apply(pd.to_numeric, errors="coerce").astype(np.float64)
    bad = out.isna() & frame.notna()
    if bad.to_numpy().any():
        rows, cols = np.nonzero(bad.to_numpy())
        where = ", ".join(
            f"({frame.index[int(r)]}, {frame.columns[int(c)]})"
            for r, c in zip(rows, cols, strict=True)
        )
        raise ValueError(f"{label}: non-numeric cell(s) at {where[:300]}")
    return out.fillna(0.0)


def read_nbs_table(path: str | Path) -> IOTable:
    """Read an NBS input-output table (sector x sector, 10,000 yuan) in the ionet CSV layout.

    Sector codes are the all-digit codes found both as rows and as columns, in row order;
    they must match exactly. Blank flow cells are zero (the table publishes every cell). The
    TII row and TIU column, when present, are the totals; otherwise the sums of the flows.
    """
    frame = pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    if "Code" not in frame.columns:
        raise ValueError(f"{path}: no 'Code' column; expected the NBS layout (docs/real-data.md)")
    frame = frame.set_index(frame["Code"].str.strip())
    rows = [c for c in frame.index if _SECTOR_CODE.match(c)]
    cols = [c for c in frame.columns if _SECTOR_CODE.match(str(c).strip())]
    if not rows or rows != cols:
        raise ValueError(
            f"{path}: sector rows and columns differ ({len(rows)} rows, {len(cols)} columns)"
        )
    raw = frame.loc[rows, cols].replace("", "0")
    flows, notes = _clip_negative(_numeric(raw, str(path)), "flows")
    flows.index.name, flows.columns.name = "supplier", "customer"
    total_inputs = _published_total(frame, "TII", rows, axis=0, default=flows.sum(axis=0))
    total_uses = _published_total(frame, "TIU", rows, axis=1, default=flows.sum(axis=1))
    notes += _check_total(total_inputs, flows.sum(axis=0), "TII")
    notes += _check_total(total_uses, flows.sum(axis=1), "TIU")
    return IOTable(
        flows=flows,
        total_inputs=total_inputs,
        total_uses=total_uses,
        names=_column_or_blank(frame, "Description", rows),
        names_local=_column_or_blank(frame, "DescriptionInChinese", rows),
        unit=NBS_UNIT,
        notes=tuple(notes),
    )


def _published_total(
    frame: pd.DataFrame, label: str, codes: list[str], *, axis: int, default: pd.Series
) -> pd.Series:
    """The TII row (axis 0) or TIU column (axis 1) over the sector codes, else `default`."""
    if axis == 0 and label in frame.index:
        values = frame.loc[label, codes]
    elif axis == 1 and label in frame.columns:
        values = frame.loc[codes, label]
    else:
        return default
    return pd.to_numeric(pd.Series(values), errors="raise").astype(np.float64).rename(label)


def _column_or_blank(frame: pd.DataFrame, column: str, codes: list[str]) -> pd.Series:
    if column not in frame.columns:
        return pd.Series("", index=codes, dtype=str)
    return frame.loc[codes, column].astype(str).str.strip()


def _bea_frame(path: str | Path) -> pd.DataFrame:
    """A BEA CSV with its first column (codes) as index; "NA" stays a code, not missing."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    first = frame.columns[0]
    frame = frame.set_index(frame[first].str.strip()).drop(columns=first)
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def _leading_sectors(codes: list[str]) -> list[str]:
    """The codes before the first total / value-added / final-demand code."""
    out: list[str] = []
    for code in codes:
        if _BEA_NON_SECTOR.match(code):
            break
        out.append(code)
    return out


def read_bea_make_use(
    make_path: str | Path, use_path: str | Path, names_path: str | Path | None = None
) -> MakeUse:
    """Read the BEA Make and Use tables (USEEIO CSV layout, $ million).

    Industries are the Use columns before T001, commodities the Use rows before T005; the
    Make table must list the same industries (rows) and commodities (columns). Blank cells are
    zero. ``names_path`` (optional) is a CSV whose first two columns are code and name.
    """
    make_frame, use_frame = _bea_frame(make_path), _bea_frame(use_path)
    industries = _leading_sectors(list(use_frame.columns))
    commodities = _leading_sectors(list(use_frame.index))
    missing = [c for c in industries if c not in make_frame.index]
    missing += [c for c in commodities if c not in make_frame.columns]
    if missing:
        raise ValueError(f"{make_path}: codes of the Use table missing here: {missing[:10]}")
    make = _numeric(make_frame.loc[industries, commodities].replace("", "0"), str(make_path))
    use = _numeric(use_frame.loc[commodities, industries].replace("", "0"), str(use_path))
    make, notes = _clip_negative(make, "Make")
    use, more = _clip_negative(use, "Use")
    if "T005" in use_frame.index:
        totals = pd.to_numeric(pd.Series(use_frame.loc["T005", industries])).astype(np.float64)
    else:
        totals = use.sum(axis=0)
    return MakeUse(
        make=make,
        use=use,
        use_total_inputs=totals.rename("total_inputs"),
        names=_bea_names(names_path, industries),
        notes=tuple(notes + more),
    )


def _bea_names(path: str | Path | None, codes: list[str]) -> pd.Series:
    if path is None:
        return pd.Series("", index=codes, dtype=str)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    names = pd.Series(frame.iloc[:, 1].to_numpy(), index=frame.iloc[:, 0].str.strip())
    return names.reindex(codes).fillna("").astype(str)


def industry_by_industry_flows(tables: MakeUse) -> IOTable:
    """Industry x industry flows Z = D U under the industry-technology assumption ($ million).

    D[i, c] = Make[i, c] / sum_k Make[k, c] is industry i's share of commodity c's output.
    Commodities no industry makes (non-comparable imports, used goods) are in no flow; they
    stay in each industry's total inputs (the Use table's T005), and `notes` reports them.
    Total uses are the row sums of Z (all of an industry's intermediate sales).
    """
    make, use = tables.make, tables.use
    output = make.sum(axis=0)
    share = make.to_numpy() / np.where(output.to_numpy() > 0, output.to_numpy(), 1.0)
    flows_array = share @ use.to_numpy()
    codes = list(make.index)
    flows = pd.DataFrame(flows_array, index=codes, columns=codes)
    flows.index.name, flows.columns.name = "supplier", "customer"
    unmade = output.index[output.to_numpy() <= 0]
    notes = list(tables.notes)
    if len(unmade):
        used = float(use.loc[unmade].to_numpy().sum())
        notes.append(
            f"commodities made by no industry ({', '.join(unmade)}) are in no flow "
            f"({used:g} {tables.unit} of intermediate use)"
        )
    return IOTable(
        flows=flows,
        total_inputs=tables.use_total_inputs.reindex(codes).astype(np.float64),
        total_uses=flows.sum(axis=1),
        names=tables.names.reindex(codes).fillna(""),
        names_local=pd.Series("", index=codes, dtype=str),
        unit=tables.unit,
        notes=tuple(notes),
    )


def supplier_shares(table: IOTable) -> pd.DataFrame:
    """s[i, j] = Z[i, j] / total intermediate inputs of j (0-1; 0 where j has no inputs)."""
    totals = table.total_inputs.to_numpy()
    values = table.flows.to_numpy() / np.where(totals > 0, totals, np.inf)[np.newaxis, :]
    return pd.DataFrame(values, index=table.flows.index, columns=table.flows.columns)


def customer_shares(table: IOTable) -> pd.DataFrame:
    """c[i, j] = Z[i, j] / total intermediate use of i's output (0-1; 0 where i sells none)."""
    totals = table.total_uses.to_numpy()
    values = table.flows.to_numpy() / np.where(totals > 0, totals, np.inf)[:, np.newaxis]
    return pd.DataFrame(values, index=table.flows.index, columns=table.flows.columns)


LINK_COLUMNS = ["supplier", "customer", "flow", "supplier_share", "customer_share"]


def link_table(table: IOTable, *, min_share: float = 0.0) -> pd.DataFrame:
    """One row per supplier -> customer pair with a positive flow, diagonal excluded.

    Columns: supplier, customer, flow (table unit), supplier_share, customer_share (0-1).
    A pair is kept when either share is >= min_share (a link that matters to one side).
    Sorted by customer, then descending supplier share.
    """
    s, c = supplier_shares(table).to_numpy(), customer_shares(table).to_numpy()
    flows = table.flows.to_numpy()
    keep = (flows > 0) & ~np.eye(flows.shape[0], dtype=bool)
    keep &= (s >= min_share) | (c >= min_share)
    rows, cols = np.nonzero(keep)
    codes = np.asarray(table.codes, dtype=object)
    links = pd.DataFrame(
        {
            "supplier": codes[rows],
            "customer": codes[cols],
            "flow": flows[rows, cols],
            "supplier_share": s[rows, cols],
            "customer_share": c[rows, cols],
        }
    )
    return links.sort_values(
        ["customer", "supplier_share"], ascending=[True, False], kind="stable"
    ).reset_index(drop=True)


def strongest_partners(
    links: pd.DataFrame, code: str, *, top: int = 3
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """An industry's `top` suppliers (by supplier share) and customers (by customer share)."""
    suppliers = links[links["customer"] == code].nlargest(top, "supplier_share")
    customers = links[links["supplier"] == code].nlargest(top, "customer_share")
    return suppliers, customers
