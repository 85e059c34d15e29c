/** @odoo-module **/
// Receive goods by scanning a GS1 label on a receipt: the supplier lot, read
// from AI 10, is on the receipt line; the receipt validates.
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("lot_traceability_gs1_receipt", {
    steps: () => [
        {
            content: "The receipt is open, ready to scan",
            trigger: ".o_form_view .o_field_widget[name=gs1_scan] input",
            run: "edit ]C1010950600013436917271231310200120010SRF-TOUR-7",
        },
        {
            content: "Save: the scan fills the planned line",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_saved",
        },
        {
            content: "Open the line's detailed operations",
            trigger: ".o_field_widget[name=move_ids_without_package] .o_data_row button[name='Open Move']",
            run: "click",
        },
        {
            content: "The supplier lot scanned is on the line",
            trigger: ".modal .o_data_row .o_data_cell[name=supplier_lot_name]:contains(SRF-TOUR-7)",
        },
        {
            content: "The weight scanned (AI 3102: 12.00 kg) is on the line",
            trigger: ".modal .o_data_row .o_data_cell[name=quantity]:contains(12)",
        },
        {
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "Validate the receipt",
            trigger: ".o_statusbar_buttons button[name=button_validate]",
            run: "click",
        },
        {
            content: "The receipt is done",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Done)",
        },
    ],
});
