"""Does a CSS `transform` put an element out of sight? scale(0) shrinks it to nothing;
translate(-9999px) (translateX/Y, translate3d) moves it as far off-screen as left:-9999px does."""

from __future__ import annotations

import re

OFFSCREEN_PX = -500  # the thresholds of hiding.py's offsets
FAR_PX = 5000
_SCALE0 = re.compile(r"scale[xy3d]*\(\s*0(?:\.0*)?\s*[,)]", re.I)
_TRANSLATE = re.compile(r"translate(?:x|y|3d)?\(([^)]*)\)", re.I)
_LENGTH = re.compile(r"(-?\d+(?:\.\d+)?)\s*(px|r?em)?", re.I)


def transformed_away(value: str) -> bool:
    if _SCALE0.search(value):
        return True
    for m in _TRANSLATE.finditer(value):
        for number, unit in _LENGTH.findall(m.group(1)):
            px = float(number) * (16.0 if unit and unit.lower() in ("em", "rem") else 1.0)
            if px <= OFFSCREEN_PX or px >= FAR_PX:
                return True
    return False
