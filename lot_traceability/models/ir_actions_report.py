# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import hashlib
import io
import re

from PyPDF2 import PdfReader, PdfWriter
from PyPDF2.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
)
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from odoo import _, models

# <link rel="stylesheet" href="/web/assets/<unique>/<bundle>(.min).css"/>
ASSET_LINK = re.compile(
    r'<link[^>]*href="[^"]*/web/assets/[^"/]+/(?P<bundle>[\w.]+?)(?:\.min)?\.css"[^>]*/?>'
)
FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}")
# Auditor reports: stamped on every page after rendering.
# the stamp's fonts: PDF's standard Type 1 fonts, nothing embedded
STAMP_FONTS = {"/LTStampR": "Helvetica", "/LTStampB": "Helvetica-Bold"}
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
        already depends on: the stamp is a content stream of its own added to
        each page (PyPDF2), placed with reportlab's font metrics."""
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
        footer = _(
            "%(reference)s - %(fingerprint)s",
            reference=reference,
            fingerprint=fingerprint,
        )[:160]
        total = len(reader.pages)
        writer = PdfWriter()
        fonts = {
            name: writer._add_object(
                DictionaryObject(
                    {
                        NameObject("/Type"): NameObject("/Font"),
                        NameObject("/Subtype"): NameObject("/Type1"),
                        NameObject("/BaseFont"): NameObject(f"/{base}"),
                        NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
                    }
                )
            )
            for name, base in STAMP_FONTS.items()
        }
        # the page's own drawing is wrapped in q ... Q, so that whatever state
        # it leaves (a transformation, a colour) does not move the stamp
        save = writer._add_object(_stream(b"q\n"))
        for number, source in enumerate(reader.pages, start=1):
            writer.add_page(source)
            page = writer.pages[-1]
            width, height = float(page.mediabox.width), float(page.mediabox.height)
            stamp = b"".join(
                (
                    b"Q\nq 0 g\n",
                    _text("/LTStampB", 8, 12 * mm, height - 8 * mm, company.name or ""),
                    _text(
                        "/LTStampR",
                        8,
                        width - 12 * mm,
                        height - 8 * mm,
                        report.name or "",
                        right=True,
                    ),
                    _text("/LTStampR", 7, 12 * mm, 6 * mm, footer),
                    _text(
                        "/LTStampR",
                        7,
                        width - 12 * mm,
                        6 * mm,
                        _("Page %(page)s of %(total)s", page=number, total=total),
                        right=True,
                    ),
                    b"Q\n",
                )
            )
            # the stamp is a content stream of its own, added after the page's:
            # nothing of the page is parsed or rewritten (a hub recall prints
            # ~150 pages)
            resources = page.get("/Resources")
            resources = resources.get_object() if resources is not None else None
            if resources is None:
                resources = DictionaryObject()
                page[NameObject("/Resources")] = resources
            font_dict = resources.get("/Font")
            font_dict = font_dict.get_object() if font_dict is not None else None
            if font_dict is None:
                font_dict = DictionaryObject()
                resources[NameObject("/Font")] = font_dict
            for name, ref in fonts.items():
                font_dict[NameObject(name)] = ref
            contents = page.get("/Contents")
            items = []
            if contents is not None:
                resolved = contents.get_object()
                if isinstance(resolved, ArrayObject):
                    items = list(resolved)
                elif isinstance(contents, IndirectObject):
                    items = [contents]
                else:
                    items = [writer._add_object(resolved)]
            page[NameObject("/Contents")] = ArrayObject(
                [save, *items, writer._add_object(_stream(stamp))]
            )
        output = io.BytesIO()
        writer.write(output)
        return output.getvalue()


def _stream(data):
    stream = DecodedStreamObject()
    stream.set_data(data)
    return stream


def _text(font, size, x, y, text, right=False):
    """One line of the stamp in PDF operators (standard Type 1 font,
    WinAnsi encoding: characters outside it print as "?")."""
    if right:
        x -= stringWidth(text, STAMP_FONTS[font], size)
    escaped = (
        text.encode("cp1252", "replace")
        .replace(b"\\", b"\\\\")
        .replace(b"(", b"\\(")
        .replace(b")", b"\\)")
        .replace(b"\r", b" ")
        .replace(b"\n", b" ")
    )
    return b"BT %s %g Tf %.2f %.2f Td (%s) Tj ET\n" % (
        font.encode(),
        size,
        x,
        y,
        escaped,
    )
