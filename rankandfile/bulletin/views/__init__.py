"""Bulletin pages, split by screen. Each view names its rule; `access_*` fetches and checks, services write."""
