"""Contacts: e-mail vs XMPP, Telegram, Session, Wickr, Signal, Threema and phone numbers."""

from __future__ import annotations

from darkrange.extract import find_selectors
from tests.extract.conftest import only


def _kinds(text: str) -> list[tuple[str, str, bool]]:
    return [(s.kind, s.normalized, s.valid) for s in find_selectors(text)]


def test_email_and_xmpp_are_told_apart() -> None:
    text = (
        "Email: Shop@ProtonMail.com | Jabber: vendor@jabber.calyxinstitute.org\n"
        "XMPP: boss@example.net  backup: ops@exploit.im  jid: x@y.org  mailto:a@b.io"
    )
    assert _kinds(text) == [
        ("email", "shop@protonmail.com", True),
        ("xmpp", "vendor@jabber.calyxinstitute.org", True),
        ("xmpp", "boss@example.net", True),
        ("xmpp", "ops@exploit.im", True),  # a known XMPP server, no label of its own
        ("xmpp", "x@y.org", True),
        ("email", "a@b.io", True),
    ]


def test_defanged_email_and_asset_names() -> None:
    (found,) = only("write to shop [at] proton [dot] me or logo@2x.png", "email")
    assert found.normalized == "shop@proton.me" and found.extra["defanged"] is True
    assert not only("img src=logo@2x.png @media screen {}", "email")
    (bad,) = only("mail: a..b@x.org", "email")
    assert not bad.valid and "dots" in bad.reason


def test_telegram_handles_and_links() -> None:
    text = (
        "Telegram: @Dark_Vendor  |  t.me/shopchannel  |  https://t.me/+AbCdEf12 | "
        "tg - @abc | ask @nobody_here"
    )
    found = only(text, "telegram")
    assert [(s.normalized, s.valid) for s in found] == [
        ("dark_vendor", True),
        ("shopchannel", True),
        ("t.me/+AbCdEf12", True),
        ("abc", False),
    ]
    assert "5 to 32" in found[-1].reason
    assert not only("contact @someone on twitter", "telegram")


def test_labelled_messengers() -> None:
    text = (
        "<b>Threema ID:</b> ABCD1234 / Threema: AB12CD / wickr: name / Wickr Me: sh0p.keeper\n"
        "Signal: +44 20 7946 0958 / signal username: vendor.42 / Signal: available on request"
    )
    assert _kinds(text) == [
        ("threema", "ABCD1234", True),
        ("threema", "AB12CD", False),
        ("wickr", "name", True),
        ("wickr", "sh0p.keeper", True),
        ("signal", "+442079460958", True),
        ("signal", "vendor.42", True),
    ]


def test_phones_need_a_label_and_a_real_country_code() -> None:
    text = "Phone: +49 (0)30 1234567 | WhatsApp: +1 555-010-9999 | tel:+999123456 | call 12"
    found = only(text, "phone")
    assert [(s.normalized, s.valid) for s in found] == [
        ("+490301234567", True),
        ("+15550109999", True),
        ("+999123456", False),
    ]
    assert found[1].extra["app"] == "whatsapp" and "country code" in found[2].reason
    assert not only("price 4917612345678 units", "phone")  # no label, no number


def test_labels_inside_words_do_not_count() -> None:
    assert not find_selectors("hotel: 12345678, cellpadding=4, sessionid 0512, intel 1234567")
