# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import re

from odoo import models

# <link rel="stylesheet" href="/web/assets/<unique>/<bundle>(.min).css"/>
ASSET_LINK = re.compile(
    r'<link[^>]*href="[^"]*/web/assets/[^"/]+/(?P<bundle>[\w.]+?)(?:\.min)?\.css"[^>]*/?>'
)
FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}")


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _prepare_html(self, html, report_model=False):
        """The module's PDFs keep their text as text.

        wkhtmltopdf built on an unpatched Qt (Debian's, for one) draws every
        glyph of a page as outlines as soon as the page loads a web font
        (``@font-face``), even when no text uses it: such a PDF cannot be
        searched or copied from. For this module's reports, the report CSS
        bundles are inlined without their ``@font-face`` rules (the reports set
        system fonts); other reports are left as Odoo makes them."""
        bodies, res_ids, header, footer, args = super()._prepare_html(
            html, report_model=report_model
        )
        if not (self.report_name or "").startswith("lot_traceability."):
            return bodies, res_ids, header, footer, args
        cache = {}

        def inline(document):
            def style(match):
                bundle = match.group("bundle")
                if bundle not in cache:
                    attachments = (
                        self.env["ir.qweb"]
                        ._get_asset_bundle(bundle, css=True, js=False)
                        .css()
                    )
                    css = "".join(a.raw.decode() for a in attachments)
                    cache[bundle] = FONT_FACE.sub("", css)
                return f"<style>{cache[bundle]}</style>"

            return ASSET_LINK.sub(style, document) if document else document

        return (
            [inline(body) for body in bodies],
            res_ids,
            inline(header),
            inline(footer),
            args,
        )
