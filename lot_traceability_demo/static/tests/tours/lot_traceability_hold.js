/** @odoo-module **/
// Quality hold, in three tours run one after the other by TestTours:
// 1. a Quality Manager places a hold on a lot from its form (Action > Place Hold);
// 2. picking that lot on a delivery and validating it is refused, naming the hold;
// 3. another Quality Manager releases it, signing with their password.
import {registry} from "@web/core/registry";

const YY = String(new Date().getFullYear() % 100).padStart(2, "0");
const LOT = `SAUCE-${YY}-0002`;

registry.category("web_tour.tours").add("lot_traceability_hold_place", {
    steps: () => [
        {
            content: "The lot form is open",
            trigger: `.o_breadcrumb .active:contains(${LOT})`,
        },
        {
            content: "The lot is free",
            trigger: ".o_field_widget[name=hold_state] .badge:contains(Free)",
        },
        {
            content: "Open the Action menu",
            trigger: ".o_control_panel .o_cp_action_menus .fa-cog",
            run: "click",
        },
        {
            trigger: ".o-dropdown--menu .o_menu_item:contains(Place Hold)",
            run: "click",
        },
        {
            content: "The hold wizard has the lot",
            trigger: `.modal .o_field_widget[name=lot_ids] .badge:contains(${LOT})`,
        },
        {
            trigger: ".modal .o_field_widget[name=reason_id] input",
            run: "edit Customer complaint",
        },
        {
            trigger: ".o-autocomplete--dropdown-menu .ui-menu-item a:contains(Customer complaint)",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=description] textarea",
            run: "edit Two jars reported with a broken seal",
        },
        {
            trigger: ".modal .modal-footer button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The hold is active",
            trigger: ".o_form_view .o_statusbar_status .o_arrow_button_current:contains(Active)",
        },
        {
            content: "The hold is numbered and lists the lot",
            trigger: `.o_form_view:has(.o_field_widget[name=name]:contains(HOLD/)) .o_field_widget[name=lot_ids] .o_data_row:contains(${LOT})`,
        },
    ],
});

registry.category("web_tour.tours").add("lot_traceability_hold_delivery", {
    steps: () => [
        {
            content: "The delivery is open",
            trigger: ".o_form_view .o_statusbar_buttons button[name=button_validate]",
        },
        {
            content: "Open the detailed operations of the sauce move",
            trigger: ".o_field_widget[name=move_ids_without_package] .o_data_row button[name='Open Move']",
            run: "click",
        },
        {
            trigger: ".modal .o_field_x2many_list_row_add > a",
            run: "click",
        },
        {
            content: "Pick the held lot's stock in the list of quants",
            trigger: `.modal .o_data_row:contains(${LOT}) td:contains(${LOT})`,
            run: "click",
        },
        {
            trigger: ".modal .o_data_row .o_field_widget[name=quantity] input",
            run: "edit 10",
        },
        {
            // the quantity's onchange, then the move's on its lines: Odoo's web
            // client drops the new line when the dialog is saved while the
            // move's onchange is still in flight (~0.1 s; the tour clicked in
            // 40 ms, no person does), so wait as a user would
            content: "Let the line's and the move's onchanges come back",
            trigger: ".modal .o_data_row",
            async run() {
                await new Promise((resolve) => setTimeout(resolve, 1000));
            },
        },
        {
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            // as a user would: the line is in the move (its onchange came
            // back) before validating; clicking earlier races the web client
            content: "The move shows the quantity picked",
            trigger:
                "body:not(:has(.modal)) .o_field_widget[name=move_ids_without_package] " +
                ".o_data_row .o_data_cell[name=quantity]:contains(10)",
        },
        {
            content: "Validate the delivery",
            trigger: "body:not(:has(.modal)) .o_statusbar_buttons button[name=button_validate]",
            run: "click",
        },
        {
            content: "Refused: the error names the lot and its hold",
            trigger: `.modal .modal-body:contains(${LOT}):contains(is on hold HOLD/):contains(Customer complaint)`,
        },
        {
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "Discard: the held lot never joins the delivery",
            trigger: "body:not(:has(.modal)) .o_form_button_cancel",
            run: "click",
        },
        {
            trigger: ".o_form_renderer.o_form_saved",
        },
    ],
});

registry.category("web_tour.tours").add("lot_traceability_hold_release", {
    steps: () => [
        {
            content: "The active hold is open",
            trigger: ".o_form_view .o_statusbar_status .o_arrow_button_current:contains(Active)",
        },
        {
            trigger: ".o_statusbar_buttons button[name=action_open_decision]:contains(Release)",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=note] textarea",
            run: "edit Seals checked on the retained samples: no defect",
        },
        {
            content: "Sign with the password",
            trigger: ".modal .o_field_widget[name=password] input",
            run: "edit qm_bob",
        },
        {
            trigger: ".modal .modal-footer button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The hold is released and signed",
            trigger: ".o_form_view .o_statusbar_status .o_arrow_button_current:contains(Released)",
        },
        {
            trigger: ".o_notebook .nav-link:contains(Decision)",
            run: "click",
        },
        {
            content: "Signed by the second Quality Manager, meaning Released",
            trigger: ".o_form_view .o_field_widget[name=signature_name]:contains(Bob Quality)",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=signature_meaning]:contains(Released)",
        },
    ],
});
