"""Pinyin keys for searching Chinese names: full pinyin and initials, so `xy` and `xiaoyu` both find 小宇."""

from pypinyin import lazy_pinyin


def pinyin_keys(name: str) -> tuple[str, str]:
    """(full pinyin, initials) in lower case, without spaces; non-Chinese characters are kept as written."""
    if not name:
        return "", ""
    syllables = [s.lower() for s in lazy_pinyin(name.strip()) if s.strip()]
    return "".join(syllables), "".join(s[0] for s in syllables)


def name_fragments(*names: str) -> str:
    """Every suffix of each name, each starting a word: ' 李曹帅 曹帅 帅 '.

    A search for any part of a name is then a search for the start of a word, which a trigram index answers even
    for the two-character names and pseudonyms that are common in Chinese (a plain '%曹帅%' has no trigram to look up).
    """
    words = []
    for name in names:
        compact = "".join(name.split())
        words.extend(compact[i:] for i in range(len(compact)))
    return f" {' '.join(words)} " if words else ""
