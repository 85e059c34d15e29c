# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The addon's security groups, by XML id, for the models' own checks."""

USER_GROUP = "lot_traceability.group_lot_traceability_user"
MANAGER_GROUP = "lot_traceability.group_lot_traceability_manager"
AUDITOR_GROUP = "lot_traceability.group_lot_traceability_auditor"
