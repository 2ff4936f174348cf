"""mailrisk: catch business-email compromise (BEC) and mailbox takeover before money moves.

>>> import mailrisk
>>> engine = mailrisk.Engine()
>>> v = engine.score(b'From: "ceo@acme-trade.com" <x@mailer.example>\\r\\nTo: a@acme-trade.com\\r\\n\\r\\nhi\\r\\n')
>>> v["level"], v["findings"][0]["rule"]
('high', 'identity.display_name_address')
"""

from __future__ import annotations

import json
import os
from typing import Any, Dict, List, Optional, Union

from ._mailrisk import MailriskError, PolicyError, __version__, default_policy_toml, rules_json
from ._mailrisk import Engine as _NativeEngine

__all__ = ["Engine", "Error", "MailriskError", "PolicyError", "rules", "default_policy_toml", "__version__"]

#: The base class of every error mailrisk raises (``MailriskError`` is the same class). An
#: internal failure of the library on some input is raised as this, never as pyo3's
#: ``PanicException`` and never as an abort of the interpreter.
Error = MailriskError

Verdict = Dict[str, Any]


class Engine:
    """A compiled policy; build once, score many messages (thread-safe, releases the GIL)."""

    def __init__(self, policy: Optional[str] = None, *, format: str = "toml") -> None:
        self._native = _NativeEngine(policy, format)

    @classmethod
    def from_file(cls, path: Union[str, os.PathLike]) -> "Engine":
        """Loads a policy file (TOML, or JSON when the name ends in .json)."""
        path = os.fspath(path)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        return cls(text, format="json" if path.lower().endswith(".json") else "toml")

    def score(self, raw: Union[bytes, str], *, direction: str = "inbound", user: Optional[str] = None) -> Verdict:
        """Scores one raw RFC 5322 message; returns the verdict dict (docs/verdict-schema.md)."""
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        return json.loads(self._native.score_json(raw, direction, user))

    def score_file(self, path: Union[str, os.PathLike], **kwargs: Any) -> Verdict:
        """Scores one .eml file."""
        with open(path, "rb") as f:
            return self.score(f.read(), **kwargs)

    def check_domain(self, domain: str) -> Optional[Dict[str, Any]]:
        """Whether `domain` imitates a protected domain: the match, or None.

        >>> m = Engine().check_domain("paypa1.com")
        >>> m["protected"], m["technique"], m["severity"]
        ('paypal.com', 'homoglyph', 'high')
        >>> Engine().check_domain("example.com") is None
        True

        Raises ValueError when `domain` is not a host name.
        """
        found = self._native.check_domain_json(domain)
        return None if found is None else json.loads(found)

    def find_phrases(self, text: str) -> List[Dict[str, Any]]:
        """The content lexicon's phrases in `text` (built-in plus the policy's `[lexicon]`),
        each with its category, language, text as written, offset and sentence number.

        >>> [(m["category"], m["text"]) for m in Engine().find_phrases("请尽快付款")]
        [('urgency', '尽快'), ('request', '请尽快'), ('payment', '付款')]
        >>> found = Engine().find_phrases("Our bank details have changed.")
        >>> [m["text"] for m in found if m["category"] == "bank_change"]
        ['Our bank details have changed']
        """
        return json.loads(self._native.find_phrases_json(text))


def rules() -> List[Dict[str, Any]]:
    """The rule catalogue: id, family, default weight, description, references..."""
    return json.loads(rules_json())
