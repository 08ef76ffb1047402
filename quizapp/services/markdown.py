"""Render trusted Markdown documents (privacy notices) to safe HTML."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_MD = MarkdownIt("commonmark", {"html": False}).enable("table")


@lru_cache(maxsize=16)
def render_markdown_file(path: Path) -> Markup:
    html = _MD.render(path.read_text(encoding="utf-8"))
    # nh3 keeps ordinary document markup and drops anything active.
    return Markup(nh3.clean(html, tags={"h1", "h2", "h3", "h4", "p", "ul", "ol", "li", "strong", "em", "a", "code",
                                        "table", "thead", "tbody", "tr", "th", "td", "blockquote", "hr", "br"},
                            link_rel="noopener noreferrer"))
