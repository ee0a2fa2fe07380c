"""JSON text written by orjson must be the standard library's, byte for byte:
record digests and stored events made before it are compared with ones made now."""

from __future__ import annotations

import json
from datetime import UTC, date, timedelta, timezone

import pytest
from eventsourcing.persistence import JSONTranscoder
from hypothesis import given
from hypothesis import strategies as st

from conftest import load_demo_into
from cxzy.application.app import Transcoder, open_app
from cxzy.application.store import StoreLocation
from cxzy.domain import jsontext

ANY_TEXT = st.text(st.characters(blacklist_categories=()))  # control characters, surrogates
MOMENTS = st.datetimes(
    timezones=st.sampled_from([UTC, timezone(timedelta(hours=8)), timezone(timedelta(hours=-3))])
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()  # beyond 64 bits too
    | ANY_TEXT
    | st.dates()
    | MOMENTS
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(ANY_TEXT, inner, max_size=4),
    max_leaves=12,
)


def _iso(value):
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def _stdlib(value, sort_keys=False, default=_iso) -> bytes:
    text = json.dumps(
        value, ensure_ascii=False, separators=(",", ":"), sort_keys=sort_keys, default=default
    )
    return text.encode("utf-8", "surrogatepass")


def _ours(value, sort_keys=False, default=_iso) -> bytes:
    try:
        return jsontext.compact(value, sort_keys=sort_keys, default=default)
    except UnicodeEncodeError:  # a lone surrogate: neither can write it as UTF-8
        return _stdlib(value, sort_keys, default)


@given(VALUES, st.booleans())
def test_compact_text_is_the_standard_librarys(value, sort_keys):
    assert _ours(value, sort_keys) == _stdlib(value, sort_keys)


def test_a_lone_surrogate_is_refused_as_the_standard_library_refuses_it():
    for write in (jsontext.compact, lambda v: json.dumps(v, ensure_ascii=False).encode()):
        try:
            write({"text": "\ud800"})
        except UnicodeEncodeError:
            continue
        raise AssertionError("a lone surrogate was written as UTF-8")


def test_a_value_nothing_can_write_is_refused_with_the_defaults_error():
    def default(value):
        raise TypeError("no transcoding")

    try:
        jsontext.compact({"x": {1, 2}}, default=default)
    except TypeError as error:
        assert "no transcoding" in str(error)
    else:
        raise AssertionError("a set was written")


@given(st.text(max_size=40) | VALUES.map(lambda v: json.dumps(v, default=_iso)))
def test_reading_gives_the_standard_librarys_value_or_its_error(text):
    try:
        expected = json.loads(text)
    except json.JSONDecodeError as error:
        try:
            jsontext.loads(text)
        except json.JSONDecodeError as ours:
            assert str(ours) == str(error)
        else:
            raise AssertionError(f"{text!r} was read")
        return
    if not _writable(expected):  # a lone surrogate: no store could hold it
        with pytest.raises(json.JSONDecodeError, match=r"^lone surrogate in a string:"):
            jsontext.loads(text)
        return
    read = jsontext.loads(text)
    assert read == expected or (read != read and expected != expected)  # NaN
    assert _types(read) == _types(expected)  # an integer beyond 64 bits stays one


@pytest.mark.parametrize(
    "text", ["99999999999999999999999", "18446744073709551616", "-9223372036854775809"]
)
def test_an_integer_beyond_64_bits_is_read_as_written(text):
    """orjson reads it as a float: a count of 99999999999999999999999 was said to be
    "'1e+23' is not a whole number", which it is (it is too large)."""
    line = '{"participants": ' + text + ', "note": "-"}'
    assert jsontext.loads(line) == {"participants": int(text), "note": "-"}
    assert jsontext.loads(line.encode()) == {"participants": int(text), "note": "-"}


def _types(value):
    if isinstance(value, list):
        return [_types(v) for v in value]
    if isinstance(value, dict):
        return {k: _types(v) for k, v in value.items()}
    return type(value)


def _writable(value) -> bool:
    try:
        json.dumps(value, ensure_ascii=False).encode()
    except UnicodeEncodeError:
        return False
    return True


def test_an_escaped_lone_surrogate_is_not_read():
    """The standard library reads it, and nothing could write it again: the import
    stopped on an internal error, naming no line."""
    for text in ('{"title": "\\ud800"}', '["a\\udc00b"]'):
        with pytest.raises(json.JSONDecodeError, match=r"^lone surrogate in a string:"):
            jsontext.loads(text)
    assert jsontext.loads('"\\ud83d\\ude00"') == "\U0001f600"  # a pair is a character


def test_ctrl_c_while_a_value_is_written_stops_the_writing():
    """orjson wraps what ``default`` raises in its own error, and the standard library
    was then asked to write the value again: Ctrl-C during an import was lost."""

    calls = []

    def interrupted(value):  # (a signal arrives once: the second call goes on)
        calls.append(value)
        if len(calls) == 1:
            raise KeyboardInterrupt
        return value.isoformat()

    with pytest.raises(KeyboardInterrupt):
        jsontext.compact({"at": date(2011, 6, 1)}, default=interrupted)


def test_events_are_stored_as_eventsourcings_own_transcoder_writes_them(tmp_path, monkeypatch):
    """The demo history stored by eventsourcing's own JSON transcoder (the standard
    library's encoder), read back: cxzy's transcoder writes each event's state
    exactly as it was stored."""
    with monkeypatch.context() as patched:
        patched.setattr(Transcoder, "encode", JSONTranscoder.encode)
        path = load_demo_into(tmp_path / "plain.sqlite3")
    app = open_app(StoreLocation("sqlite", str(path)), create=False)
    ours = app.mapper.transcoder
    assert isinstance(ours, Transcoder)
    stored = app.recorder.select_notifications(1, 10_000)
    assert len(stored) > 100
    for notification in stored:
        event = app.mapper.to_domain_event(notification)
        state = {
            k: v
            for k, v in event.__dict__.items()
            if k not in ("originator_id", "originator_version")  # columns of their own
        }
        assert ours.encode(state) == notification.state, notification.id
    app.close()
