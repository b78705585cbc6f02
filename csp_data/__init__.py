"""csp_data: the domain package of the CSP dashboard (pure, typed; no streamlit except ui.cache)."""

__all__: list[str] = []
