"""The ``clearsim`` command line (Typer): argument checks, progress, one-line errors."""
