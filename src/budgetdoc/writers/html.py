"""The templates of templates/html: the PDF's page and stylesheet, each department's check
report and the index. A module of its own, light to import: the reports and the index need
none of the PDF writer."""

from __future__ import annotations

import functools

import jinja2

from ..resources import TEMPLATES

HTML_TEMPLATES = TEMPLATES / "html"


@functools.cache
def html_environment() -> jinja2.Environment:
    """The templates of templates/html (autoescaped), compiled once per process."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(HTML_TEMPLATES),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
