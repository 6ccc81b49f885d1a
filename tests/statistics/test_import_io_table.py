"""`import_io_table`: links from the hand-made NBS and BEA tables, written all or nothing.

Expected shares (see test_concordance.py for the arithmetic): supplier shares
A->B 12/36, A->C 23/51.5, B->A 3/40, B->C 4.5/51.5, C->A 14.5/40.
"""

from __future__ import annotations

import io
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import CommandError, call_command

from regions.models import IndustryLink
from screening.models import DataVersion
from tests.factories import IndustryFactory, IndustryLinkFactory

pytestmark = pytest.mark.django_db

HAND_DRAWN = "illustrative (hand-drawn chain map)"


@pytest.fixture
def industries() -> None:
    for code in ["A", "B", "C"]:
        IndustryFactory(code=code)


def _version() -> int:
    row = DataVersion.objects.filter(pk=1).first()
    return row.measures_version if row else 1


def _links() -> dict[tuple[str, str], tuple[float, str]]:
    rows = IndustryLink.objects.values_list("supplier__code", "customer__code", "weight", "source")
    return {(s, c): (w, src) for s, c, w, src in rows}


def _import_nbs(fixtures: Path, *args: str) -> None:
    call_command(
        "import_io_table",
        str(fixtures / "nbs_small.csv"),
        "--format",
        "nbs",
        "--concordance",
        str(fixtures / "nbs_concordance.csv"),
        "--source",
        "NBS test table",
        *args,
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )


def test_it_writes_supplier_shares_with_the_table_as_source(
    industries: None, fixtures: Path
) -> None:
    before = _version()

    _import_nbs(fixtures, "--min-share", "0")

    links = _links()
    assert set(links) == {("A", "B"), ("A", "C"), ("B", "A"), ("B", "C"), ("C", "A")}
    assert links["A", "B"][0] == pytest.approx(12 / 36)
    assert links["A", "C"][0] == pytest.approx(23 / 51.5)
    assert links["C", "A"][0] == pytest.approx(14.5 / 40)
    assert links["B", "C"][0] == pytest.approx(4.5 / 51.5)
    assert links["A", "B"][1] == ("IO table: NBS test table (10,000 yuan); weight = supplier share")
    assert _version() == before + 1


def test_it_stores_the_customer_share_as_the_links_customer_weight(
    industries: None, fixtures: Path
) -> None:
    _import_nbs(fixtures, "--min-share", "0")

    rows = IndustryLink.objects.values_list("supplier__code", "customer__code", "customer_weight")
    sales = {(supplier, customer): share for supplier, customer, share in rows}
    # Agriculture (A) sells 60 to intermediate use: 20 x 0.6 = 12 to B (cells are 60% of
    # batteries) and 20 x 0.4 + 30 x 0.5 = 23 to C; its purchases from itself are left out.
    assert sales["A", "B"] == pytest.approx(12 / 60)
    assert sales["A", "C"] == pytest.approx(23 / 60)


def test_it_drops_links_below_the_minimum_share(industries: None, fixtures: Path) -> None:
    # B->A (s 0.075, c 0.083) and B->C (s 0.087, c 0.125) are below 0.3 on both sides.
    _import_nbs(fixtures, "--min-share", "0.3")

    assert set(_links()) == {("A", "B"), ("A", "C"), ("C", "A")}


def test_it_removes_its_own_links_that_a_reimport_no_longer_has(
    industries: None, fixtures: Path
) -> None:
    _import_nbs(fixtures, "--min-share", "0")
    IndustryLinkFactory(
        supplier=IndustryFactory(code="B"),
        customer=IndustryFactory(code="X"),
        source="IO table: other",
    )

    _import_nbs(fixtures, "--min-share", "0.3")

    # B->X came from another table: it stays.
    assert set(_links()) == {("A", "B"), ("A", "C"), ("C", "A"), ("B", "X")}


def test_it_leaves_hand_drawn_links_alone_by_default(industries: None, fixtures: Path) -> None:
    IndustryLinkFactory(
        supplier=IndustryFactory(code="A"),
        customer=IndustryFactory(code="B"),
        weight=0.9,
        source=HAND_DRAWN,
    )

    _import_nbs(fixtures, "--min-share", "0")

    assert _links()["A", "B"] == (0.9, HAND_DRAWN)
    assert _links()["A", "C"][0] == pytest.approx(23 / 51.5)


def test_it_lets_the_table_replace_hand_drawn_links_when_asked(
    industries: None, fixtures: Path
) -> None:
    IndustryLinkFactory(
        supplier=IndustryFactory(code="A"),
        customer=IndustryFactory(code="B"),
        weight=0.9,
        source=HAND_DRAWN,
    )

    _import_nbs(fixtures, "--min-share", "0", "--no-keep-hand-drawn")

    weight, source = _links()["A", "B"]
    assert weight == pytest.approx(12 / 36)
    assert source.startswith("IO table: ")


def test_it_limits_an_import_to_one_chain(industries: None, fixtures: Path) -> None:
    _import_nbs(fixtures, "--min-share", "0", "--industries", "C")

    assert set(_links()) == {("A", "C"), ("B", "C"), ("C", "A")}


def test_it_writes_nothing_when_the_concordance_names_an_unknown_industry(
    industries: None, fixtures: Path, tmp_path: Path
) -> None:
    concordance = tmp_path / "c.csv"
    concordance.write_text("table_code,industry_code,weight\n001,A,1\n002,Z,1\n")
    before = _version()

    with pytest.raises(CommandError, match="not in the project"):
        call_command(
            "import_io_table",
            str(fixtures / "nbs_small.csv"),
            "--format",
            "nbs",
            "--concordance",
            str(concordance),
        )

    assert IndustryLink.objects.count() == 0
    assert _version() == before


def test_it_writes_all_or_nothing(industries: None, fixtures: Path) -> None:
    IndustryLinkFactory(
        supplier=IndustryFactory(code="A"),
        customer=IndustryFactory(code="B"),
        weight=0.2,
        source="IO table: NBS test table (10,000 yuan); weight = supplier share",
    )
    target = "regions.management.commands.import_io_table.measures_changed"

    with mock.patch(target, side_effect=RuntimeError("boom")), pytest.raises(RuntimeError):
        _import_nbs(fixtures, "--min-share", "0")

    assert _links() == {
        ("A", "B"): (0.2, "IO table: NBS test table (10,000 yuan); weight = supplier share")
    }


def test_it_writes_nothing_on_a_dry_run(industries: None, fixtures: Path) -> None:
    _import_nbs(fixtures, "--dry-run")

    assert IndustryLink.objects.count() == 0


def test_it_prints_each_industrys_strongest_partners(
    industries: None, fixtures: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command(
        "import_io_table",
        str(fixtures / "nbs_small.csv"),
        "--format",
        "nbs",
        "--concordance",
        str(fixtures / "nbs_concordance.csv"),
        "--min-share",
        "0",
        "--top",
        "1",
    )

    out = capsys.readouterr().out
    # A's top supplier is C (14.5/40 = 36.2%), its top customer C (23/60 = 38.3%).
    assert "suppliers C 36.2% | customers C 38.3%" in out
    assert "5 links with a share >= 0 " in out


def test_it_imports_bea_make_and_use(fixtures: Path) -> None:
    IndustryFactory(code="X")
    IndustryFactory(code="Y")

    call_command(
        "import_io_table",
        str(fixtures / "bea_use.csv"),
        "--format",
        "bea",
        "--make",
        str(fixtures / "bea_make.csv"),
        "--concordance",
        str(fixtures / "bea_concordance.csv"),
        "--min-share",
        "0",
        stdout=io.StringIO(),
    )

    links = _links()
    assert links["X", "Y"][0] == pytest.approx(29 / 85)
    assert links["Y", "X"][0] == pytest.approx(20 / 35)
    assert "$ million" in links["X", "Y"][1]


def test_it_needs_the_make_table_for_bea(fixtures: Path) -> None:
    with pytest.raises(CommandError, match="--make"):
        call_command(
            "import_io_table",
            str(fixtures / "bea_use.csv"),
            "--format",
            "bea",
            "--concordance",
            str(fixtures / "bea_concordance.csv"),
        )


def test_it_writes_a_draft_concordance_to_correct(fixtures: Path, tmp_path: Path) -> None:
    IndustryFactory(code="LIB", name="电池", name_en="Batteries")
    IndustryFactory(code="TRADE", name="批发零售", name_en="Wholesale trade")
    out = tmp_path / "draft.csv"

    call_command(
        "import_io_table",
        str(fixtures / "nbs_small.csv"),
        "--format",
        "nbs",
        "--write-concordance",
        str(out),
        stdout=io.StringIO(),
    )

    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "table_code,industry_code,weight,match,table_name,industry_name"
    assert lines[1].startswith("002,LIB,1.0,name")
    assert lines[2].startswith("003,TRADE,1.0,name")
    assert IndustryLink.objects.count() == 0
