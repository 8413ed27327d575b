"""The rules of confidential cases in plain Python: the cryptography (through PyNaCl), receipts, the workflow and
the aggregate figures. No Django here (the import contract in pyproject.toml)."""
