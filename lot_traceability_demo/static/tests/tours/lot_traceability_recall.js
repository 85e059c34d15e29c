/** @odoo-module **/
// A mock recall from a demo lot: lot form > Action > Recall, Run Trace, the
// customers reached, then Print Report (the report must render the recall).
import {registry} from "@web/core/registry";

const YY = String(new Date().getFullYear() % 100).padStart(2, "0");
const LOT = `TOM-${YY}-0001`;

registry.category("web_tour.tours").add("lot_traceability_recall", {
    steps: () => [
        {
            content: "The demo's shared tomato lot is open",
            trigger: `.o_breadcrumb .active:contains(${LOT})`,
        },
        {
            trigger: ".o_control_panel .o_cp_action_menus .fa-cog",
            run: "click",
        },
        {
            trigger: ".o-dropdown--menu .o_menu_item:contains(Recall)",
            run: "click",
        },
        {
            content: "A new recall of the lot",
            trigger: `.o_form_view .o_field_widget[name=lot_ids] .badge:contains(${LOT})`,
        },
        {
            content: "A mock recall by default",
            trigger: ".o_form_view .ribbon:contains(Mock)",
        },
        {
            trigger: ".o_statusbar_buttons button[name=action_run]",
            run: "click",
        },
        {
            // with many buttons Odoo folds the statusbar into one dropdown
            // that shows the current state: either form is what the user sees
            content: "Traced",
            trigger:
                ".o_form_view .o_statusbar_status .o_arrow_button_current:contains(Traced), " +
                ".o_form_view .o_statusbar_status .dropdown-toggle:contains(Traced)",
        },
        {
            content: "The shared lot reaches every demo customer",
            trigger: ".o_field_widget[name=customer_ids] .o_data_row:contains(Bella Cucina Restaurants)",
        },
        {
            trigger: ".o_field_widget[name=customer_ids] .o_data_row:contains(Corner Deli)",
        },
        {
            content: "Print the recall report",
            trigger: ".o_statusbar_buttons button[name=action_print_report]",
            async run(helpers) {
                // The PDF is a download the browser keeps to itself: check the
                // report the button prints, in its HTML form, for this recall.
                const name = document.querySelector(
                    ".o_form_view .o_field_widget[name=name]"
                ).textContent.trim();
                const id = Number(location.pathname.match(/(\d+)\/?$/)[1]);
                await helpers.click();
                const response = await fetch(
                    `/report/html/lot_traceability.report_recall/${id}`
                );
                const html = await response.text();
                if (!response.ok || !html.includes(name) || !html.includes(LOT)) {
                    throw new Error(
                        `recall report of ${name} (id ${id}) missing or incomplete`
                    );
                }
            },
        },
        {
            content: "No error after printing",
            trigger: "body:not(:has(.o_error_dialog))",
        },
    ],
});
