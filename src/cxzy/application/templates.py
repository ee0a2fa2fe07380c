"""Campaign templates: TOML files, the built-in ones in ``cxzy/templates`` and an
office's own in a folder of its own.

A campaign is planned on a template named by its key (``KEY.toml``): a built-in
one, or one found in the folders ``$CXZY_TEMPLATES`` names (separated as ``PATH``
is), then in the per-user folder (``templates`` beside the per-user store). An
office's file may not take a built-in key. Once a campaign is planned, its store
keeps the template's text (decision 259) and is read by it: the files matter again
only for the next campaign. A store planned before stores kept it is read by the
built-in template of its key, the only kind there was.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from platformdirs import user_data_dir

from cxzy.domain.errors import Listed, TemplateError, Violation
from cxzy.domain.template import Template, parse_template
from cxzy.os_errors import os_reason

TEMPLATES_ENV = "CXZY_TEMPLATES"
#: Where tomllib says a mistake is, after what it is
_AT_LINE = re.compile(r"(.*) \(at line (\d+), column (\d+)\)", re.DOTALL)
#: A template's key, as a file's name (``../x`` or a path is no key)
_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
#: A template file's size at the most: a template of 51 MB (of comments) was taken,
#: kept in the store, and read again by every command (2 s and 300 MB each)
MOST_BYTES = 1_000_000


@dataclass(frozen=True)
class TemplateSource:
    """A template as found: parsed, with the text it was read from (what a campaign
    planned on it keeps)."""

    template: Template
    text: str


def user_templates_folder() -> Path:
    """The per-user folder of an office's own templates."""
    return Path(user_data_dir("cxzy", appauthor=False)) / "templates"


def own_template_folders() -> list[Path]:
    """Where an office's own templates are looked for, in order: ``$CXZY_TEMPLATES``'s
    folders, then the per-user folder."""
    named = os.environ.get(TEMPLATES_ENV, "")
    return [*(Path(p).expanduser() for p in named.split(os.pathsep) if p), user_templates_folder()]


def _builtin_folder() -> Traversable:
    return resources.files("cxzy") / "templates"


def _names_in(folder: Traversable) -> set[str]:
    """The keys of the templates a folder holds: its files ``KEY.toml`` (a link to
    nothing, a drive not mounted, is none: "unknown", listed as known)."""
    try:
        if not folder.is_dir():
            return set()
        return {  # (a file whose name is no key is none: "党史2021.toml")
            p.name.removesuffix(".toml")
            for p in folder.iterdir()
            if p.name.endswith(".toml")
            and _KEY.fullmatch(p.name.removesuffix(".toml"))
            and p.is_file()
        }
    except OSError:  # (a folder that cannot be read holds none we can name)
        return set()


def _own_names() -> set[str]:
    return set().union(*(_names_in(folder) for folder in own_template_folders()))


def template_names() -> list[str]:
    """The keys of every template found, each once."""
    return sorted(_names_in(_builtin_folder()) | _own_names())


def own_template_names() -> list[str]:
    """The keys of an office's own templates (none of them a built-in key)."""
    return sorted(_own_names() - _names_in(_builtin_folder()))


def _named(source: tuple[str, str]) -> Violation:
    """A template's file as a message names it (``source``: the message's code and
    its ``source``, a value that a cache can key on)."""
    code, name = source
    return Violation(code, source=name)


def _is_file(file: Path, named: Violation) -> bool:
    """Whether the file is there; one that cannot even be looked at (a folder without
    the right to look in it) is said, naming it."""
    try:
        return file.is_file()
    except OSError as error:
        raise TemplateError((named,), "tpl.unreadable", reason=os_reason(error)) from None


def _read(file: Traversable, source: tuple[str, str]) -> str:
    named = _named(source)
    try:
        data = file.read_bytes()
        if len(data) > MOST_BYTES:
            raise TemplateError(
                (named,), "tpl.too_large", size=f"{len(data):,}", most=f"{MOST_BYTES:,}"
            )
        # the text as written, its line ends too (a store keeps it: an auditor's
        # checksum of the file matches), but for Notepad's mark at the start
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TemplateError((named,), "tpl.not_utf8") from None
    except OSError as error:
        raise TemplateError((named,), "tpl.unreadable", reason=os_reason(error)) from None


@cache
def builtin_template(key: str) -> TemplateSource | None:
    """The built-in template of that key, if there is one."""
    file = _builtin_folder() / f"{key}.toml"
    if not _KEY.fullmatch(key) or not file.is_file():
        return None
    source = ("tpl.source_builtin", f"{key}.toml")
    text = _read(file, source)
    return TemplateSource(template_of_text(text, key, source), text)


def find_template(key: str) -> TemplateSource:
    """The template a campaign is planned on: the built-in one of that key, else an
    office's own, from the first folder that holds it. A broken file raises
    :class:`TemplateError` naming it, an office's file of a built-in key too; a
    missing one a violation that says where templates go."""
    builtin = builtin_template(key)
    for folder in own_template_folders() if _KEY.fullmatch(key) else []:
        file = folder / f"{key}.toml"
        source = ("tpl.source", str(file))
        if not _is_file(file, _named(source)):
            if os.path.lexists(file):  # a link to nothing (a drive not mounted), a folder
                raise TemplateError((_named(source),), "tpl.not_a_file")
            continue
        if builtin is not None:  # (which would the campaign run on?)
            raise TemplateError((_named(source),), "tpl.builtin_key", key=key)
        text = _read(file, source)
        return TemplateSource(template_of_text(text, key, source), text)
    if builtin is not None:
        return builtin
    raise _unknown(key)


def _unknown(key: str) -> Violation:
    """What is said of a key no template has: the key meant, when it is another's
    but for case or a ``.toml`` (a file's name); a folder ``$CXZY_TEMPLATES`` names
    that is none; else where a template of one's own goes."""
    known = template_names()
    if not _KEY.fullmatch(key.removesuffix(".toml")):  # (before "did you mean" itself)
        return Violation("unknown_template_key", template=key, known=Listed(known))
    meant = [k for k in known if k.casefold() == key.casefold().removesuffix(".toml")]
    if meant:
        return Violation("unknown_template_meant", template=key, meant=meant[0])
    named = os.environ.get(TEMPLATES_ENV, "")
    for folder in (Path(p).expanduser() for p in named.split(os.pathsep) if p):
        if not folder.is_dir():  # (a file's path, a folder gone: it was ignored, unsaid)
            return Violation("unknown_template_env", template=key, folder=str(folder))
    return Violation(
        "unknown_template", template=key, known=Listed(known), folder=str(user_templates_folder())
    )


def unkept_template(key: str) -> TemplateSource:
    """The template of a campaign planned before stores kept their template's text:
    the built-in one of its key, the only kind there was; else (a file put into the
    package by hand) the file of its key, wherever it now is."""
    builtin = builtin_template(key)
    return builtin if builtin is not None else find_template(key)


def load_template(key: str) -> Template:
    """The template named ``key`` (see :func:`find_template`)."""
    return find_template(key).template


@lru_cache(maxsize=16)
def template_of_text(text: str, key: str, source: tuple[str, str], strict: bool = True) -> Template:
    """A template's text parsed, its key held to ``key`` (its file's name, or the key
    a campaign names it by); ``source`` names it in messages (a message's code and
    its ``source``: a value, for the cache). ``strict``: see :func:`parse_template`."""
    where = _named(source)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = _AT_LINE.fullmatch(str(error))  # (tomllib's words are English: the place is not)
        if found:
            detail, line, column = found.groups()
            raise TemplateError(
                (where,), "tpl.toml_at", detail=detail, line=line, column=column
            ) from None
        raise TemplateError((where,), "tpl.toml", detail=str(error)) from None
    template = parse_template(data, where, strict=strict)
    if template.key != key:
        raise TemplateError((where,), "tpl.key_mismatch", key=repr(template.key), expected=key)
    return template


def campaign_template(key: str, phases: str | None, text: str | None = None) -> Template:
    """A campaign's template as its read model keeps it: the template's key, the
    text it was planned on (None in a store planned before stores kept it: the
    built-in template of that key), and the campaign's own phase windows (JSON:
    ``[{"key", "start", "end"}]``), if any."""
    if text is not None:
        try:
            template = template_of_text(text, key, ("tpl.source_stored", key), strict=False)
        except TemplateError as broken:  # (every import checks the template it keeps)
            raise Violation("template_stored_broken", reason=broken) from None
    else:
        template = unkept_template(key).template
    if phases:
        windows = {
            p["key"]: (date.fromisoformat(p["start"]), date.fromisoformat(p["end"]))
            for p in json.loads(phases)
        }
        template = template.with_windows(windows)
    return template
