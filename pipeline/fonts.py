"""The report's typefaces, shipped on PyPI so every machine typesets alike: Roboto for Latin, Greek and
Cyrillic, and Noto fallbacks for Chinese, Japanese and Korean, Arabic and Devanagari. Typst picks, for
each character, the first font of the template's list that has it; `missing` tells which characters
none of them has, so the check can report them instead of the PDF printing empty boxes."""

from __future__ import annotations

import functools
import unicodedata
from pathlib import Path

import font_roboto
import fontpkg_noto_sans_arabic
import fontpkg_noto_sans_devanagari
import noto_cjk_sans_otc


def font_dir() -> Path:
    return Path(font_roboto.__file__).parent / "files"


def font_dirs() -> list[Path]:
    """Every folder Typst should read fonts from."""
    return [font_dir(), Path(noto_cjk_sans_otc.__file__).parent, Path(fontpkg_noto_sans_arabic.ROOT) / "files",
            Path(fontpkg_noto_sans_devanagari.ROOT) / "files"]


def font_files() -> list[Path]:
    return sorted(p for folder in font_dirs() for p in folder.iterdir()
                  if p.suffix.lower() in (".ttf", ".otf", ".ttc"))


@functools.cache
def _roboto() -> frozenset[int]:
    return _cmap([p for p in font_files() if p.parent == font_dir()])


@functools.cache
def _all() -> frozenset[int]:
    return _cmap(font_files())


def _cmap(paths: list[Path]) -> frozenset[int]:
    from fontTools.ttLib import TTCollection, TTFont  # only when a draft has characters Roboto lacks

    covered: set[int] = set()
    for path in paths:
        fonts = TTCollection(str(path), lazy=True).fonts[:1] if path.suffix.lower() == ".ttc" else [
            TTFont(str(path), lazy=True)]
        for font in fonts:
            covered |= set(font.getBestCmap() or {})
    return frozenset(covered)


def missing(text: str) -> list[str]:
    """The distinct characters of `text` that no font of the report has (spaces and controls aside), in
    order of first appearance."""
    candidates = [c for c in dict.fromkeys(text) if ord(c) > 0x7E and ord(c) not in _roboto()
                  and not c.isspace() and unicodedata.category(c) not in ("Cc", "Cf", "Zs", "Zl", "Zp")]
    if not candidates:
        return []
    covered = _all()
    return [c for c in candidates if ord(c) not in covered]
