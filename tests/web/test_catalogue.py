"""The zh_CN catalogue is complete: every string of the code and templates has a Chinese translation."""
from __future__ import annotations

import os
import re
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "courtyard" / "translations" / "zh_CN" / "LC_MESSAGES" / "messages.po"
HOW_TO_FIX = "run `make babel-extract`, translate in messages.po, then `make translations`"


def _catalogue():
    with PO.open("rb") as f:
        return read_po(f)


def _msgid(message) -> str:
    return message[0] if isinstance(message, tuple | list) else message


def test_no_entry_is_empty_or_fuzzy():
    catalogue = _catalogue()
    entries = [m for m in catalogue if m.id]
    assert entries
    empty = [_msgid(m.id) for m in entries
             if not (all(m.string) if isinstance(m.string, tuple | list) else m.string)]
    fuzzy = [_msgid(m.id) for m in entries if m.fuzzy]
    assert not empty, f"untranslated: {empty}; {HOW_TO_FIX}"
    assert not fuzzy, f"fuzzy: {fuzzy}; {HOW_TO_FIX}"


def test_every_string_of_the_code_is_in_the_catalogue():
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    keywords = dict(DEFAULT_KEYWORDS, _l=None)

    def only_sources(dirpath: str) -> bool:
        rel = os.path.relpath(dirpath, ROOT)
        return rel == "." or rel.split(os.sep)[0] in ("courtyard", "templates") and "__pycache__" not in rel

    found = {_msgid(message) for _file, _line, message, _comments, _context in
             extract_from_dir(str(ROOT), method_map, options_map, keywords=keywords,
                              directory_filter=only_sources)}
    known = {_msgid(m.id) for m in _catalogue() if m.id and not m.fuzzy}
    missing = sorted(found - known)
    assert found
    assert not missing, f"not in the zh_CN catalogue: {missing}; {HOW_TO_FIX}"


def test_translations_keep_every_placeholder():
    placeholder = re.compile(r"%\(\w+\)s|\{\w+\}")
    wrong = []
    for m in _catalogue():
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple | list) else (m.id,)
        strings = m.string if isinstance(m.string, tuple | list) else (m.string,)
        want = set(placeholder.findall(ids[-1]))
        wrong += [ids[0] for s in strings if s and set(placeholder.findall(s)) != want]
    assert not wrong, f"placeholders differ from the English: {wrong}"
