"""README.rst and static/description/index.html from readme/*.md (OCA layout)."""

import ast
import re
import sys
from pathlib import Path

from docutils.core import publish_string

SECTIONS = [
    ("DESCRIPTION.md", None),
    ("USAGE.md", "Usage"),
    ("CONFIGURE.md", "Configuration"),
    ("CONTRIBUTORS.md", "Contributors"),
]


def markdown_to_rst(text):
    """The subset the fragments use: paragraphs, bullets, **bold**, `code`."""
    text = re.sub(r"(?<!`)`([^`]+)`(?!`)", r"``\1``", text)
    return text.strip() + "\n"


def main(addon):
    addon = Path(addon)
    manifest = ast.literal_eval((addon / "__manifest__.py").read_text())
    title = manifest["name"]
    parts = [
        "=" * len(title),
        title,
        "=" * len(title),
        "",
        f"*{manifest['summary']}*",
        "",
        f"Version {manifest['version']}, license {manifest['license']}.",
        "",
        ".. contents::",
        "   :local:",
        "",
    ]
    for name, heading in SECTIONS:
        path = addon / "readme" / name
        if not path.exists():
            continue
        if heading:
            parts += [heading, "=" * len(heading), ""]
        parts.append(markdown_to_rst(path.read_text()))
    rst = "\n".join(parts)
    (addon / "README.rst").write_text(rst)
    html = publish_string(
        rst,
        writer_name="html",
        settings_overrides={"embed_stylesheet": False, "stylesheet_path": ""},
    ).decode()
    (addon / "static" / "description" / "index.html").write_text(html)


if __name__ == "__main__":
    main(sys.argv[1])
