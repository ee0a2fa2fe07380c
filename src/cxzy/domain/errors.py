"""Rule violations carry a message code and its parameters, so adapters can
render them in the user's language (see :mod:`cxzy.i18n`)."""

from __future__ import annotations

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

    def __str__(self) -> str:
        return self.render("en")


class TemplateError(Exception):
    """A campaign template is broken; the message says where."""
