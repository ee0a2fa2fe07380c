"""Campaign templates: TOML files, the built-in ones in ``cxzy/templates`` and an
office's own in a folder of its own.

A template is looked for by its key (``KEY.toml``) in the folders ``$CXZY_TEMPLATES``
names (separated as ``PATH`` is), then in the per-user folder (``templates`` beside
the per-user store), then among the built-in ones. Once a campaign is planned, its
store keeps the template's text (decision 259): the files matter again only for the
next campaign.
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from platformdirs import user_data_dir

from cxzy.domain.errors import TemplateError, Violation, os_reason
from cxzy.domain.template import Template, parse_template

TEMPLATES_ENV = "CXZY_TEMPLATES"


@dataclass(frozen=True)
class TemplateSource:
    """A template as found: parsed, with the text it was read from (what a campaign
    planned on it keeps) and where it was found (what messages name)."""

    template: Template
    text: str
    where: str


def user_templates_folder() -> Path:
    """The per-user folder of an office's own templates."""
    return Path(user_data_dir("cxzy", appauthor=False)) / "templates"


def template_folders() -> list[Traversable]:
    """Where templates are looked for, in order: ``$CXZY_TEMPLATES``'s folders, the
    per-user folder, the built-in templates."""
    named = os.environ.get(TEMPLATES_ENV, "")
    folders: list[Traversable] = [Path(p).expanduser() for p in named.split(os.pathsep) if p]
    return [*folders, user_templates_folder(), resources.files("cxzy") / "templates"]


def _source(folder: Traversable, file: Traversable, key: str) -> tuple[str, str]:
    """A template's file as messages name it (a message's code and its ``source``):
    its path, or a built-in one's name."""
    if isinstance(folder, Path):
        return "tpl.source", str(file)
    return "tpl.source_builtin", f"{key}.toml"


def template_names() -> list[str]:
    """The keys of every template found, each once."""
    names: set[str] = set()
    for folder in template_folders():
        if folder.is_dir():
            names.update(
                p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml")
            )
    return sorted(names)


def find_template(key: str) -> TemplateSource:
    """The template named ``key``, from the first folder that holds it; a broken file
    raises :class:`TemplateError` naming it, a missing one a violation that says
    where templates go."""
    for folder in template_folders():
        file = folder / f"{key}.toml"
        if not file.is_file():
            continue
        source = _source(folder, file, key)
        named = Violation(source[0], source=source[1])
        try:
            text = file.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise TemplateError((named,), "tpl.not_utf8") from None
        except OSError as error:
            raise TemplateError((named,), "tpl.unreadable", reason=os_reason(error)) from None
        return TemplateSource(template_of_text(text, key, source), text, str(file))
    raise Violation(
        "unknown_template",
        template=key,
        known=", ".join(template_names()),
        folder=str(user_templates_folder()),
    )


def load_template(key: str) -> Template:
    """The template named ``key`` (see :func:`find_template`)."""
    return find_template(key).template


@lru_cache(maxsize=16)
def template_of_text(text: str, key: str, source: tuple[str, str]) -> Template:
    """A template's text parsed, its key held to ``key`` (its file's name, or the key
    a campaign names it by); ``source`` names it in messages (a message's code and
    its ``source``: a value, for the cache)."""
    code, name = source
    where = Violation(code, source=name)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise TemplateError((where,), "tpl.toml", detail=str(error)) from None
    template = parse_template(data, where)
    if template.key != key:
        raise TemplateError((where,), "tpl.key_mismatch", key=repr(template.key), expected=key)
    return template


def campaign_template(key: str, phases: str | None, text: str | None = None) -> Template:
    """A campaign's template as its read model keeps it: the template's key, the
    text it was planned on (None in a store planned before stores kept it: the file
    of that key is read), and the campaign's own phase windows (JSON:
    ``[{"key", "start", "end"}]``), if any."""
    if text is None:
        template = load_template(key)
    else:
        template = template_of_text(text, key, ("tpl.source_stored", key))
    if phases:
        windows = {
            p["key"]: (date.fromisoformat(p["start"]), date.fromisoformat(p["end"]))
            for p in json.loads(phases)
        }
        template = template.with_windows(windows)
    return template
