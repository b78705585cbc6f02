"""Import: upload police.uk files or force extracts, boundaries and tables into a library dataset;
preview the validation report and what will change; then commit (see docs/library.md)."""

from __future__ import annotations

from ui.imports import import_page
from ui.navigation import current

current()
import_page()
