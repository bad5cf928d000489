"""Pinyin keys for searching Chinese names: full pinyin and initials, so `xy` and `xiaoyu` both find 小宇."""

from pypinyin import lazy_pinyin


def pinyin_keys(name: str) -> tuple[str, str]:
    """(full pinyin, initials) in lower case, without spaces; non-Chinese characters are kept as written."""
    if not name:
        return "", ""
    syllables = [s.lower() for s in lazy_pinyin(name.strip()) if s.strip()]
    return "".join(syllables), "".join(s[0] for s in syllables)
