"""The numeric core (pure numpy/scipy/pandas, never Django): what the rest of the project uses.

Code outside screening.scoring imports these names from here, never from the modules behind
them (an import contract holds it), so the core can be reorganised without touching its
callers. Tests and benchmarks may reach into the modules.
"""

from screening.scoring.calibration import (
    MIN_EACH,
    BacktestInput,
    TooFewOutcomes,
    auc_delong,
    backtest,
    predict,
    profile_weights,
)
from screening.scoring.complexity import complexity_frames
from screening.scoring.engine import (
    LeadBatch,
    ScoreArrays,
    World,
    WorldInputs,
    apply_weights,
    build_world,
    score_lead_everywhere,
    score_leads,
)
from screening.scoring.explain import explain_lead
from screening.scoring.explain_text import FACTOR_LABELS, factor_name, read_sentences
from screening.scoring.pull import input_profile
from screening.scoring.relatedness import (
    ReferenceSpace,
    RelatednessError,
    apply_concordance,
    proximity_pairs,
    read_concordance,
    read_relatedness,
    read_size_table,
    reference_space,
    write_pairs,
)
from screening.scoring.reweight import cluster_mix, weighted_total, weighted_totals
from screening.scoring.weights import (
    CR_ACCEPT,
    DEFAULT_PULL_SHARE,
    PRESETS,
    AhpResult,
    Robustness,
    SubScoreWeights,
    ahp_weights,
    rank_robustness,
)
from screening.scoring.world import MIN_REGIONS_FOR_ESTIMATED_PROXIMITY

__all__ = [
    "CR_ACCEPT",
    "DEFAULT_PULL_SHARE",
    "FACTOR_LABELS",
    "MIN_EACH",
    "MIN_REGIONS_FOR_ESTIMATED_PROXIMITY",
    "PRESETS",
    "AhpResult",
    "BacktestInput",
    "LeadBatch",
    "ReferenceSpace",
    "RelatednessError",
    "Robustness",
    "ScoreArrays",
    "SubScoreWeights",
    "TooFewOutcomes",
    "World",
    "WorldInputs",
    "ahp_weights",
    "apply_concordance",
    "apply_weights",
    "auc_delong",
    "backtest",
    "build_world",
    "cluster_mix",
    "complexity_frames",
    "explain_lead",
    "factor_name",
    "input_profile",
    "predict",
    "profile_weights",
    "proximity_pairs",
    "rank_robustness",
    "read_concordance",
    "read_relatedness",
    "read_sentences",
    "read_size_table",
    "reference_space",
    "score_lead_everywhere",
    "score_leads",
    "weighted_total",
    "weighted_totals",
    "write_pairs",
]
