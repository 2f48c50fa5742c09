#!/usr/bin/env python3
"""Prints the benchmark table of conformance/bench/run from its key=value results file.

A key may appear once per round (`--repeat N`): the table shows the median round, and the ratio to
the ceiling is the median of the rounds' ratios (each round measures the ceiling and the bridge
within the same minute, so the machine's drift moves both).
"""
import json
import statistics
import sys

results = {}
for line in open(sys.argv[1]):
    key, _, value = line.strip().partition("=")
    results.setdefault(key, []).append(value)
mode = sys.argv[2] if len(sys.argv) > 2 else "full"


def parse_wrk(value):
    parts = value.split()
    if len(parts) < 5:
        return None
    w = {"rps": float(parts[0]), "p50": float(parts[1]), "p99": float(parts[2]), "errors": int(parts[3])}
    if len(parts) > 5:
        w["cpu"] = float(parts[5])
    return w


def parse_json(value):
    try:
        return json.loads(value)
    except ValueError:
        return None


def rounds(key, parse):
    return [r for r in (parse(v) for v in results.get(key, [])) if r]


def median_round(items, field):
    """The round whose `field` is the median (the lower middle one of an even count)."""
    if not items:
        return None
    ordered = sorted(items, key=lambda r: r[field])
    return ordered[(len(ordered) - 1) // 2]


def spread(items, field, fmt):
    """' (median of 3: a–b)' when there is more than one round."""
    if len(items) < 2:
        return ""
    values = [r[field] for r in items]
    return f" (median of {len(items)}: {fmt(min(values))}–{fmt(max(values))})"


def ratio(a, b):
    return f"{a / b:.2f}x" if a and b else "n/a"


def fmt_wrk(items):
    w = median_round(items, "rps")
    if not w:
        return "n/a"
    cpu = f", {w['cpu']:.0f} µs CPU/req" if "cpu" in w else ""
    return (f"{w['rps']:.0f} req/s{spread(items, 'rps', lambda v: f'{v:.0f}')}, p50 {w['p50']:.2f} ms, "
            f"p99 {w['p99']:.2f} ms, {w['errors']} errors{cpu}")


def ceiling_ratio(bridge, hello):
    """Median of the per-round ratios (rounds pair up in order); with one round, the plain ratio."""
    pairs = [b["rps"] / h["rps"] for b, h in zip(bridge, hello) if h["rps"]]
    if not pairs:
        return "n/a"
    text = f"{statistics.median(pairs):.2f}x of the ceiling"
    if len(pairs) > 1:
        text += " (rounds " + ", ".join(f"{p:.2f}" for p in pairs) + ")"
    return text


rows = []
hello = rounds("hello_get", parse_wrk)
for label, key in [("GET /Users/{id}", "get"), ('GET /Users?filter=userName eq "…"', "filter")]:
    b, p = rounds(f"bridge_{key}", parse_wrk), rounds(f"peer_{key}", parse_wrk)
    mb, mp = median_round(b, "rps"), median_round(p, "rps")
    rows.append((label, fmt_wrk(b), fmt_wrk(p), ratio(mb and mb["rps"], mp and mp["rps"]), ceiling_ratio(b, hello)))


def provision_rounds(name):
    """The IdP-style runs, each with the server's CPU seconds (`cpu`) when they were measured."""
    runs = rounds(f"{name}_provision", parse_json)
    for run, cpu in zip(runs, results.get(f"{name}_provision_cpu", [])):
        run["cpu"] = float(cpu)
    return runs


bp, pp = provision_rounds("bridge"), provision_rounds("peer")
if bp or pp:
    def fmt(items):
        r = median_round(items, "wall")
        if not r:
            return "n/a"
        cpu = f", server CPU {r['cpu']:.1f} s" if "cpu" in r else ""
        return f"{r['wall']:.1f} s{spread(items, 'wall', lambda v: f'{v:.1f}')}, {r['rps']:.0f} req/s, {r['failures']} non-2xx{cpu}"
    mb, mp = median_round(bp, "wall"), median_round(pp, "wall")
    rows.append(("IdP-style run + resync", fmt(bp), fmt(pp), ratio(mp and mp["wall"], mb and mb["wall"]) + " faster", ""))
    by_phase = lambda r: f"{r['wall']:.1f} s: " + ", ".join(f"{k} {v:.1f} s" for k, v in r.get("phases", {}).items())
    for i in range(max(len(bp), len(pp))):
        rows.append(("  each run, by phase", by_phase(bp[i]) if i < len(bp) else "", by_phase(pp[i]) if i < len(pp) else "", "", ""))
for key in sorted(k for k in results if k.startswith("bridge_patch_")):
    size = key.rsplit("_", 1)[1]
    b, p = median_round(rounds(key, parse_json), "p50ms"), median_round(rounds(f"peer_patch_{size}", parse_json), "p50ms")
    fmt = lambda r: f"p50 {r['p50ms']:.2f} ms, p99 {r['p99ms']:.2f} ms" if r else "skipped"
    rows.append((f"PATCH ±1 member, group of {int(size):,}", fmt(b), fmt(p), ratio(p and p["p50ms"], b and b["p50ms"]) + " faster", ""))
if "bridge_rss_kb" in results:
    rows.append(("bridge peak RSS after the run", f"{int(results['bridge_rss_kb'][-1]) / 1024:.0f} MB", "", "", ""))
big = rounds("big_filter", parse_wrk)
if big:
    rows.append(('GET /Users?filter=userName eq "…" at the big size', fmt_wrk(big), "", "", ""))
if "big_rss_kb" in results:
    rows.append(("bridge RSS holding the big directory",
                 f"{int(results['big_rss_kb'][-1]) / 1024:.0f} MB now, {int(results['big_hwm_kb'][-1]) / 1024:.0f} MB peak, "
                 f"database {results.get('big_db_mb', ['?'])[-1]} MB",
                 "", "", ""))
out = rounds("outbound", parse_json)
if out:
    for name, label in (("github", "GitHub EMU"), ("google", "Google")):
        o = out[-1][name]
        rows.append((f"outbound to {label} at {o['limit']:,}/min", f"{o['perMinute']:.0f} calls/min = {o['fraction'] * 100:.1f}% of the limit, {o['refused']} refused in the window ({o['refusedTotal']} in all)", "", "", ""))
ceiling = median_round(hello, "rps")
driver = rounds("hello_driver", parse_json)
print()
print(f"Benchmark table ({mode} run)")
if ceiling:
    cpu = f", {ceiling['cpu']:.0f} µs CPU/req" if "cpu" in ceiling else ""
    print(f"ceiling: bare Hummingbird GET /hello with wrk: {ceiling['rps']:.0f} req/s{spread(hello, 'rps', lambda v: f'{v:.0f}')}{cpu}")
else:
    print("ceiling: n/a")
print(f"driver alone (scim-conformance load on /hello): {driver[-1]['rps']:.0f} req/s" if driver else "driver alone: n/a")
header = ("workload", "scim-bridge", "scim2-server", "bridge vs peer", "vs ceiling")
widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(5)]
for r in [header] + rows:
    print(" | ".join(str(c).ljust(widths[i]) for i, c in enumerate(r)).rstrip())
