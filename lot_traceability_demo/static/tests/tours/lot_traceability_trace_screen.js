/** @odoo-module **/
// The trace screen on the demo's shared tomato lot: lot form > Trace, the
// graph drawn, a folded fan-out expanded ("+ 1 more customers"), then a click
// on a customer node opens its delivery. The test sets the fan-out to 4 (2 customers per lot) so the
// small demo has something to fold.
import {registry} from "@web/core/registry";

const YY = String(new Date().getFullYear() % 100).padStart(2, "0");
const LOT = `TOM-${YY}-0001`;

registry.category("web_tour.tours").add("lot_traceability_trace_screen", {
    steps: () => [
        {
            content: "The demo's shared tomato lot is open",
            trigger: `.o_breadcrumb .active:contains(${LOT})`,
            run() {
                // a narrow screen puts the smart button under "More"
                if (!document.querySelector("button[name=action_open_trace]")) {
                    document.querySelector(".o-form-buttonbox .o_button_more").click();
                }
            },
        },
        {
            content: "Open the trace screen",
            trigger: "button[name=action_open_trace]",
            run: "click",
        },
        {
            content: "The graph shows the traced lot",
            trigger: `.o_lt_trace_screen .o_lt_node_lot[data-name="${LOT}"]`,
        },
        {
            content: "A proper title in the breadcrumb",
            trigger: `.o_breadcrumb .active:contains(Trace: ${LOT})`,
        },
        {
            content: "Its supplier, upstream",
            trigger: `.o_lt_node_supplier[data-name="Sunripe Farms"]`,
        },
        {
            content: "The customers table lists every customer reached",
            trigger: ".o_lt_table[data-table=customers] .o_lt_row:contains(Corner Deli)",
        },
        {
            content: "Expand the folded customers of a sauce lot",
            trigger: ".o_lt_node_more[data-node^=more-down-customers-]",
            run: "click",
        },
        {
            content: "The fold is gone",
            trigger: ".o_lt_graph:not(:has(.o_lt_node_more))",
        },
        {
            trigger: `.o_lt_node_customer[data-name="FreshWay Supermarkets"]`,
        },
        {
            content: "Click through to a customer's delivery",
            trigger: `.o_lt_node_customer[data-name="Corner Deli"]`,
            run: "click",
        },
        {
            content: "The delivery to Corner Deli is open",
            trigger: ".o_form_view .o_field_widget[name=partner_id]:contains(Corner Deli)",
        },
        {
            trigger: ".o_breadcrumb .active:contains(WH/OUT/)",
        },
    ],
});
