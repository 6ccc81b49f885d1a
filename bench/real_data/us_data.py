"""US inputs for the real-data benchmark: CBP metro areas x NAICS-6, BEA links, DPS clusters.

Everything is read from ../shared/data with the project's own adapters
(regions.statistics); nothing is copied into the repository.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from regions.statistics.concordance import apply_concordance
from regions.statistics.iotables import (
    IOTable,
    industry_by_industry_flows,
    read_bea_make_use,
)
from regions.statistics.region_tables import read_long_table

N_AREAS = 400
# A few metro areas named in the report (CBSA codes of the 2019 delineation).
AREA_NAMES = {
    "35620": "New York",
    "31080": "Los Angeles",
    "16980": "Chicago",
    "26420": "Houston",
    "19820": "Detroit",
    "42660": "Seattle",
    "41940": "San Jose",
    "41860": "San Francisco",
    "14460": "Boston",
    "34980": "Nashville",
    "29820": "Las Vegas",
    "25540": "Hartford",
    "48620": "Wichita",
    "24340": "Grand Rapids",
}


@dataclass(frozen=True)
class UsData:
    """The 400 largest metro areas (by CBP total employment) x the NAICS-6 codes found there.

    employment / establishments are (R, I) with NaN where CBP publishes no row (fewer than
    3 establishments: suppressed or none); totals are the all-industry CBP totals per area.
    """

    areas: list[str]
    industries: list[str]
    employment: np.ndarray
    establishments: np.ndarray
    total_employment: np.ndarray
    total_establishments: np.ndarray
    all_area_employment: pd.Series
    titles: dict[str, str]
    cluster_of: pd.Series
    cluster_names: dict[int, str]

    def name(self, area: str) -> str:
        return AREA_NAMES.get(area, area)


def load_us(data: Path) -> UsData:
    """Read CBP, its totals and the DPS cluster definitions."""
    cbp = read_long_table(
        data / "us_cbp_2019" / "cbp2019_cbsa_naics6.csv.gz",
        region_column="cbsa_code",
        industry_column="naics_code",
        measure_columns={"employment": "EMP", "firms": "ESTAB"},
    )
    totals = pd.read_csv(data / "us_cbp_2019" / "cbp2019_cbsa_totals.csv", dtype={"cbsa_code": str})
    areas = totals.nlargest(N_AREAS, "EMP_total")["cbsa_code"].tolist()
    cells = cbp[cbp["region"].isin(areas)]
    industries = sorted(cells["industry"].unique())
    grid = {
        m: cells.pivot(index="region", columns="industry", values=m).reindex(  # noqa: PD010
            index=areas, columns=industries
        )
        for m in ("employment", "firms")
    }
    dps = pd.read_csv(data / "us_dps_clusters" / "dps_naics_to_cluster.csv", dtype=str)
    traded = dps[dps["traded_local"] == "Traded"]
    by_code = totals.set_index("cbsa_code").loc[areas]
    return UsData(
        areas=areas,
        industries=industries,
        employment=grid["employment"].to_numpy(dtype=np.float64),
        establishments=grid["firms"].to_numpy(dtype=np.float64),
        total_employment=by_code["EMP_total"].to_numpy(dtype=np.float64),
        total_establishments=by_code["ESTAB_total"].to_numpy(dtype=np.float64),
        all_area_employment=cbp.groupby("industry")["employment"].sum(),
        titles=dict(zip(dps["naics"], dps["naics_title"], strict=True)),
        cluster_of=traded.set_index("naics")["cluster_code"].astype(int),
        cluster_names={
            int(k): v for k, v in zip(traded["cluster_code"], traded["cluster_name"], strict=True)
        },
    )


def bea_table(data: Path) -> IOTable:
    """BEA 2017 detail industry x industry flows ($ million), industry technology."""
    folder = data / "us_bea_io_2017"
    return industry_by_industry_flows(
        read_bea_make_use(
            folder / "Detail_Make_2017_BeforeRedef_17sch.csv",
            folder / "Detail_Use_2017_PRO_BeforeRedef_17sch.csv",
            folder / "Detail_IndustryCodeName_2017.csv",
        )
    )


def bea_to_naics(data: Path, us: UsData) -> pd.DataFrame:
    """Concordance BEA detail -> NAICS-6 from the BEA crosswalk, split by CBP employment.

    Each NAICS-6 code goes to the BEA code(s) of its longest crosswalk prefix; a BEA code's
    flows are split across its NAICS-6 codes in proportion to their national CBP employment
    (all areas), a code shared by k BEA codes counting 1/k in each.
    """
    crosswalk = pd.read_csv(
        data / "us_bea_io_2017" / "MasterCrosswalk2017.csv", dtype=str, keep_default_na=False
    )
    crosswalk = crosswalk[crosswalk["NAICS_2017_Code"].str.fullmatch(r"\d+")]
    pairs = []
    for naics in us.industries:
        hits = crosswalk[[naics.startswith(k) for k in crosswalk["NAICS_2017_Code"]]]
        if hits.empty:
            continue
        longest = hits["NAICS_2017_Code"].str.len().max()
        for bea in sorted(
            set(hits.loc[hits["NAICS_2017_Code"].str.len() == longest, "BEA_2017_Detail_Code"])
        ):
            pairs.append((bea, naics))
    frame = pd.DataFrame(pairs, columns=["table_code", "industry_code"])
    shared = frame.groupby("industry_code")["table_code"].transform("nunique")
    raw = frame["industry_code"].map(us.all_area_employment).fillna(0.0) / shared
    total = raw.groupby(frame["table_code"]).transform("sum")
    equal = 1.0 / frame.groupby("table_code")["industry_code"].transform("count")
    frame["weight"] = np.where(total > 0, raw / total.where(total > 0, 1.0), equal)
    return frame


def naics_table(data: Path, us: UsData) -> tuple[IOTable, pd.DataFrame]:
    """BEA flows expressed in the 400 areas' NAICS-6 codes, and the concordance used."""
    concordance = bea_to_naics(data, us)
    names = pd.Series({code: us.titles.get(code, "") for code in us.industries})
    table = apply_concordance(
        bea_table(data), concordance, industry_codes=us.industries, names=names
    )
    return table, concordance
