-- wrk script: the same authenticated SCIM GET on every request (path and token from the environment).
local token = os.getenv("BENCH_TOKEN")
local path = os.getenv("BENCH_PATH")
wrk.method = "GET"
wrk.path = path
if token and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end
wrk.headers["Accept"] = "application/scim+json"

-- One machine-readable line for the run script: requests/s, p50 and p99 in milliseconds, errors.
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout + summary.errors.status
  io.write(string.format("WRK %.1f %.3f %.3f %d %d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors, summary.requests))
end
