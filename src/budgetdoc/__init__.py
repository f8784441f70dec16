"""budgetdoc: department budget disclosures (部门预算公开) from structured data."""

__version__ = "0.1.0"
