"""No admin for the audit chain: it is append-only and checked by `rankandfile verify-audit`."""
