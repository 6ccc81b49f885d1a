"""What a prospect's explanation says: the lead explanation of the engine, plus the chain gap
the firm would fill, named in both languages."""

from __future__ import annotations

from typing import Any

import numpy as np
from django.utils import translation
from django.utils.translation import gettext as _

from regions.models import Firm
from screening.scoring import World, explain_lead
from screening.selectors.gaps import ChainGap, GapSide
from screening.selectors.prospects import RegionProfile, RegionScope, firm_batch
from screening.world import LoadedWorld

# The explanation's languages and the Django language each is written in.
LANGUAGES = {"zh": "zh-hans", "en": "en"}


def _named(names: dict[str, tuple[str, str]], code: str) -> dict[str, str]:
    zh, en = names.get(code, (code, code))
    return {"code": code, "name_zh": zh, "name_en": en}


def gap_facts(world: World, gap: ChainGap) -> dict[str, Any]:
    """The gap as plain data: the industry, whether weak or missing, the cluster and partner."""
    inputs = world.inputs
    industry = lambda i: _named(inputs.industry_names, inputs.industry_codes[i])  # noqa: E731
    return {
        "industry": industry(gap.industry),
        "status": "missing" if gap.missing else "weak",
        "side": str(gap.side),
        "cluster": _named(inputs.cluster_names, inputs.cluster_codes[gap.cluster])
        if gap.cluster >= 0
        else None,
        "partner": industry(gap.partner) if gap.partner >= 0 else None,
        "share": round(float(gap.share), 2),
    }


def gap_sentence(facts: dict[str, Any], lang: str) -> str:
    """The gap in one sentence, in `lang` ('zh' or 'en')."""
    with translation.override(LANGUAGES[lang]):
        return _gap_sentence(facts, "name_zh" if lang == "zh" else "name_en")


def _gap_sentence(facts: dict[str, Any], name: str) -> str:
    values = {
        "industry": facts["industry"][name],
        "status": _("缺失") if facts["status"] == "missing" else _("薄弱"),
        "cluster": facts["cluster"][name] if facts["cluster"] else "",
        "partner": facts["partner"][name] if facts["partner"] else "",
    }
    side, in_cluster = facts["side"], facts["cluster"] is not None
    if side == GapSide.MEMBER:
        return _("补齐%(cluster)s的%(status)s环节：%(industry)s。") % values
    if side == GapSide.SUPPLIES and in_cluster:
        return _("补齐%(cluster)s上游的%(status)s环节：%(industry)s，供应%(partner)s。") % values
    if side == GapSide.BUYS and in_cluster:
        return _("补齐%(cluster)s下游的%(status)s环节：%(industry)s，采购%(partner)s。") % values
    if side == GapSide.SUPPLIES:
        return _("补齐本地%(partner)s上游的%(status)s环节：%(industry)s。") % values
    return _("补齐本地%(partner)s下游的%(status)s环节：%(industry)s。") % values


def gap_text(world: World, gap: ChainGap | None) -> str:
    """The gap sentence in the active language ("" when the firm fills no gap here)."""
    if gap is None:
        return ""
    return _gap_sentence(gap_facts(world, gap), "name_en" if _is_english() else "name_zh")


def _is_english() -> bool:
    return (translation.get_language() or "").startswith("en")


def prospect_explanation(
    loaded: LoadedWorld,
    scope: RegionScope,
    firm: Firm,
    gap: ChainGap | None,
    profile: RegionProfile,
) -> dict[str, Any]:
    """The engine's explanation of the firm as a lead in the region, the gap named second.

    The same dict a stored lead score keeps (screening.scoring.explain_lead), with a "gap"
    entry (None when the firm fills no gap here) and the gap sentence after the headline.
    """
    world = loaded.world
    batch = firm_batch(
        scope.position,
        np.array([loaded.industry_pos[firm.industry_id]], dtype=np.int64),
        np.array([np.nan if firm.employees is None else firm.employees], dtype=np.float64),
    )
    data = explain_lead(world, batch, 0, weights=profile.sub_score_weights()).to_dict()
    facts = gap_facts(world, gap) if gap is not None else None
    data["gap"] = facts
    if facts is not None:
        for lang, sentences in data["sentences"].items():
            sentences.insert(1, gap_sentence(facts, lang))
    return data
