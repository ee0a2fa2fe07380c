"""Rule violations carry a message code and its parameters, so adapters can
render them in the user's language (see :mod:`cxzy.i18n`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


class Violation(Exception):
    """A record breaks a rule of the domain or of the format."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    def render(self, lang: str = "en") -> str:
        from cxzy.i18n import message

        return message(self.code, lang, **self.params)

    def altered(self, code: str | None = None, **params: Any) -> Violation:
        """The same violation with some of its values given again (a value named as
        typed), or said under another code with them (``copy_no_source`` for a
        ``no_store``)."""
        return Violation(code or self.code, **{**self.params, **params})

    def __str__(self) -> str:
        return self.render("en")


class Coded:
    """A code of the format in a message (``public_criticism``), shown in the
    message's language (通报批评) where the interface has words for it."""

    def __init__(self, group: str, code: str) -> None:
        self.group, self.code = group, code

    def render(self, lang: str = "en") -> str:
        from cxzy.i18n import code_label

        return code_label(self.group, self.code, lang)

    def __str__(self) -> str:
        return self.code


class Choices:
    """The codes a field takes, in a message: in Chinese each with its words
    (``advanced(先进)、middle(中间)``: a unit typing 优秀 learns what 先进 is)."""

    def __init__(
        self,
        type_: str,
        field: str,
        codes: tuple[str, ...],
        names: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        """``names``: words by code and language that the interface does not hold (a
        campaign template's activity kinds)."""
        self.type, self.field, self.codes = type_, field, codes
        self.names = names or {}

    def render(self, lang: str = "en") -> str:
        from cxzy.i18n import field_words

        if lang == "en":  # (the codes are English words; a template's names may not be)
            return ", ".join(
                f"{code} ({name})" if (name := self.names.get(code, {}).get(lang)) else code
                for code in self.codes
            )
        shown = []
        for code in self.codes:
            named = self.names.get(code, {}).get(lang)
            words = named or field_words(self.type, self.field, code, lang)
            shown.append(f"{code}({words})" if words and words != code else code)
        return "、".join(shown)

    def __str__(self) -> str:
        return self.render("en")


class Listed:
    """Names in a message, listed as each language lists them (``E, F and G``,
    ``E、F、G``)."""

    def __init__(self, names: Sequence[str]) -> None:
        self.names = list(names)

    def render(self, lang: str = "en") -> str:
        if lang != "en":
            return "、".join(self.names)
        *rest, last = self.names or [""]
        return f"{', '.join(rest)} and {last}" if rest else last

    def __str__(self) -> str:
        return self.render("en")


class TemplateError(Violation):
    """A campaign template is broken: where in it (its file, a phase, an item) and
    why, each a message said in the interface's language. A violation like any
    other: an import names the record that named the template, a dashboard says it
    in a notice."""

    def __init__(self, where: Sequence[Violation], code: str, **params: Any) -> None:
        self.where = tuple(where)
        self.reason = Violation(code, **params)
        super().__init__("template_broken", reason=_TemplatePlace(self.where, self.reason))


class _TemplatePlace:
    """Where in a template, and why: ``template x.toml: phase learn: …``."""

    def __init__(self, where: tuple[Violation, ...], reason: Violation) -> None:
        self.where, self.reason = where, reason

    def render(self, lang: str = "en") -> str:
        place = "".join(part.render(lang) for part in self.where)
        return f"{place}{':' if lang == 'zh' else ': '}{self.reason.render(lang)}"


#: Operating-system failures a user meets (a folder gone, no permission, a full
#: disk), said in the interface's language (``os.*`` messages)
_OS_REASONS = {
    "ENOENT": "os.missing",
    "ENOTDIR": "os.not_dir",
    "EACCES": "os.denied",
    "EPERM": "os.denied",
    "EROFS": "os.read_only",
    "ENOSPC": "os.full",
    "EDQUOT": "os.full",
    "EISDIR": "os.is_dir",
    "EFBIG": "os.too_large",
    "ENAMETOOLONG": "os.name_too_long",
}


def os_reason(error: OSError) -> Violation | str:
    """Why an operating-system call failed, as a message parameter: a
    :class:`Violation` (rendered in the message's language) for the usual reasons,
    else the system's own words."""
    import errno

    from cxzy.file_names import path_fits

    name = errno.errorcode.get(error.errno or 0, "")
    if name == "ENAMETOOLONG" and isinstance(error.filename, str) and not path_fits(error.filename):
        return Violation("os.path_too_long")  # (each name may fit: the path does not)
    if name in _OS_REASONS:
        return Violation(_OS_REASONS[name])
    return error.strerror or type(error).__name__
