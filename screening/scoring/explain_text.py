"""Short sentences (Chinese and English) from an explanation's data; read in one glance.

One sentence per point, numbers rounded: scores as integers, phi and LQ to 2 / 1 decimals,
shares as whole percent. Pure Python.
"""

from __future__ import annotations

from typing import Any

from screening.scoring.engine import NEUTRAL_PULL, NEUTRAL_STRENGTHEN

# Display names of common endowment factors; other factor names are shown as they are.
FACTOR_LABELS: dict[str, tuple[str, str]] = {
    "port": ("港口", "port"),
    "industrial_land_ha": ("工业用地", "industrial land"),
    "power": ("电力", "power"),
    "water": ("水资源", "water"),
    "rail": ("铁路", "rail"),
    "airport": ("机场", "airport"),
    "highway": ("高速公路", "highway"),
    "gas": ("天然气", "natural gas"),
    "labour": ("劳动力", "labour"),
    "university": ("高校", "university"),
    "universities": ("高校", "universities"),
    "rail_hub": ("铁路枢纽", "rail hub"),
    "bonded_zone": ("综合保税区", "bonded zone"),
    "chemical_park": ("化工园区", "chemical park"),
    "coal_resources": ("煤炭资源", "coal resources"),
    "oil_gas_resources": ("油气资源", "oil and gas resources"),
    "rare_earth_resources": ("稀土资源", "rare-earth resources"),
    "sea_launch_site": ("海上发射场", "sea launch site"),
    "port_throughput_mt": ("港口吞吐能力", "port throughput"),
    "power_price_cny_kwh": ("低电价", "low power price"),
    "water_price_cny_m3": ("低水价", "low water price"),
    "avg_wage_cny_month": ("较低工资成本", "lower wage cost"),
    "rd_intensity_pct": ("研发强度", "R&D intensity"),
    "skilled_workforce_k": ("技能人才", "skilled workforce"),
    "green_power_share_pct": ("绿电占比", "green power share"),
}

LEVELS: dict[str, tuple[str, str]] = {
    "province": ("省", "province"),
    "city": ("市", "city"),
    "county": ("县", "county"),
    "zone": ("园区", "zone"),
}

T: dict[str, dict[str, str]] = {
    "headline": {
        "zh": "总分 {total}（置信度 {conf}）：本地适配 {local}，补链 {chain}，"
        "强群 {cluster}（壮大集群 {strengthen}，带动配套 {pull}）。",
        "en": "Total {total} (confidence {conf}): local fit {local}, chain {chain}, "
        "cluster {cluster} (strengthen {strengthen}, pull {pull}).",
    },
    "related": {"zh": "本地已有相关产业：{items}。", "en": "Related industries here: {items}."},
    "no_related": {
        "zh": "本地没有具备优势的相关产业。",
        "en": "No related industry is strong here.",
    },
    "phi_reference": {"zh": "关联度 φ 来源：{source}。", "en": "Relatedness φ: {source}."},
    "phi_estimated": {
        "zh": "关联度 φ 由同级 {n} 个地区估算。",
        "en": "Relatedness φ estimated from {n} regions of this level.",
    },
    "phi_too_few": {
        "zh": "关联度 φ 仅由同级 {n} 个地区估算（少于 {min} 个，难以区分相关与无关产业）。",
        "en": "Relatedness φ estimated from only {n} regions of this level (fewer than {min}: "
        "too few to tell related from unrelated industries).",
    },
    "baseline": {
        "zh": "评分依据 {year} 年的地区数据。",
        "en": "Scored against the region data of {year}.",
    },
    "rca_national": {
        "zh": "专业化程度（RCA）以全国为参照：{source}。",
        "en": "Specialisation (RCA) is measured against the nation: {source}.",
    },
    "density": {
        "zh": "关联密度 {d}，高于同级 {pct}% 的地区-产业组合。",
        "en": "Relatedness density {d}, above {pct}% of {level}-industry pairs.",
    },
    "met": {"zh": "满足的需求：{items}。", "en": "Needs met: {items}."},
    "unmet": {"zh": "未满足的需求：{items}。", "en": "Needs not met: {items}."},
    "unknown_needs": {
        "zh": "情况未知的需求：{items}（不计入，降低置信度）。",
        "en": "Needs with unknown local supply: {items} (left out; lowers confidence).",
    },
    "suppliers": {"zh": "本地供应商：{items}。", "en": "Local suppliers: {items}."},
    "customers": {"zh": "本地客户：{items}。", "en": "Local customers: {items}."},
    "absent": {
        "zh": "该产业在本地尚无，项目可补上这一环。",
        "en": "The industry is absent here, so the lead fills a gap.",
    },
    "weak": {
        "zh": "该产业在本地较弱（RCA {rca}），项目可补上这一环。",
        "en": "The industry is weak here (RCA {rca}), so the lead fills a gap.",
    },
    "strong_here": {
        "zh": "该产业在本地已较强（RCA {rca}），补链空间小。",
        "en": "The industry is already strong here (RCA {rca}): little gap to fill.",
    },
    "inputs": {
        "zh": "项目列出的 {n} 种投入中，{k} 种本地有生产。",
        "en": "{k} of the {n} inputs the lead named are made here.",
    },
    "unmapped": {
        "zh": "该产业不在产业链图谱中，补链分按中性 50 计。",
        "en": "This industry is not on the chain map: chain score is neutral (50).",
    },
    "cluster": {
        "zh": "可壮大集群“{name}”（区位商 {lq}{strong}），{rel}；{size}。",
        "en": "Strengthens cluster {name} (LQ {lq}{strong}), {rel}; {size}.",
    },
    "strong_flag": {"zh": "，强集群", "en": ", strong"},
    "member": {"zh": "属集群成员", "en": "a member industry"},
    "related_to": {"zh": "关联度 φ {phi}", "en": "related (φ {phi})"},
    "size": {
        "zh": "项目将使集群就业增加 {pct}%（现有 {emp} 人）",
        "en": "the lead adds {pct}% to its {emp} jobs",
    },
    "size_unknown": {
        "zh": "项目就业未知，按中性规模计",
        "en": "lead jobs unknown, neutral size assumed",
    },
    "no_cluster_related": {
        "zh": "本地没有与该产业相关的集群。",
        "en": "No cluster here is related to this industry.",
    },
    "no_clusters": {
        "zh": "该地区未登记集群，壮大集群一项按中性 50 计。",
        "en": "No clusters are mapped for this region: the strengthening part is neutral (50).",
    },
    "pulls": {
        "zh": "可带动配套：{items}——本地缺失或薄弱，占其投入的 {pct}%。",
        "en": "Would draw in: {items} — absent or weak here, {pct}% of its inputs.",
    },
    "pull_unrelated": {
        "zh": "本地缺失的供应商（{items}）在本地没有相关产业基础，难以被带动。",
        "en": "Its missing suppliers ({items}) have no related base here: unlikely to follow.",
    },
    "pull_nothing": {
        "zh": "其供应商本地已齐备，带动空间小。",
        "en": "Its suppliers are already here: little to draw in.",
    },
    "pull_size": {
        "zh": "本行业典型工厂约 {typical} 人（{source}），项目规模为其 {ratio} 倍。",
        "en": "A typical plant of its industry has about {typical} jobs ({source}); "
        "the lead is {ratio}× that.",
    },
    "pull_size_unknown": {
        "zh": "项目就业未知，按一个典型工厂（约 {typical} 人，{source}）计。",
        "en": "Lead jobs unknown: counted as one typical plant ({typical} jobs, {source}).",
    },
    "pull_typical_unknown": {
        "zh": "本行业典型工厂规模未知，按中性规模计。",
        "en": "The typical plant size of this industry is unknown: neutral size assumed.",
    },
    "pull_unmapped": {
        "zh": "该产业没有供应商数据，带动配套一项按中性 50 计。",
        "en": "No supplier data for this industry: the pull part is neutral (50).",
    },
    "confidence": {"zh": "置信度 {conf}：{items}。", "en": "Confidence {conf}: {items}."},
}

REASONS: dict[str, tuple[str, str]] = {
    "phi_few_regions": ("关联度仅由 {n} 个地区估算", "relatedness estimated from only {n} regions"),
    "local_no_evidence": ("无关联或需求数据，本地适配按中性计", "no relatedness or needs data"),
    "related_sizes_unknown": (
        "相关产业中 {pct}% 缺少规模数据",
        "{pct}% of related size data missing",
    ),
    "needs_unknown": ("部分需求的本地条件未知", "local supply of some needs unknown"),
    "land_need_unknown": (
        "用地面积未知（只核对了有无工业用地）",
        "land need in ha unknown (only whether industrial land exists was checked)",
    ),
    "chain_no_evidence": ("无产业链数据，补链按中性计", "no chain data"),
    "chain_sizes_unknown": ("产业链数据不全", "chain size data incomplete"),
    "own_size_unknown": ("该产业在本地的规模未知", "the industry's own size here unknown"),
    "cluster_no_evidence": ("无集群数据，壮大集群一项按中性计", "no cluster data"),
    "pull_no_evidence": ("无供应商数据，带动配套一项按中性计", "no supplier data for pull"),
    "pull_sizes_unknown": (
        "供应商产业中 {pct}% 缺少本地规模数据",
        "{pct}% of supplier size data missing",
    ),
    "typical_plant_employment": (
        "典型工厂规模由地区就业估算（无企业数）",
        "typical plant size from employment, no firm counts",
    ),
    "typical_plant_unknown": ("本行业典型工厂规模未知", "typical plant size unknown"),
    "jobs_from_capex": ("就业人数由投资额估算", "jobs estimated from capex"),
    "jobs_unknown": ("就业人数和投资额未知", "jobs and capex unknown"),
    "cluster_sizes_unknown": ("集群中 {pct}% 缺少规模数据", "{pct}% of cluster size data missing"),
}


def _t(key: str, lang: str, **values: Any) -> str:
    return T[key][lang].format(**values)


def _name(item: dict[str, Any], lang: str) -> str:
    return str(item["name_zh"] if lang == "zh" else item["name_en"])


def _join(items: list[str], lang: str) -> str:
    return ("、" if lang == "zh" else ", ").join(items)


def _pick(lang: str) -> int:
    """Index into a (zh, en) pair."""
    return 0 if lang == "zh" else 1


def factor_name(code: str, lang: str) -> str:
    """The display name of an endowment factor in `lang` ('zh' or 'en'): 'port' -> 港口 /
    port. A factor outside FACTOR_LABELS (one a region added) keeps its code: it has no name."""
    return FACTOR_LABELS.get(code, (code, code))[_pick(lang)]


def _factors(names: list[str], lang: str) -> str:
    return _join([factor_name(n, lang) for n in names], lang)


def _pct(share: float | None) -> str:
    return "?" if share is None else f"{100 * share:.0f}"


def _headline(data: dict[str, Any], lang: str) -> str:
    s = data["scores"]
    return _t(
        "headline",
        lang,
        total=f"{s['total']:.0f}",
        conf=_percent(s["confidence"]),
        local=f"{s['local_fit']:.0f}",
        chain=f"{s['chain_completion']:.0f}",
        cluster=f"{s['cluster_strength']:.0f}",
        strengthen=f"{s.get('strengthen', s['cluster_strength']):.0f}",
        pull=f"{s.get('pull', 50.0):.0f}",
    )


def _local(data: dict[str, Any], lang: str) -> list[str]:
    local = data["local_fit"]
    related = [
        f"{_name(x, lang)}（φ {x['phi']:.2f}）"
        if lang == "zh"
        else f"{_name(x, lang)} (φ {x['phi']:.2f})"
        for x in local["related_present"]
    ]
    out = [_t("related", lang, items=_join(related, lang)) if related else _t("no_related", lang)]
    out += _phi_source(local.get("relatedness"), lang)
    if local["density"] is not None:
        level = LEVELS.get(local["level"], (local["level"], local["level"]))[_pick(lang)]
        pct = _pct(local["density_share_below"])
        out.append(_t("density", lang, d=f"{local['density']:.2f}", pct=pct, level=level))
    for key, label in (("met", "met"), ("unmet", "unmet"), ("unknown", "unknown_needs")):
        if local["needs"][key]:
            out.append(_t(label, lang, items=_factors(local["needs"][key], lang)))
    return out


def _phi_source(source: dict[str, Any] | None, lang: str) -> list[str]:
    """Where phi comes from: the reference space's label, or how many regions it rests on."""
    if not source:
        return []
    national = source.get("rca_reference")
    rca = [] if national is None else [_t("rca_national", lang, source=national or "—")]
    if source.get("baseline_year"):
        rca.append(_t("baseline", lang, year=source["baseline_year"]))
    if source["reference"]:
        return [_t("phi_reference", lang, source=source["source"] or "—"), *rca]
    key = "phi_too_few" if source["regions"] < source["minimum_regions"] else "phi_estimated"
    return [_t(key, lang, n=source["regions"], min=source["minimum_regions"]), *rca]


def _link_items(items: list[dict[str, Any]], key: str, lang: str) -> str:
    if lang == "zh":
        what = "占投入" if key == "input_share" else "占销售"
        return _join([f"{_name(x, lang)}（{what} {_pct(x[key])}%）" for x in items], lang)
    what = "of inputs" if key == "input_share" else "of sales"
    return _join([f"{_name(x, lang)} ({_pct(x[key])}% {what})" for x in items], lang)


def _chain(data: dict[str, Any], lang: str) -> list[str]:
    chain, out = data["chain"], []
    inputs = chain["inputs"]
    n_inputs = sum(len(v) for v in inputs.values())
    if not chain["mapped"] and not n_inputs:
        return [_t("unmapped", lang)]
    if chain["suppliers"]:
        out.append(
            _t("suppliers", lang, items=_link_items(chain["suppliers"], "input_share", lang))
        )
    if chain["customers"]:
        out.append(
            _t("customers", lang, items=_link_items(chain["customers"], "sales_share", lang))
        )
    if chain["own_rca"] is not None:
        rca = chain["own_rca"]
        key = "absent" if rca == 0 else "weak" if rca < 1 else "strong_here"
        out.append(_t(key, lang, rca=f"{chain['own_rca']:.1f}"))
    if n_inputs:
        out.append(_t("inputs", lang, n=n_inputs, k=len(inputs["present"])))
    return out


def _cluster_sentence(c: dict[str, Any], lang: str, jobs_known: bool) -> str:
    rel = (
        _t("member", lang) if c["member"] else _t("related_to", lang, phi=f"{c['relatedness']:.2f}")
    )
    if not jobs_known:
        size = _t("size_unknown", lang)
    else:
        size = _t("size", lang, pct=_pct(c["size_ratio"]), emp=f"{c['employment']:,.0f}")
    strong = _t("strong_flag", lang) if c["strong"] else ""
    lq = "?" if c["lq"] is None else f"{c['lq']:.1f}"
    return _t("cluster", lang, name=_name(c, lang), lq=lq, strong=strong, rel=rel, size=size)


def _clusters(data: dict[str, Any], lang: str, jobs_known: bool) -> list[str]:
    if data["scores"]["neutral"] & NEUTRAL_STRENGTHEN and not data["clusters"]:
        return [_t("no_clusters", lang)]
    if not data["clusters"]:
        return [_t("no_cluster_related", lang)]
    return [_cluster_sentence(c, lang, jobs_known) for c in data["clusters"][:2]]


SOURCES = {
    "firms": ("按企业数", "from firm counts"),
    "employment": ("按地区就业估算", "estimated from regional employment"),
}


def _pulled_items(items: list[dict[str, Any]], lang: str) -> str:
    if lang == "zh":
        return _join([f"{_name(x, lang)}（占投入 {_pct(x['input_share'])}%）" for x in items], lang)
    return _join([f"{_name(x, lang)} ({_pct(x['input_share'])}% of inputs)" for x in items], lang)


def _pull_size(pull: dict[str, Any], lang: str, jobs_known: bool) -> str:
    if pull["typical_plant"] is None:
        return _t("pull_typical_unknown", lang)
    source = SOURCES.get(pull["typical_source"], ("", ""))[_pick(lang)]
    typical = f"{pull['typical_plant']:,.0f}"
    if not jobs_known or pull["size_ratio"] is None:
        return _t("pull_size_unknown", lang, typical=typical, source=source)
    return _t("pull_size", lang, typical=typical, source=source, ratio=f"{pull['size_ratio']:.1f}")


def _pull(data: dict[str, Any], lang: str, jobs_known: bool) -> list[str]:
    """Which missing suppliers the lead would draw in, and its size against a typical plant."""
    pull = data.get("pull")
    if not pull:  # an explanation stored before anchor pull existed
        return []
    if data["scores"]["neutral"] & NEUTRAL_PULL:
        return [_t("pull_unmapped", lang)]
    out = []
    if pull["suppliers"]:
        items = _pulled_items(pull["suppliers"], lang)
        out.append(_t("pulls", lang, items=items, pct=_pct(pull["missing_share"])))
    elif not pull["unrelated_missing"]:
        out.append(_t("pull_nothing", lang))
    if pull["unrelated_missing"]:
        names = _join([_name(x, lang) for x in pull["unrelated_missing"][:3]], lang)
        out.append(_t("pull_unrelated", lang, items=names))
    return [*out, _pull_size(pull, lang, jobs_known)]


def _confidence(data: dict[str, Any], lang: str) -> list[str]:
    reasons = data["confidence"]["reasons"]
    if not reasons:
        return []
    texts = [
        REASONS[r["code"]][_pick(lang)].format(pct=_pct(r.get("share")), n=r.get("regions"))
        for r in reasons
    ]
    # Reasons are clauses with commas of their own: "；" keeps them apart ("、" ran them into
    # one garbled clause: "只核对有无工业用地、就业人数和投资额未知").
    items = ("；" if lang == "zh" else "; ").join(texts)
    return [_t("confidence", lang, conf=_percent(data["confidence"]["value"]), items=items)]


def _percent(share: float) -> str:
    """A confidence as the UI shows it everywhere: a whole percent ("82%")."""
    return f"{100 * share:.0f}%"


def _jobs_known(data: dict[str, Any]) -> bool:
    """Whether the lead's jobs were known or estimated from capex (sizes then have a ratio)."""
    if "lead_jobs" in data:
        return data["lead_jobs"] is not None
    # Stored before the lead's jobs were part of the data: unknown jobs were named as a reason.
    return not any(r["code"] == "jobs_unknown" for r in data["confidence"]["reasons"])


def sentences(data: dict[str, Any], lang: str) -> list[str]:
    """The explanation as short sentences in `lang` ('zh' or 'en')."""
    jobs_known = _jobs_known(data)
    return [
        _headline(data, lang),
        *_local(data, lang),
        *_chain(data, lang),
        *_clusters(data, lang, jobs_known),
        *_pull(data, lang, jobs_known),
        *_confidence(data, lang),
    ]


def read_sentences(explanation: dict[str, Any] | None, lang: str) -> list[str]:
    """A stored explanation's sentences in `lang`, rendered now from its data.

    The sentences stored beside the data were written when the score was computed; a change of
    wording (a confidence reason, a factor's name) would reach a page only when the score next
    changed. The data are the record; the words are rendered when read. An explanation whose
    data this renderer cannot read (stored by a much older version) keeps its stored sentences.
    Empty for no explanation.
    """
    if not explanation:
        return []
    try:
        return sentences(explanation, lang)
    except (KeyError, TypeError):
        stored = explanation.get("sentences") or {}
        return list(stored.get(lang) or [])
