"""Rule violations carry a message code and its parameters, so adapters can
render them in the user's language (:func:`cxzy.i18n.rendered`): the domain holds
no words of its own."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


class Violation(Exception):
    """A record breaks a rule of the domain or of the format."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    def altered(self, code: str | None = None, **params: Any) -> Violation:
        """The same violation with some of its values given again (a value named as
        typed), or said under another code with them (``copy_no_source`` for a
        ``no_store``)."""
        return Violation(code or self.code, **{**self.params, **params})

    def __str__(self) -> str:  # (a developer's view: users read it rendered)
        given = ", ".join(f"{name}={value}" for name, value in self.params.items())
        return f"{self.code} ({given})" if given else self.code

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as it is (an import's problems past a few go to disk), not made
        again by its class's ``__init__``: a template's takes other arguments."""
        return (_restored, (type(self), self.args, self.__dict__))


def _restored(cls: type[Violation], args: tuple[Any, ...], state: dict[str, Any]) -> Violation:
    violation = Exception.__new__(cls)
    violation.args = args
    violation.__dict__.update(state)
    return violation


class Coded:
    """A code of the format in a message (``public_criticism``), shown in the
    message's language (通报批评) where the interface has words for it."""

    def __init__(self, group: str, code: str) -> None:
        self.group, self.code = group, code

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

    def __str__(self) -> str:
        return ", ".join(self.codes)


class Listed:
    """Names in a message, listed as each language lists them (``E, F and G``,
    ``E、F、G``)."""

    def __init__(self, names: Sequence[str]) -> None:
        self.names = list(names)

    def __str__(self) -> str:
        return ", ".join(self.names)


class TemplateError(Violation):
    """A campaign template is broken: where in it (its file, a phase, an item) and
    why, each a message said in the interface's language. A violation like any
    other: an import names the record that named the template, a dashboard says it
    in a notice."""

    def __init__(self, where: Sequence[Violation], code: str, **params: Any) -> None:
        self.where = tuple(where)
        self.reason = Violation(code, **params)
        super().__init__("template_broken", reason=TemplatePlace(self.where, self.reason))


class TemplatePlace:
    """Where in a template, and why: ``template x.toml: phase learn: …``."""

    def __init__(self, where: tuple[Violation, ...], reason: Violation) -> None:
        self.where, self.reason = where, reason

    def __str__(self) -> str:
        return f"{''.join(map(str, self.where))}: {self.reason}"
