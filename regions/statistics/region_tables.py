"""Regional statistics tables (region x industry) as yearbooks and business registers publish them.

Two layouts:

- long: one row per (region, industry) with one column per measure (employment, firms,
  output), e.g. County Business Patterns (cbsa_code, naics_code, EMP, ESTAB);
- wide: one row per region and one column per industry holding one measure (or, with
  ``industries_in_rows``, one row per industry and one column per region), as yearbooks print.

Unknown stays unknown, never zero: a blank cell or a suppression marker ("D", "(D)", "S",
"(X)", "-", "…", "NA", …; see SUPPRESSION_MARKERS) becomes NaN, and a row flagged in a
``flag_column`` (e.g. a noise or suppression flag) has NaN employment. Any other text is an
error naming the cell, so a typo never silently turns into unknown. `complete_pairs` adds the
(region, industry) pairs a long table leaves out (CBP drops suppressed cells entirely) as
unknown rows.

Files: .csv / .txt (UTF-8, or GB18030 as Chinese Excel saves it) or .xlsx. Codes are kept as
text (leading zeros survive). Pure pandas / numpy.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

MEASURES = ("employment", "firms", "output")
# Cells that mean "not published" in US Census / BEA / NBS tables; compared case-sensitively
# after stripping spaces. Blank cells are always unknown.
SUPPRESSION_MARKERS = frozenset(
    {"D", "(D)", "S", "(S)", "X", "(X)", "N", "(N)", "NA", "N/A", "n/a", "NaN", "nan"}
    | {"-", "--", "—", "–", "…", "...", "*", "(NA)", "W", "(W)"}
)
_THOUSANDS = re.compile(r"(?<=\d)[,\u2009\u202f ](?=\d{3}\b)")
_ENCODINGS = ("utf-8-sig", "gb18030")


def read_text_table(
    path: str | Path, *, sheet: str | None = None, skip_rows: int = 0
) -> pd.DataFrame:
    """Every cell of a CSV or .xlsx file as stripped text ("" for blank), header from row 1.

    CSV files are read as UTF-8, or as GB18030 when they are not valid UTF-8. ``skip_rows``
    skips title lines above the header.
    """
    path = Path(path)
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        frame = pd.read_excel(path, sheet_name=sheet or 0, dtype=str, skiprows=skip_rows)
    else:
        frame = _read_csv_any_encoding(path, skip_rows)
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame.fillna("").astype(str).apply(lambda col: col.str.strip())


def _read_csv_any_encoding(path: Path, skip_rows: int) -> pd.DataFrame:
    # A .csv (or .csv.gz) is comma-separated; other text files have their delimiter sniffed.
    comma = ".csv" in path.suffixes[-2:]
    for encoding in _ENCODINGS:
        try:
            return pd.read_csv(
                path,
                dtype=str,
                keep_default_na=False,
                encoding=encoding,
                skiprows=skip_rows,
                sep="," if comma else None,
                engine="c" if comma else "python",
            )
        except UnicodeDecodeError:
            continue
    raise ValueError(f"{path}: neither UTF-8 nor GB18030 text")


def parse_cells(cells: pd.Series, label: str, *, markers: Iterable[str]) -> pd.Series:
    """Numbers from text cells: blank or a marker -> NaN; thousands separators allowed.

    Raises ValueError for negative numbers or any other text, naming up to ten cells.
    """
    markers = frozenset(markers)
    text = cells.astype(str).str.strip()
    unknown = (text == "") | text.isin(markers)
    cleaned = text.str.replace(_THOUSANDS, "", regex=True)
    values = pd.to_numeric(cleaned.where(~unknown, None), errors="coerce").astype(np.float64)
    bad = values.isna() & ~unknown
    if bad.any():
        listed = ", ".join(f"{i}: {text[i]!r}" for i in bad[bad].index[:10])
        raise ValueError(f"{label}: not a number or a suppression marker ({listed})")
    negative = values < 0
    if negative.any():
        listed = ", ".join(f"{i}: {text[i]!r}" for i in negative[negative].index[:10])
        raise ValueError(f"{label}: negative value(s) ({listed})")
    return values


def _require(frame: pd.DataFrame, columns: Iterable[str], path: str | Path) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{path}: missing column(s) {missing}; found {list(frame.columns)[:20]}")


def _check_unique(frame: pd.DataFrame, path: str | Path) -> None:
    repeated = frame[frame.duplicated(["region", "industry"], keep=False)]
    if len(repeated):
        pairs = ", ".join(
            f"{r}/{i}" for r, i in repeated[["region", "industry"]].head(10).to_numpy()
        )
        raise ValueError(f"{path}: (region, industry) listed more than once: {pairs}")


def read_long_table(
    path: str | Path,
    *,
    region_column: str,
    industry_column: str,
    measure_columns: Mapping[str, str],
    flag_column: str | None = None,
    markers: Iterable[str] = SUPPRESSION_MARKERS,
    sheet: str | None = None,
    skip_rows: int = 0,
) -> pd.DataFrame:
    """A long table as region, industry and one float column per measure (NaN = unknown).

    ``measure_columns`` maps a measure name (employment, firms, output) to the file's column.
    A non-blank ``flag_column`` cell makes that row's employment unknown. Rows with a blank
    region or industry code are dropped (totals and footnotes); a repeated pair is an error.
    """
    raw = read_text_table(path, sheet=sheet, skip_rows=skip_rows)
    columns = [region_column, industry_column, *measure_columns.values()]
    _require(raw, [*columns, *([flag_column] if flag_column else [])], path)
    raw = raw[(raw[region_column] != "") & (raw[industry_column] != "")]
    frame = pd.DataFrame({"region": raw[region_column], "industry": raw[industry_column]})
    for measure, column in measure_columns.items():
        frame[measure] = parse_cells(raw[column], f"{path}: column {column}", markers=markers)
    if flag_column and "employment" in frame.columns:
        frame.loc[raw[flag_column] != "", "employment"] = np.nan
    _check_unique(frame, path)
    return frame.reset_index(drop=True)


def read_wide_table(
    path: str | Path,
    *,
    region_column: str,
    measure: str = "employment",
    industries_in_rows: bool = False,
    markers: Iterable[str] = SUPPRESSION_MARKERS,
    sheet: str | None = None,
    skip_rows: int = 0,
) -> pd.DataFrame:
    """A wide table as long rows: region, industry, <measure> (NaN = blank or suppressed).

    Regions are in ``region_column`` and industries are the other column headers; with
    ``industries_in_rows`` the first column holds industry codes and the other headers are
    regions (``region_column`` then names that first column). Every cell becomes one row, so
    a blank cell is an unknown value, not a missing row.
    """
    raw = read_text_table(path, sheet=sheet, skip_rows=skip_rows)
    _require(raw, [region_column], path)
    raw = raw[raw[region_column] != ""]
    cells = raw.melt(id_vars=[region_column], var_name="column", value_name="cell")
    cells = cells.rename(columns={region_column: "row"})
    row_key, col_key = ("industry", "region") if industries_in_rows else ("region", "industry")
    frame = pd.DataFrame({row_key: cells["row"], col_key: cells["column"]})[["region", "industry"]]
    frame[measure] = parse_cells(cells["cell"], str(path), markers=markers).to_numpy()
    _check_unique(frame, path)
    return frame.reset_index(drop=True)


def complete_pairs(frame: pd.DataFrame) -> pd.DataFrame:
    """Add every (region, industry) pair the table leaves out, with all measures unknown.

    Regions and industries are those that appear somewhere in the table. Use it when the
    source drops suppressed cells (CBP): a missing row then means "not published", not zero.
    """
    full = pd.MultiIndex.from_product(
        [frame["region"].unique(), frame["industry"].unique()], names=["region", "industry"]
    )
    return frame.set_index(["region", "industry"]).reindex(full).reset_index()
