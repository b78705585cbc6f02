"""Every generated sentence, one module per page."""
