-- wrk script for bench/api.sh: POSTs the JSON body in $BENCH_BODY to the GraphQL endpoint,
-- checks every response (status and an "errors" key in the body) and prints one RESULT line.
local body_file = assert(os.getenv("BENCH_BODY"), "BENCH_BODY is not set")
local f = assert(io.open(body_file, "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non2xx = 0
  gql_errors = 0
  checked = 0
end

function response(status, headers, body)
  checked = checked + 1
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  elseif string.find(body, '"errors"', 1, true) then
    gql_errors = gql_errors + 1
  end
end

function done(summary, latency, requests)
  local bad_status, errs, seen = 0, 0, 0
  for _, t in ipairs(threads) do
    bad_status = bad_status + t:get("non2xx")
    errs = errs + t:get("gql_errors")
    seen = seen + t:get("checked")
  end
  local secs = summary.duration / 1e6
  -- RESULT requests/s p50_ms p99_ms requests non-2xx bodies-with-errors bodies-checked socket-errors
  io.write(string.format("RESULT %.1f %.3f %.3f %d %d %d %d %d\n",
    summary.requests / secs, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.requests, bad_status, errs, seen,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
