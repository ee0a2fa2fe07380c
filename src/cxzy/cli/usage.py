"""The command line's own words in the interface language: argparse's.

cxzy's help texts are labels (``cli.*`` in :mod:`cxzy.i18n`). argparse writes
the rest — "usage:", the titles of the help's sections, and its usage errors
("unrecognized arguments", "invalid choice") — through :func:`gettext.gettext`,
which it binds in its module as ``_`` and ``ngettext``. Python ships no
catalogue for them, so :func:`speaking` puts a translating pair there while a
parser is built and parses, and puts gettext's back after.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import IO, Any, NoReturn

from rich.cells import cell_len

from cxzy.i18n import DEFAULT_LANG, LANGS, t
from cxzy.literal import visible

#: argparse's messages (Python 3.11-3.13) a user meets, in Chinese. A message not
#: here (another Python's wording) stays in English.
ARGPARSE_ZH = {
    "usage: ": "用法:",
    "positional arguments": "位置参数",
    "options": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "%(prog)s: error: %(message)s\n": "%(prog)s:错误:%(message)s\n",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s:%(message)s",
    "unrecognized arguments: %s": "无法识别的参数:%s",
    "the following arguments are required: %s": "缺少必需的参数:%s",
    "one of the arguments %s is required": "参数 %s 必须给出其中之一",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "ignored explicit argument %r": "忽略了多余的值 %r",
    "expected one argument": "需要一个值",
    "expected at most one argument": "最多需要一个值",
    "expected at least one argument": "至少需要一个值",
    "ambiguous option: %(option)s could match %(matches)s": (
        "选项 %(option)s 有歧义,可能是:%(matches)s"
    ),
    "unexpected option string: %s": "意外的选项:%s",
    "invalid %(type)s value: %(value)r": "无效的 %(type)s 值:%(value)r",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "无效的选择:%(value)r(可选:%(choices)s)"
    ),
    "unknown parser %(parser_name)r (choices: %(choices)s)": (
        "未知的命令 %(parser_name)r(可选:%(choices)s)"
    ),
    "given more than once: it takes one value": "给出了不止一次:只取一个值",
    "--audit needs --format json": "--audit 只用于 --format json",
    "expected %s argument": "需要 %s 个值",
    "expected %s arguments": "需要 %s 个值",
}

_CATALOGUES = {"zh": ARGPARSE_ZH}


def _lang_named(value: str) -> str | None:
    """The language ``$CXZY_LANG`` names: ``zh`` or ``en`` in any case, or a locale's
    name as ``$LANG`` holds it (``en_US.UTF-8``, ``zh-CN``): ``EN`` gave Chinese,
    unsaid."""
    head = re.split(r"[_.@-]", value.strip(), maxsplit=1)[0].casefold()
    return head if head in LANGS else None


def lang_in(argv: Sequence[str], environ: Mapping[str, str] | None = None) -> str:
    """The language asked for on a command line (``--lang X`` or ``--lang=X``,
    before or after the command; the last one wins), else ``$CXZY_LANG`` when it
    is one, else the default. Read before parsing: the parser's help and errors
    are already in it."""
    chosen = (os.environ if environ is None else environ).get("CXZY_LANG", "")
    return next(reversed(_langs_named(argv)), None) or _lang_named(chosen) or DEFAULT_LANG


def langs_given(argv: Sequence[str]) -> set[str]:
    """The languages a command line asks for, before and after the command (two
    of them: refused, as any option given twice; it took the last)."""
    return set(_langs_named(argv))


def _langs_named(argv: Sequence[str]) -> list[str]:
    """Each language ``--lang X`` or ``--lang=X`` names, in order, up to ``--`` (what
    follows is files); a value that is none is left to the parser to refuse."""
    named = []
    for n, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang":
            value = argv[n + 1] if n + 1 < len(argv) else ""
        elif arg.startswith("--lang="):
            value = arg.removeprefix("--lang=")
        else:
            continue
        if value in LANGS:
            named.append(value)
    return named


class Once(argparse.Action):
    """An option that takes one value, refused when given twice: argparse keeps the
    last, and ``log --type A --type B`` listed B's records alone, saying nothing."""

    def __call__(self, parser: Any, namespace: Any, values: Any, option: Any = None) -> None:
        # (those given are noted: an option with a default, --format table, has a
        # value before it is given)
        given = vars(namespace).setdefault("_given_once", set())
        if self.dest in given:
            raise given_twice(self)
        given.add(self.dest)
        setattr(namespace, self.dest, values)


def given_twice(action: argparse.Action) -> argparse.ArgumentError:
    """The usage error of an option of one value given twice."""
    said = argparse._("given more than once: it takes one value")  # type: ignore[attr-defined]
    return argparse.ArgumentError(action, said)


class UsageFormatter(argparse.HelpFormatter):
    """argparse's help layout, with a long usage's later lines under its first
    argument however wide the "usage:" before it is on screen (argparse counts
    characters: after 用法: they sat two columns to the left)."""

    def _format_usage(self, usage: Any, actions: Any, groups: Any, prefix: Any) -> str:
        text = super()._format_usage(usage, actions, groups, prefix)
        shown = argparse._("usage: ") if prefix is None else prefix  # type: ignore[attr-defined]
        wider = cell_len(shown) - len(shown)
        if wider <= 0:
            return text
        first, *rest = text.split("\n")
        return "\n".join([first, *(" " * wider + line if line else line for line in rest)])


class Commands(argparse._SubParsersAction):  # type: ignore[type-arg]
    """Subcommands whose one-line help in the list of commands also heads their
    own help (``cxzy verify -h`` says what ``verify`` does)."""

    def add_parser(self, name: str, **kwargs: Any) -> argparse.ArgumentParser:
        if "help" in kwargs:
            kwargs.setdefault("description", kwargs["help"])
        return super().add_parser(name, **kwargs)  # type: ignore[no-any-return]


class Parser(argparse.ArgumentParser):
    """cxzy's parser: its subcommands' parsers are of this class too (argparse
    makes them of the parent's), so all of them lay usage out the same way."""

    commands: Any = None  # the subcommands' action, when it has them (their parsers)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", UsageFormatter)
        super().__init__(*args, **kwargs)
        self.register("action", "parsers", Commands)

    def error(self, message: str) -> NoReturn:
        """argparse's usage error, what the user typed in it made visible (an
        unknown argument or --type of ESC [2J cleared the terminal)."""
        super().error(visible(message))

    def _print_message(self, message: str, file: IO[str] | None = None) -> None:
        """As argparse's, but a write that fails is kept for the caller to say
        (argparse drops it: the help and the version lost on a full disk, exit 0)."""
        if message:
            try:
                (file or sys.stderr).write(message)
            except OSError as error:
                UNPRINTED.append(error)


#: What the parsers could not print (:meth:`Parser._print_message`)
UNPRINTED: list[OSError] = []


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """argparse's messages in ``lang`` while the block runs."""
    catalogue = _CATALOGUES.get(lang)
    if catalogue is None:  # English: argparse's own words
        yield
        return
    gettext_, ngettext_ = argparse._, argparse.ngettext  # type: ignore[attr-defined]

    def translated(text: str) -> str:
        return catalogue.get(text, gettext_(text))

    def translated_n(singular: str, plural: str, n: int) -> str:
        return catalogue.get(singular if n == 1 else plural, ngettext_(singular, plural, n))

    argparse._ = translated  # type: ignore[attr-defined]
    argparse.ngettext = translated_n  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._ = gettext_  # type: ignore[attr-defined]
        argparse.ngettext = ngettext_  # type: ignore[attr-defined]


def unit_arg(lang: str) -> Callable[[str], str]:
    """``--unit``: a unit's code or name; an empty one is a usage error (it was "unit
    '' is not registered", as if the store had lost a unit)."""

    def named(value: str) -> str:
        if not value.strip():
            raise argparse.ArgumentTypeError(t("empty_unit_option", lang))
        return value.strip()  # ('ZP ' was "not registered")

    return named
