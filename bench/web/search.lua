-- wrk: full-text result pages, /api/incidents?q=… (20 per page, with the
-- total), terms rare and common, some with a facet, pages 1 to 5.
local terms = {
  "ランサムウェア", "不正アクセス", "誤送信", "クレジットカード", "フォレンジック", "サーバ",
  "個人情報", "漏えい", "警察", "個人情報保護委員会", "メールアドレス", "暗号化", "VPN",
  "アオバ", "東和", "ミナト", "名古屋", "医療法人", "学園", "協会", "お詫び", "第2報",
}
local facets = { "", "", "", "&category=ransomware", "&org_kind=company", "&data_class=email", "&year=2023" }
local function enc(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end
local seeded = false

request = function()
  if not seeded then
    math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)
    seeded = true
  end
  local q = terms[math.random(#terms)]
  local f = facets[math.random(#facets)]
  local page = math.random(1, 5)
  return wrk.format("GET", "/api/incidents?q=" .. enc(q) .. f .. "&page=" .. page)
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT requests=%d duration_s=%.2f rps=%.1f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f errors=%d status_errors=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.connect + e.read + e.write + e.timeout + e.status, e.status))
end
