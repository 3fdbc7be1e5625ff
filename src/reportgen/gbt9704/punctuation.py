"""Punctuation that Unicode shares between Chinese and Latin text (全角/半角同码标点).

“ ” ‘ ’ — … · have one code point for both scripts, so Word sets them in the run's Latin font
(Times New Roman: narrow, another shape) unless the run is marked East Asian
(``w:hint="eastAsia"``) or its Latin font is itself a Chinese face.
"""

from __future__ import annotations

AMBIGUOUS_PUNCTUATION = "“”‘’—…·"
