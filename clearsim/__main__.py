"""``python -m clearsim``: the same command line as ``clearsim``."""

import clearsim.flows.cli.main  # noqa: F401  (registers every command on the app)
from clearsim.flows.cli.common import app

app(prog_name="clearsim")
