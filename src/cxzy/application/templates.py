"""Built-in campaign templates: TOML files in ``cxzy/templates``."""

from __future__ import annotations

import json
import tomllib
from datetime import date
from functools import cache
from importlib import resources

from cxzy.domain.errors import TemplateError, Violation
from cxzy.domain.template import Template, parse_template


def template_names() -> list[str]:
    folder = resources.files("cxzy") / "templates"
    return sorted(
        p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml")
    )


@cache
def load_template(key: str) -> Template:
    """The template named ``key``; a broken file raises :class:`TemplateError`."""
    resource = resources.files("cxzy") / "templates" / f"{key}.toml"
    if not resource.is_file():
        raise Violation("unknown_template", template=key, known=", ".join(template_names()))
    source = f"template {key}.toml"
    try:
        data = tomllib.loads(resource.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise TemplateError(f"{source}: {error}") from None
    template = parse_template(data, source)
    if template.key != key:
        raise TemplateError(f"{source}: key is {template.key!r}, expected {key!r}")
    return template


def campaign_template(key: str, phases: str | None) -> Template:
    """A campaign's template as its read model keeps it: the template's key and the
    campaign's own phase windows (JSON: ``[{"key", "start", "end"}]``), if any."""
    template = load_template(key)
    if phases:
        windows = {
            p["key"]: (date.fromisoformat(p["start"]), date.fromisoformat(p["end"]))
            for p in json.loads(phases)
        }
        template = template.with_windows(windows)
    return template
