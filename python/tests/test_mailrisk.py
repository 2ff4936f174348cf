"""The mailrisk Python package as an analyst uses it: installed with pip, scoring real files."""

import json
import pathlib
import threading

import pytest

import mailrisk

ROOT = pathlib.Path(__file__).resolve().parents[2]
MAIL = ROOT / "examples" / "mail"


def test_scores_the_sample_messages():
    engine = mailrisk.Engine()
    spoof = engine.score_file(MAIL / "09-malicious-ceo-display-name-spoof.eml")
    assert spoof["level"] == "critical"
    assert spoof["action"] == "quarantine"
    finding = next(f for f in spoof["findings"] if f["rule"] == "identity.display_name_address")
    # The request itself joins the impersonation in the composite.
    assert any(f["rule"] == "composite.bec_payment_request" for f in spoof["findings"])
    assert "显示名称" in finding["explanation"]["zh"]
    assert finding["evidence"]["shown"] == "li.wei@acme-trade.com"
    benign = engine.score_file(MAIL / "02-benign-shipping-notice-zh-gb2312.eml")
    assert benign["level"] == "none" and benign["findings"] == []
    assert benign["message"]["subject"] == "发货通知：订单 PO-44821 已装船"


def test_policy_from_file_and_errors():
    engine = mailrisk.Engine.from_file(ROOT / "examples" / "policy-acme.toml")
    v = engine.score_file(MAIL / "09-malicious-ceo-display-name-spoof.eml")
    spoof = next(f for f in v["findings"] if f["rule"] == "identity.display_name_address")
    assert spoof["evidence"]["target"] == "organisation"
    with pytest.raises(mailrisk.PolicyError, match=r"people\[0\]\.addresses\[0\]"):
        mailrisk.Engine('[[people]]\nname = "Bob"\naddresses = ["bob@"]\n')
    with pytest.raises(mailrisk.MailriskError):
        mailrisk.Engine('{"limits": {"max_parts": 0}}', format="json")
    with pytest.raises(ValueError):
        mailrisk.Engine("", format="yaml")


def test_directions_and_bad_input():
    engine = mailrisk.Engine()
    raw = "From: Anna <anna@acme-trade.com>\r\nReply-To: anna@gmail.com\r\nTo: b@partner.example\r\n\r\nx\r\n"
    assert engine.score(raw, direction="outbound", user="anna@acme-trade.com")["findings"] == []
    assert engine.score(raw, direction="internal")["findings"][0]["rule"] == "sender.reply_to_mismatch"
    with pytest.raises(ValueError):
        engine.score(raw, direction="sideways")
    with pytest.raises(ValueError):
        engine.score(raw, direction="outbound")
    junk = engine.score(b"\xff\x00\xfe")
    assert junk["findings"][0]["evidence"]["reason"] in {"no_header_section", "missing"}


def test_engine_is_shared_across_threads():
    engine = mailrisk.Engine()
    raw = (MAIL / "10-malicious-supplier-reply-to-freemail-bank-change.eml").read_bytes()
    results = []

    def work():
        results.extend(engine.score(raw)["level"] for _ in range(50))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == ["critical"] * 200


def test_rules_and_default_policy():
    ids = {r["id"] for r in mailrisk.rules()}
    assert {"identity.display_name_address", "sender.reply_to_mismatch"} <= ids
    assert "[limits]" in mailrisk.default_policy_toml()
    assert mailrisk.__version__
    json.dumps(mailrisk.rules())


def test_check_domain():
    engine = mailrisk.Engine(
        '[organisation]\nname = "Acme Trade"\ndomains = ["acme-trade.com"]\n'
    )
    m = engine.check_domain("xn--cme-trade-z76d.com")
    assert m is not None
    assert (m["protected"], m["technique"], m["detail"]["candidate"]) == (
        "acme-trade.com",
        "homoglyph",
        "ạcme-trade.com",
    )
    assert engine.check_domain("mail.acme-trade.com") is None
    with pytest.raises(ValueError):
        engine.check_domain("not a domain")


def test_find_phrases_with_policy_additions():
    engine = mailrisk.Engine('[lexicon]\nsecrecy = ["project falcon"]\n')
    found = engine.find_phrases("About PROJECT FALCON: keep this confidential.\nNeue Bankverbindung!")
    cats = {(m["category"], m["lang"]) for m in found}
    assert ("secrecy", "policy") in cats and ("secrecy", "en") in cats
    change = next(m for m in found if m["category"] == "bank_change")
    assert change["text"] == "Neue Bankverbindung" and change["sentence"] == 1
    with pytest.raises(mailrisk.PolicyError, match=r"lexicon\.secret"):
        mailrisk.Engine('[lexicon]\nsecret = ["x"]\n')


def test_issue_10_reproducers_are_verdicts_and_errors():
    regressions = ROOT / "fuzz" / "regressions"
    engine = mailrisk.Engine()
    for path in sorted((regressions / "score_message").glob("*.eml")):
        v = engine.score_file(path)
        assert 0 <= v["score"] <= 100
        assert "message.internal_error" not in [f["rule"] for f in v["findings"]]
    crash = engine.score_file(regressions / "score_message" / "beneficiary-label-after-kelvin-sign.eml")
    assert "banking.new_account_details" in [f["rule"] for f in crash["findings"]]
    assert mailrisk.Error is mailrisk.MailriskError
    with pytest.raises(mailrisk.Error, match=r"vendors\[0\]\.accounts\[0\]\.swift"):
        mailrisk.Engine.from_file(regressions / "policy" / "swift-with-non-ascii.toml")
