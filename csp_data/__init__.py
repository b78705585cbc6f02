"""csp_data: the domain package of the CSP dashboard (pure, typed; no streamlit except csp_data.cache)."""

__all__: list[str] = []
