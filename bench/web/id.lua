-- wrk: GET /api/incidents/{id} for ids drawn at random from 1..JKB_MAX_ID,
-- so that the casebook is read all over, not one hot row.
local max_id = tonumber(os.getenv("JKB_MAX_ID") or "100000")
local seeded = false

request = function()
  if not seeded then
    math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)
    seeded = true
  end
  return wrk.format("GET", "/api/incidents/" .. math.random(1, max_id))
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT requests=%d duration_s=%.2f rps=%.1f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f errors=%d status_errors=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.connect + e.read + e.write + e.timeout + e.status, e.status))
end
