/** @odoo-module **/
// The trace screen: an interactive genealogy graph (suppliers -> received
// lots -> manufactured lots -> customers) and aggregated, paged tables, fed by
// stock.lot.trace.screen (one trace per screen, pages from its snapshot).
// Layout by dagre (static/lib/dagre, MIT), loaded when the screen opens.
import { _t } from "@web/core/l10n/translation";
import { Component, onWillStart, useRef, useState } from "@odoo/owl";
import { loadJS } from "@web/core/assets";
import { deserializeDateTime, formatDateTime } from "@web/core/l10n/dates";
import { download } from "@web/core/network/download";
import { MultiRecordSelector } from "@web/core/record_selectors/multi_record_selector";
import { registry } from "@web/core/registry";
import { formatFloat } from "@web/core/utils/numbers";
import { useService } from "@web/core/utils/hooks";
import { Layout } from "@web/search/layout";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";

const DAGRE_URL = "/lot_traceability/static/lib/dagre/dagre.min.js";
const NODE_SIZES = {
    lot: [200, 58],
    customer: [180, 36],
    supplier: [180, 36],
    more: [150, 30],
};
const TABS = [
    ["customers", _t("Customers")],
    ["deliveries", _t("Deliveries")],
    ["suppliers", _t("Suppliers and lots")],
    ["lots", _t("Lots")],
    ["on_hand", _t("Stock on hand")],
    ["productions", _t("Manufacturing")],
    ["gaps", _t("Gaps")],
];

function parseIds(value) {
    if (Array.isArray(value)) {
        return value.map(Number).filter(Boolean);
    }
    if (typeof value === "string" && value) {
        return value.split(",").map(Number).filter(Boolean);
    }
    if (typeof value === "number") {
        return [value];
    }
    return [];
}

export class TraceScreen extends Component {
    static template = "lot_traceability.TraceScreen";
    static components = { Layout, MultiRecordSelector };
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.notification = useService("notification");
        this.svgRef = useRef("svg");
        this.tabs = TABS;
        this.directions = [
            ["backward", _t("Upstream")],
            ["both", _t("Both")],
            ["forward", _t("Downstream")],
        ];
        const params = this.props.action.params || {};
        const context = this.props.action.context || {};
        const fromRecall = context.lt_trace_lot_ids;
        this.state = useState({
            lotIds: parseIds(params.lot_ids || fromRecall),
            direction: params.direction || context.lt_trace_direction || "both",
            loading: false,
            screen: null,
            tables: {},
            tab: "customers",
            graph: { nodes: {}, edges: {} },
            layout: { nodes: [], edges: [], width: 0, height: 0 },
            view: { x: 20, y: 20, k: 1 },
            selected: null,
            paintMs: 0,
            svgHeight: 400,
            layoutMs: 0,
        });
        this.display = { controlPanel: {} };
        onWillStart(async () => {
            await loadJS(DAGRE_URL);
            if (this.state.lotIds.length) {
                await this.load();
            }
        });
    }

    // ------------------------------------------------------------- loading
    get requestArgs() {
        return [this.state.lotIds, this.state.direction];
    }

    get statusLine() {
        const screen = this.state.screen;
        return _t(
            "Traced at %(date)s: trace %(trace)s ms, screen %(screen)s ms (layout %(layout)s ms)",
            {
                date: this.formatDate(screen.traced_at),
                trace: screen.stats.elapsed_ms,
                screen: this.state.paintMs,
                layout: this.state.layoutMs,
            }
        );
    }

    get token() {
        return this.state.screen?.token;
    }

    async load() {
        const started = performance.now();
        this.state.loading = true;
        try {
            const screen = await this.orm.call("stock.lot.trace.screen", "get_screen", this.requestArgs);
            this.state.screen = screen;
            this.state.tables = screen.tables;
            this.state.graph = { nodes: {}, edges: {} };
            this.mergeGraph(screen.graph);
            this.relayout(true);
            this.props.updateActionState?.({
                lot_ids: this.state.lotIds.join(","),
                direction: this.state.direction,
            });
            this.env.config.setDisplayName?.(screen.title);
        } finally {
            this.state.loading = false;
        }
        this.state.paintMs = Math.round(performance.now() - started);
    }

    onLotsChanged(ids) {
        this.state.lotIds = ids;
        if (ids.length) {
            this.load();
        } else {
            this.state.screen = null;
        }
    }

    setDirection(direction) {
        if (direction !== this.state.direction) {
            this.state.direction = direction;
            if (this.state.lotIds.length) {
                this.load();
            }
        }
    }

    /** A newer snapshot answered (the old one expired): say so. */
    checkToken(answer) {
        if (answer.token && answer.token !== this.token) {
            this.state.screen.token = answer.token;
            if (answer.traced_at) {
                this.state.screen.traced_at = answer.traced_at;
            }
            if (answer.totals) {
                this.state.screen.totals = answer.totals;
            }
            this.notification.add(
                _t("The trace was run again: the figures are those of %s.", this.formatDate(answer.traced_at || "")),
                { type: "info" }
            );
        }
    }

    // --------------------------------------------------------------- graph
    mergeGraph(part) {
        for (const key of part.removed || []) {
            delete this.state.graph.nodes[key];
            for (const [edgeKey, edge] of Object.entries(this.state.graph.edges)) {
                if (edge.source === key || edge.target === key) {
                    delete this.state.graph.edges[edgeKey];
                }
            }
        }
        for (const node of part.nodes) {
            this.state.graph.nodes[node.id] = { ...this.state.graph.nodes[node.id], ...node };
        }
        for (const edge of part.edges) {
            this.state.graph.edges[edge.id] = edge;
        }
    }

    relayout(fit = false) {
        const started = performance.now();
        const dagre = window.dagre;
        const g = new dagre.graphlib.Graph();
        g.setGraph({ rankdir: "LR", nodesep: 14, ranksep: 70, marginx: 10, marginy: 10 });
        g.setDefaultEdgeLabel(() => ({}));
        for (const node of Object.values(this.state.graph.nodes)) {
            const [width, height] = NODE_SIZES[node.type];
            g.setNode(node.id, { width, height });
        }
        for (const edge of Object.values(this.state.graph.edges)) {
            if (g.hasNode(edge.source) && g.hasNode(edge.target)) {
                g.setEdge(edge.source, edge.target);
            }
        }
        dagre.layout(g);
        const nodes = g.nodes().map((id) => {
            const box = g.node(id);
            const node = this.state.graph.nodes[id];
            return {
                ...node,
                x: box.x - box.width / 2,
                y: box.y - box.height / 2,
                width: box.width,
                height: box.height,
            };
        });
        const edges = g.edges().map(({ v, w }) => {
            const points = g.edge(v, w).points;
            const edge = this.state.graph.edges[`${v}>${w}`] || {};
            const mid = points[Math.floor(points.length / 2)];
            return {
                ...edge,
                key: `${v}>${w}`,
                path: points.map((p, i) => `${i ? "L" : "M"}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(" "),
                labelX: mid.x,
                labelY: mid.y - 4,
            };
        });
        const { width, height } = g.graph();
        this.state.layout = { nodes, edges, width, height };
        this.state.layoutMs = Math.round(performance.now() - started);
        if (fit) {
            // fit the width (not below 30 %), and size the canvas to the graph
            const box = this.svgRef.el?.getBoundingClientRect();
            const available = box?.width || window.innerWidth - 80;
            const k = Math.min(1, Math.max(0.3, (available - 40) / (width || 1)));
            this.state.view = { x: 20, y: 20, k };
            const maxHeight = Math.max(320, window.innerHeight * 0.7);
            this.state.svgHeight = Math.round(Math.min(maxHeight, Math.max(260, height * k + 60)));
        }
    }

    get transform() {
        const { x, y, k } = this.state.view;
        return `translate(${x},${y}) scale(${k})`;
    }

    nodeClass(node) {
        const classes = [`o_lt_node o_lt_node_${node.type}`];
        if (node.type === "lot") {
            if (node.held) {
                classes.push("o_lt_node_held");
            }
            if (node.depth === 0) {
                classes.push("o_lt_node_origin");
            }
        }
        return classes.join(" ");
    }

    nodeTitle(node) {
        if (node.type === "more") {
            return this.moreLabel(node);
        }
        return node.name;
    }

    moreLabel(node) {
        const what = {
            lots: _t("lots"),
            customers: _t("customers"),
            suppliers: _t("suppliers"),
        }[node.kind];
        return `+ ${node.count.toLocaleString()} ${_t("more")} ${what}`;
    }

    lotSubtitle(node) {
        return node.product.length > 28 ? node.product.slice(0, 27) + "…" : node.product;
    }

    lotFigures(node) {
        const parts = [];
        if (node.quantity) {
            parts.push(`${this.formatNumber(node.quantity)} ${node.uom}`);
        }
        parts.push(`${_t("on hand")} ${this.formatNumber(node.on_hand)}`);
        if (node.held) {
            parts.push(_t("ON HOLD"));
        }
        return parts.join(" · ");
    }

    edgeLabel(edge) {
        if (edge.more || edge.quantity === undefined || edge.quantity === null) {
            return "";
        }
        return `${this.formatNumber(edge.quantity)} ${edge.uom || ""}`;
    }

    async onNodeClick(node) {
        this.state.selected = node.id;
        if (node.type === "lot") {
            return this.openRecord("stock.lot", node.lot_id);
        }
        if (node.type === "more") {
            return this.expand(node);
        }
        return this.openPartnerDocuments(node.partner_id, node.type);
    }

    async onEdgeClick(edge) {
        if (edge.production_id) {
            await this.openRecord(edge.model, edge.production_id);
        }
    }

    async expand(node) {
        const answer = await this.orm.call("stock.lot.trace.screen", "get_graph_expand", [
            ...this.requestArgs,
            node.lot_id,
            node.side,
            node.kind,
            node.offset,
        ], { token: this.token });
        this.checkToken(answer);
        this.mergeGraph(answer);
        this.relayout(false);
    }

    onWheel(ev) {
        ev.preventDefault();
        const box = this.svgRef.el.getBoundingClientRect();
        const mx = ev.clientX - box.left;
        const my = ev.clientY - box.top;
        const { x, y, k } = this.state.view;
        const factor = ev.deltaY < 0 ? 1.15 : 1 / 1.15;
        const nk = Math.min(3, Math.max(0.1, k * factor));
        this.state.view = {
            k: nk,
            x: mx - ((mx - x) * nk) / k,
            y: my - ((my - y) * nk) / k,
        };
    }

    onPointerDown(ev) {
        if (ev.target.closest(".o_lt_node, .o_lt_edge_label")) {
            return;
        }
        this.drag = { x: ev.clientX, y: ev.clientY, view: { ...this.state.view } };
        ev.currentTarget.setPointerCapture?.(ev.pointerId);
    }

    onPointerMove(ev) {
        if (!this.drag) {
            return;
        }
        this.state.view = {
            ...this.drag.view,
            x: this.drag.view.x + ev.clientX - this.drag.x,
            y: this.drag.view.y + ev.clientY - this.drag.y,
        };
    }

    onPointerUp() {
        this.drag = null;
    }

    zoom(factor) {
        const { x, y, k } = this.state.view;
        this.state.view = { x, y, k: Math.min(3, Math.max(0.1, k * factor)) };
    }

    fit() {
        this.relayout(true);
    }

    // -------------------------------------------------------------- tables
    setTab(name) {
        this.state.tab = name;
    }

    get currentTable() {
        return this.state.tables[this.state.tab];
    }

    tableCount(name) {
        return this.state.screen?.totals.rows[name] ?? 0;
    }

    async loadMore() {
        const table = this.currentTable;
        const page = await this.orm.call("stock.lot.trace.screen", "get_table", [
            ...this.requestArgs,
            table.name,
            table.rows.length,
        ], { token: this.token });
        this.checkToken(page);
        if (page.offset === table.rows.length) {
            table.rows.push(...page.rows);
        } else {
            table.rows = page.rows;
        }
        table.count = page.count;
    }

    exportTable(name) {
        return download({
            url: "/lot_traceability/trace/xlsx",
            data: {
                lot_ids: JSON.stringify(this.state.lotIds),
                direction: this.state.direction,
                table: name,
                token: this.token || "",
            },
        });
    }

    formatCell(row, column) {
        const value = row[column.name];
        if (value === false || value === null || value === undefined || value === "") {
            return "";
        }
        if (column.type === "datetime") {
            return this.formatDate(value);
        }
        if (column.type === "float") {
            return this.formatNumber(value);
        }
        return String(value);
    }

    formatDate(value) {
        if (!value) {
            return "";
        }
        // trace dates are UTC "YYYY-MM-DD HH:MM:SS" (maybe with microseconds)
        return formatDateTime(deserializeDateTime(String(value).slice(0, 19)));
    }

    formatNumber(value) {
        const digits = Number.isInteger(value) ? 0 : 2;
        return formatFloat(value || 0, { digits: [false, digits] });
    }

    async onRowClick(row) {
        const table = this.state.tab;
        if (table === "customers") {
            return this.openPartnerDocuments(row.partner_id, "customer");
        }
        if (table === "deliveries" && row.picking_id) {
            return this.openRecord("stock.picking", row.picking_id);
        }
        if ((table === "productions" || table === "gaps") && row.production_id) {
            return this.openRecord(row.model, row.production_id);
        }
        if (row.lot_id) {
            return this.openRecord("stock.lot", row.lot_id);
        }
    }

    // ----------------------------------------------------------- documents
    openRecord(resModel, resId) {
        return this.action.doAction({
            type: "ir.actions.act_window",
            res_model: resModel,
            res_id: resId,
            views: [[false, "form"]],
            target: "current",
        });
    }

    async openPartnerDocuments(partnerId, kind) {
        const action = await this.orm.call(
            "stock.lot.trace.screen",
            "get_partner_documents",
            [...this.requestArgs, partnerId, kind],
            { token: this.token }
        );
        return this.action.doAction(action);
    }

    async printDossier() {
        const action = await this.orm.call("stock.lot", "action_print_dossier", [
            this.state.screen.origins.map((lot) => lot.id),
        ]);
        return this.action.doAction(action);
    }
}

registry.category("actions").add("lot_traceability.trace_screen", TraceScreen);
