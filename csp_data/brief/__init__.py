"""The briefing pack: one HTML (self-contained) or PDF file for the meeting (content, then html/pdf)."""

from csp_data.brief.content import Brief, Image, Section, build_brief
from csp_data.brief.html import brief_html, brief_pdf, write_brief

__all__ = ["Brief", "Image", "Section", "brief_html", "brief_pdf", "build_brief", "write_brief"]
