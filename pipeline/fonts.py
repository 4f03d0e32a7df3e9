"""The report's typeface, shipped on PyPI (font-roboto), so every machine typesets alike."""

from pathlib import Path

import font_roboto


def font_dir() -> Path:
    return Path(font_roboto.__file__).parent / "files"
