"""Fund: the partnership fund's bids, running balance, spend per priority and balance left.

Thin page: the Streamlit code is ui/fund.py, the rules csp_data/fund.py.
"""

from __future__ import annotations

from ui.common import demo_banner
from ui.fund import fund_page
from ui.navigation import current

dataset, _ = current()
demo_banner(dataset)
fund_page(dataset)
