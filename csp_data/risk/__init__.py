"""Priority risk scoring: the Strategic Assessment's risk matrix, made transparent (docs/risk-scoring.md).

For each priority (a crime group) the partnership's volumes, change, rate and positions are measured
(``measure_priorities``), then scored (``score_measures``):

* likelihood (1-4) = the weighted mean, rounded half up, of the component scores the data can support:
  trend (direction of the change and its significance), MSG (z of the rate within the MSG band) and
  rank (quartile of the MSG rank, or of the county rank when there is no MSG);
* impact (1-4) = the harm weight of the crime group (approximations derived from ONS Crime Severity
  Score weights, see csp_data/config/risk.toml);
* score = likelihood x impact; Low / Medium / High by the cut-points.

Measuring and scoring are separate so that the page can re-score instantly when a weight changes.

Modules: ``config`` (reading and validating the risk config), ``measures`` (counts, change, rate, peer
positions), ``scoring`` (components, likelihood, score, why), ``table`` (the priority table and its
display), ``context`` (the local context of a priority).
"""

from csp_data.risk.config import (
    COMPONENTS,
    DEFAULT_RISK_FILE,
    LEVELS,
    Priority,
    RiskConfig,
    is_risk_table,
    load_risk_config,
    parse_risk_config,
    risk_config_from_section,
    validate_risk_config,
)
from csp_data.risk.context import LocalContext, area_label, local_context, mark_peak, priority_contexts
from csp_data.risk.measures import (
    PeerData,
    Position,
    PriorityMeasures,
    Resolved,
    measure_priorities,
    measure_priority,
    prepare_peers,
    resolve_priority,
)
from csp_data.risk.scoring import (
    NOT_SCORED,
    Score,
    combine_likelihood,
    msg_score,
    rank_score,
    round_half_up,
    score_measures,
    trend_score,
)
from csp_data.risk.table import (
    DISPLAY_HEADERS,
    EXTRA_COLUMNS,
    TABLE_COLUMNS,
    display_table,
    priority_table,
    table_from_measures,
)

__all__ = [
    "COMPONENTS",
    "DEFAULT_RISK_FILE",
    "DISPLAY_HEADERS",
    "EXTRA_COLUMNS",
    "LEVELS",
    "NOT_SCORED",
    "TABLE_COLUMNS",
    "LocalContext",
    "PeerData",
    "Position",
    "Priority",
    "PriorityMeasures",
    "Resolved",
    "RiskConfig",
    "Score",
    "area_label",
    "combine_likelihood",
    "display_table",
    "is_risk_table",
    "load_risk_config",
    "local_context",
    "mark_peak",
    "measure_priorities",
    "measure_priority",
    "msg_score",
    "parse_risk_config",
    "prepare_peers",
    "priority_contexts",
    "priority_table",
    "rank_score",
    "resolve_priority",
    "risk_config_from_section",
    "round_half_up",
    "score_measures",
    "table_from_measures",
    "trend_score",
    "validate_risk_config",
]
