"""The audit log moved to courtyard/audit.py (issue 5 took it over); re-exported for voting's imports."""
from ..audit import AuditEntry, record, unsealed  # noqa: F401
