"""A checker for Telegram's HTML parse mode: allowed tags only, balanced, entities escaped."""

import re

ALLOWED = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "a",
    "code",
    "pre",
    "blockquote",
    "tg-spoiler",
    "span",
}
_TAG = re.compile(r"<(/?)([a-z-]+)(\s[^<>]*)?>")
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")


def telegram_html_problems(text: str) -> list[str]:
    problems, stack, pos = [], [], 0
    for m in _TAG.finditer(text):
        between = text[pos : m.start()]
        problems += _text_problems(between)
        pos = m.end()
        closing, name = m.group(1) == "/", m.group(2)
        if name not in ALLOWED:
            problems.append(f"tag <{name}> not allowed")
        elif closing:
            if not stack or stack[-1] != name:
                problems.append(f"unbalanced </{name}>")
            else:
                stack.pop()
        else:
            stack.append(name)
    problems += _text_problems(text[pos:])
    if stack:
        problems.append(f"unclosed {stack}")
    return problems


def _text_problems(segment: str) -> list[str]:
    out = []
    if "<" in segment or ">" in segment:
        out.append(f"raw angle bracket in {segment[:40]!r}")
    for m in re.finditer("&", segment):
        if not _ENTITY.match(segment, m.start()):
            out.append(f"raw ampersand in {segment[m.start() : m.start() + 20]!r}")
    return out
