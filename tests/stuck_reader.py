"""A reader that never returns on articles marked STUCK (catastrophic backtracking inside one
C-level `re` call, holding the GIL), raises on READER-BREAKS-HERE, and whose process dies on
articles marked EXIT."""
import re

from vnindustry.reader import parse_article as real_parse_article


def parse_article(event):
    if "STUCK" in event["body"]:
        re.match(r"(a+)+$", "a" * 64 + "b")
    if "READER-BREAKS-HERE" in event["body"]:
        raise RuntimeError("reader failure injected by the test")
    if "EXIT" in event["body"]:
        raise SystemExit(3)  # the worker process dies mid-article
    return real_parse_article(event)
