"""The demo firm directory: real companies by name and industry only, with a source; the rest
generated and labelled so; the files regenerate exactly."""

from __future__ import annotations

import csv
from pathlib import Path

from projects.demo.firms import FIRM_SEED, write_firm_directory
from projects.demo.generate import DATA_DIR, load_demo_world


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_it_regenerates_the_firm_files_byte_for_byte(tmp_path: Path) -> None:
    write_firm_directory(tmp_path)
    for name in ("firms.csv", "plants.csv"):
        assert (tmp_path / name).read_bytes() == (DATA_DIR / name).read_bytes(), name


def test_real_firms_carry_a_source_and_no_figures() -> None:
    real = [row for row in read(DATA_DIR / "firms.csv") if row["firm_id"].startswith("R-")]
    assert len(real) >= 30
    for row in real:
        assert row["source"].startswith(("article (", "public: ")), row
        assert "no figures" in row["source"]
        assert row["employees"] == "" and row["revenue"] == "", row


def test_every_other_firm_and_plant_is_labelled_generated() -> None:
    label = f"generated (seed {FIRM_SEED})"
    firms = read(DATA_DIR / "firms.csv")
    generated = [row for row in firms if not row["firm_id"].startswith("R-")]
    assert generated and all(row["source"] == label for row in generated)
    plants = read(DATA_DIR / "plants.csv")
    real_ids = {row["firm_id"] for row in firms} - {row["firm_id"] for row in generated}
    for plant in plants:
        if plant["firm_id"] not in real_ids:
            assert plant["source"] == label, plant
        else:
            assert plant["employees"] == "", plant


def test_codes_point_at_the_demo_taxonomy_and_cities() -> None:
    world = load_demo_world()
    firms = read(DATA_DIR / "firms.csv")
    assert {row["industry_code"] for row in firms} <= set(world.industries)
    ids = [row["firm_id"] for row in firms]
    assert len(ids) == len(set(ids))
    for plant in read(DATA_DIR / "plants.csv"):
        assert plant["firm_id"] in ids
        assert plant["region_code"] in world.regions
        assert plant["industry_code"] in world.industries


def test_generated_plants_sit_where_the_region_table_counts_their_industry() -> None:
    employed = {
        (row["region_code"], row["industry_code"])
        for row in read(DATA_DIR / "region_industries.csv")
        if row["employment"] and float(row["employment"]) > 0
    }
    generated = [p for p in read(DATA_DIR / "plants.csv") if p["firm_id"].startswith("G-")]
    assert generated
    assert all((p["region_code"], p["industry_code"]) in employed for p in generated)
