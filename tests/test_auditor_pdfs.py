# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Auditor PDFs printed with the setup's wkhtmltopdf: every page carries the
company, the report, the document reference, its fingerprint and "Page x of
y" (stamped after rendering), read back from the PDF text."""

import io
import re

from PyPDF2 import PdfReader

from odoo import Command, fields

from .common import LotTraceabilityCase, render_pdf
from .flows import Flows


def page_texts(pdf):
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


class TestAuditorPdfs(LotTraceabilityCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.name = "Stamp Foods Inc."
        f = Flows(cls.env)
        cls.product = f.product("Stamp Flour")
        cls.lots = f.lot(cls.product, "FLOUR-1") | f.lot(cls.product, "FLOUR-2")
        f.receive(f.partner("Mill"), cls.product, [(lot, 10.0) for lot in cls.lots])
        f.deliver(f.partner("Bakery"), cls.product, [(cls.lots[0], 4.0)])

    def assertStamped(self, pdf, report_name, reference):
        pages = page_texts(pdf)
        self.assertTrue(pages)
        for number, text in enumerate(pages, start=1):
            flat = " ".join(text.split())
            self.assertIn("Stamp Foods Inc.", flat)
            self.assertIn(report_name, flat)
            self.assertIn(reference, flat)
            self.assertRegex(flat, r"SHA-256 [0-9a-f]{16}")
            self.assertIn(f"Page {number} of {len(pages)}", flat)
        return pages

    def test_lot_dossier(self):
        pdf = render_pdf(
            self.env, "lot_traceability.action_report_lot_dossier", self.lots[:1].ids
        )
        self.assertStamped(pdf, "Lot Dossier", "FLOUR-1")

    def test_recall_report(self):
        recall = self.env["stock.lot.recall"].create(
            {"lot_ids": [Command.set(self.lots[:1].ids)]}
        )
        recall.action_run()
        pdf = render_pdf(self.env, "lot_traceability.action_report_recall", recall.ids)
        pages = self.assertStamped(pdf, "Recall Report", recall.display_name)
        fingerprint = re.search(r"SHA-256 ([0-9a-f]{16})", pages[0]).group(1)
        self.assertTrue(recall.result_hash.startswith(fingerprint))

    def test_hold_register(self):
        self.env["stock.lot.hold"]._hold_lots(
            self.lots[1:], "lot_traceability.hold_reason_qc_pending", "Stamp test hold"
        )
        today = fields.Date.today()
        register = self.env["stock.lot.hold.register"].create(
            {"date_from": today, "date_to": today}
        )
        pdf = render_pdf(
            self.env, "lot_traceability.action_report_hold_register", register.ids
        )
        self.assertStamped(pdf, "Hold Register", f"{today} - {today}")
