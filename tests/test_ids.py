import pytest

from cagettes.forms.ids import PageId, PageIdError, decode, workspace_tag

SECRET = "a-test-secret-that-is-long-enough-0123456789"
OTHER = "another-workspace-secret-also-long-enough-xyz"


def test_round_trip_and_compact_alphabet():
    text = PageId("2026-12", 421, 2).encode(SECRET)
    assert decode(text, SECRET, "2026-12") == PageId("2026-12", 421, 2)
    assert len(text) <= 38  # fits QR version 2-M in alphanumeric mode
    assert set(text) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")


@pytest.mark.parametrize("tamper", [
    lambda t: t.replace("-00421-", "-00422-"),  # another form number
    lambda t: t.replace("-2-", "-3-", 1),  # another page
    lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # signature edited
])
def test_tampered_identifier_fails_verification(tamper):
    text = PageId("2026-12", 421, 2).encode(SECRET)
    with pytest.raises(PageIdError) as caught:
        decode(tamper(text), SECRET)
    assert caught.value.reason == "bad_signature"


def test_foreign_month_and_garbage_are_told_apart():
    with pytest.raises(PageIdError) as caught:
        decode(PageId("2026-12", 1, 1).encode(OTHER), SECRET)
    assert caught.value.reason == "other_workspace"
    with pytest.raises(PageIdError) as caught:
        decode(PageId("2026-11", 1, 1).encode(SECRET), SECRET, month="2026-12")
    assert caught.value.reason == "other_month"
    with pytest.raises(PageIdError) as caught:
        decode("https://example.org/not-ours", SECRET)
    assert caught.value.reason == "not_ours"
    assert workspace_tag(SECRET) != workspace_tag(OTHER)
