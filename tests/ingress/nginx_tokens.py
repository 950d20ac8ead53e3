"""A reader of nginx.conf's token grammar (ngx_conf_read_token) for tests: the directive tree, so a test can
compare the structure of two generated files without running nginx."""

from __future__ import annotations


def _tokens(conf: str) -> list[str]:
    """Words, quoted strings (unquoted, escapes resolved), and the specials ``;``, ``{`` and ``}``."""
    out: list[str] = []
    i, n = 0, len(conf)
    while i < n:
        c = conf[i]
        if c.isspace():
            i += 1
        elif c == "#":
            while i < n and conf[i] != "\n":
                i += 1
        elif c in ";{}":
            out.append(c)
            i += 1
        elif c in "\"'":
            j, word = i + 1, []
            while conf[j] != c:
                if conf[j] == "\\" and conf[j + 1] in "\"'\\":
                    j += 1
                word.append(conf[j])
                j += 1
            out.append("".join(word))
            i = j + 1
        else:
            j = i
            while j < n and not conf[j].isspace() and conf[j] not in ";{}":
                j += 2 if conf[j] == "\\" else 1
            out.append(conf[i:j])
            i = j
    return out


_DATA_BLOCKS = ("map", "geo", "split_clients")


def directive_tree(conf: str) -> list[tuple[str, ...]]:
    """Every directive as (enclosing block names…, its name), in order, e.g. ("http", "server", "location",
    "return"). ``if (…)`` blocks count as "if"."""
    out: list[tuple[str, ...]] = []
    stack: list[str] = []
    words: list[str] = []
    for t in _tokens(conf):
        if t == ";":
            if not (stack and stack[-1] in _DATA_BLOCKS):
                out.append((*stack, words[0]))
            words = []
        elif t == "{":
            out.append((*stack, words[0]))
            stack.append(words[0])
            words = []
        elif t == "}":
            stack.pop()
        else:
            words.append(t)
    assert not stack and not words, "unbalanced configuration"
    return out
