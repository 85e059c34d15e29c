# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Shared base for the suite in the top-level ``tests/`` folder.

These modules are not under ``odoo.addons.*``, so Odoo's MetaCase cannot tag
them: the base class states the tags and the module explicitly.
"""

from odoo import fields
from odoo.tests import TransactionCase
from odoo.tools import convert_file

# The demo's numbering rules put the current year in lot names (TOM-{YY}-0001).
YY = f"{fields.Date.today().year % 100:02d}"


class LotTraceabilityCase(TransactionCase):
    test_tags = {"standard", "at_install"}
    test_module = "lot_traceability"

    @classmethod
    def _load_demo_scenario(cls):
        """Load the module's demo file into this test's transaction.

        The test database is built without demo data; this runs the very file
        ``./setup/run`` loads (master data and the validated documents).
        """
        convert_file(
            cls.env,
            "lot_traceability_demo",
            "demo/lot_traceability_demo.xml",
            idref={},
            mode="init",
            noupdate=True,
            kind="demo",
        )

    @classmethod
    def demo(cls, xmlid):
        return cls.env.ref(f"lot_traceability_demo.{xmlid}_demo")


def pdf_text(pdf):
    """The text of a PDF, whitespace removed (PDF cells wrap at will)."""
    import io

    from PyPDF2 import PdfReader

    assert pdf.startswith(b"%PDF"), pdf[:40]
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return "".join(text.split())


def render_pdf(env, report_xmlid, ids):
    """A real PDF through wkhtmltopdf, as the Print button gives."""
    pdf, kind = (
        env["ir.actions.report"]
        .with_context(force_report_rendering=True)
        ._render_qweb_pdf(report_xmlid, ids)
    )
    assert kind == "pdf"
    return pdf
