#!/usr/bin/env python3
"""Prints the benchmark table of conformance/bench/run from its key=value results file."""
import json
import sys

results = {}
for line in open(sys.argv[1]):
    key, _, value = line.strip().partition("=")
    results[key] = value
mode = sys.argv[2] if len(sys.argv) > 2 else "full"


def wrk(key):
    parts = results.get(key, "").split()
    if len(parts) < 5:
        return None
    rps, p50, p99, errors, requests = parts
    return {"rps": float(rps), "p50": float(p50), "p99": float(p99), "errors": int(errors)}


def js(key):
    try:
        return json.loads(results.get(key, ""))
    except ValueError:
        return None


def ratio(a, b):
    return f"{a / b:.2f}x" if a and b else "n/a"


rows = []
hello, bridge_get, peer_get = wrk("hello_get"), wrk("bridge_get"), wrk("peer_get")
for label, key in [("GET /Users/{id}", "get"), ('GET /Users?filter=userName eq "…"', "filter")]:
    b, p = wrk(f"bridge_{key}"), wrk(f"peer_{key}")
    fmt = lambda w: f"{w['rps']:.0f} req/s, p50 {w['p50']:.2f} ms, p99 {w['p99']:.2f} ms, {w['errors']} errors" if w else "n/a"
    rows.append((label, fmt(b), fmt(p), ratio(b and b["rps"], p and p["rps"]),
                 ratio(b and b["rps"], hello and hello["rps"]) + " of the ceiling"))
bp, pp = js("bridge_provision"), js("peer_provision")
if bp or pp:
    fmt = lambda r: f"{r['wall']:.1f} s, {r['rps']:.0f} req/s, {r['failures']} non-2xx" if r else "n/a"
    rows.append(("IdP-style run + resync", fmt(bp), fmt(pp), ratio(pp and pp["wall"], bp and bp["wall"]) + " faster", ""))
for key in sorted(k for k in results if k.startswith("bridge_patch_")):
    size = key.rsplit("_", 1)[1]
    b, p = js(key), js(f"peer_patch_{size}")
    fmt = lambda r: f"p50 {r['p50ms']:.2f} ms, p99 {r['p99ms']:.2f} ms" if r else "skipped"
    rows.append((f"PATCH ±1 member, group of {int(size):,}", fmt(b), fmt(p), ratio(p and p["p50ms"], b and b["p50ms"]) + " faster", ""))
if "bridge_rss_kb" in results:
    rows.append(("bridge peak RSS after the run", f"{int(results['bridge_rss_kb']) / 1024:.0f} MB", "", "", ""))
big = wrk("big_filter")
if big:
    rows.append(('GET /Users?filter=userName eq "…" at the big size', f"{big['rps']:.0f} req/s, p50 {big['p50']:.2f} ms, p99 {big['p99']:.2f} ms, {big['errors']} errors", "", "", ""))
if "big_rss_kb" in results:
    rows.append(("bridge RSS holding the big directory",
                 f"{int(results['big_rss_kb']) / 1024:.0f} MB now, {int(results['big_hwm_kb']) / 1024:.0f} MB peak, database {results.get('big_db_mb', '?')} MB",
                 "", "", ""))
out = js("outbound")
if out:
    for name, label in (("github", "GitHub EMU"), ("google", "Google")):
        o = out[name]
        rows.append((f"outbound to {label} at {o['limit']:,}/min", f"{o['perMinute']:.0f} calls/min = {o['fraction'] * 100:.1f}% of the limit, {o['refused']} refused in the window ({o['refusedTotal']} in all)", "", "", ""))
ceiling = wrk("hello_get")
driver = js("hello_driver")
print()
print(f"Benchmark table ({mode} run)")
print(f"ceiling: bare Hummingbird GET /hello with wrk: {ceiling['rps']:.0f} req/s" if ceiling else "ceiling: n/a")
print(f"driver alone (bench-idp on /hello): {driver['rps']:.0f} req/s" if driver else "driver alone: n/a")
header = ("workload", "scim-bridge", "scim2-server", "bridge vs peer", "vs ceiling")
widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(5)]
for r in [header] + rows:
    print(" | ".join(str(c).ljust(widths[i]) for i, c in enumerate(r)))
