"""A study as one self-contained HTML page of figures and tables (``clearsim report``)."""
