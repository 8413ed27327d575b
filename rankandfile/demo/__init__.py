"""The demo organization `make demo` loads; `organization` is its front door (see its docstring)."""
