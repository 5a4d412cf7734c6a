local token = os.getenv("BENCH_TOKEN")
local domains = tonumber(os.getenv("BENCH_DOMAINS") or "10")
local per = tonumber(os.getenv("BENCH_PER_DOMAIN") or "100")
wrk.headers["Authorization"] = "Bearer " .. token
math.randomseed(os.time())
request = function()
  local path = string.format("/api/v1/mailboxes/u%06d@d%04d.bench.example.org", math.random(per), math.random(domains))
  return wrk.format("GET", path)
end
