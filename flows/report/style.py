"""The report page's stylesheet, inlined in the page (no fetch)."""

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#222;background:#fff}
main{max-width:1340px;margin:0 auto;padding:20px 28px 60px}
h1{font-size:1.5rem;margin:.2em 0}
h2{font-size:1.15rem;margin:1.8em 0 .4em;border-bottom:1px solid #ddd}
p.lead{color:#444;margin:.2em 0 1em}p.note{color:#555;font-size:.9rem}
table{border-collapse:collapse;font-size:.82rem;margin:.4em 0 1em}
th,td{padding:3px 8px;border-bottom:1px solid #eee;text-align:right;white-space:nowrap}
th{background:#f4f4f4;position:sticky;top:0}td.l,th.l{text-align:left}
td.sig{font-weight:600;color:#0b4f8a}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(400px,1fr));gap:8px 18px}
.wide{display:grid;grid-template-columns:repeat(auto-fill,minmax(660px,1fr));gap:8px 18px}
figure{margin:0 0 10px}figcaption{font-size:.85rem;color:#333;margin:4px 0}
svg{max-width:100%;height:auto}
details{margin:.3em 0 1em}summary{cursor:pointer;color:#0b4f8a}
pre{background:#f7f7f7;padding:8px;overflow:auto;font-size:.75rem;max-height:420px}
.key span{display:inline-block;margin:0 16px 4px 0;font-size:.85rem}
.key i{display:inline-block;width:16px;height:4px;vertical-align:middle;margin-right:6px}
.bottleneck{background:#fff7e6;border-left:4px solid #e69f00;padding:8px 12px;margin:.6em 0}
"""
