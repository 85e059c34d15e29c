# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import hashlib
import io
import re

from PyPDF2 import PdfReader, PdfWriter
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from odoo import _, models

# <link rel="stylesheet" href="/web/assets/<unique>/<bundle>(.min).css"/>
ASSET_LINK = re.compile(
    r'<link[^>]*href="[^"]*/web/assets/[^"/]+/(?P<bundle>[\w.]+?)(?:\.min)?\.css"[^>]*/?>'
)
FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}")
# Auditor reports: stamped on every page after rendering.
STAMPED_REPORTS = {
    "lot_traceability.report_recall",
    "lot_traceability.report_lot_dossier",
    "lot_traceability.report_hold_register",
}


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

    # ----------------------------------------------------- auditor stamping
    def _render_qweb_pdf(self, report_ref, res_ids=None, data=None):
        """Auditor reports carry, on every page, the company, the report, the
        document reference, its fingerprint and "Page x of y".

        Debian's wkhtmltopdf (unpatched Qt) ignores header and footer HTML, so
        the pages are stamped after rendering, with the PDF libraries Odoo
        already depends on (reportlab draws the stamp, PyPDF2 merges it)."""
        pdf, report_type = super()._render_qweb_pdf(report_ref, res_ids, data)
        report = self._get_report(report_ref)
        if report_type != "pdf" or report.report_name not in STAMPED_REPORTS:
            return pdf, report_type
        if isinstance(res_ids, int):
            res_ids = [res_ids]
        records = self.env[report.model].browse(res_ids or [])
        return self._lt_stamp(pdf, report, records), report_type

    def _lt_stamp_reference(self, report, records):
        """(document reference, fingerprint) printed on every page."""
        # the register is a period; a recall's scope dates are not its name
        if records._name == "stock.lot.hold.register":
            names = [f"{r.date_from} - {r.date_to}" for r in records]
        else:
            names = records.mapped("display_name")
        reference = ", ".join(names) if len(names) <= 3 else f"{len(names)} documents"
        hashes = (
            [h for h in records.mapped("result_hash") if h]
            if ("result_hash" in records._fields)
            else []
        )
        return reference, hashes

    def _lt_stamp(self, pdf, report, records):
        reader = PdfReader(io.BytesIO(pdf))
        reference, hashes = self._lt_stamp_reference(report, records)
        if not hashes:
            # the report's own text, before stamping, identifies its content
            text = "".join(page.extract_text() for page in reader.pages)
            hashes = [hashlib.sha256(text.encode()).hexdigest()]
        fingerprint = "SHA-256 " + ", ".join(h[:16] for h in hashes)
        company = records[:1].company_id if "company_id" in records._fields else False
        company = company or self.env.company
        total = len(reader.pages)
        writer = PdfWriter()
        for number, page in enumerate(reader.pages, start=1):
            width, height = float(page.mediabox.width), float(page.mediabox.height)
            stamp = io.BytesIO()
            canvas = Canvas(stamp, pagesize=(width, height))
            canvas.setFont("Helvetica-Bold", 8)
            canvas.drawString(12 * mm, height - 8 * mm, company.name or "")
            canvas.setFont("Helvetica", 8)
            canvas.drawRightString(width - 12 * mm, height - 8 * mm, report.name or "")
            canvas.setFont("Helvetica", 7)
            canvas.drawString(
                12 * mm,
                6 * mm,
                _(
                    "%(reference)s - %(fingerprint)s",
                    reference=reference,
                    fingerprint=fingerprint,
                )[:160],
            )
            canvas.drawRightString(
                width - 12 * mm,
                6 * mm,
                _("Page %(page)s of %(total)s", page=number, total=total),
            )
            canvas.save()
            page.merge_page(PdfReader(io.BytesIO(stamp.getvalue())).pages[0])
            writer.add_page(page)
        output = io.BytesIO()
        writer.write(output)
        return output.getvalue()
