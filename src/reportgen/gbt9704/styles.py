"""The style contract of a template (样式): the style names the layout and ``check`` rely on."""

from __future__ import annotations

# The styles tools/make_template.py defines and the layout relies on (rendering right-spaces
# 署名 and 成文日期 by name; check looks for the others): (name, paragraph or character).
LAYOUT_STYLES = (
    ("Normal", "paragraph"),
    ("公文标题", "paragraph"),
    ("主送机关", "paragraph"),
    ("一级标题", "paragraph"),
    ("二级标题", "character"),
    ("署名", "paragraph"),
    ("成文日期", "paragraph"),
    ("页码", "paragraph"),
)
SIGNATURE_STYLES = ("署名", "成文日期")
