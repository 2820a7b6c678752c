-- wrk script of `make bench`: counts responses that are not 2xx (a redirect to the login
-- page means the session cookie did not work) and prints one JSON line at the end.
-- wrk gives latencies in microseconds and the duration in microseconds.

local threads = {}

-- POST pages (the search): bench/run.py passes the urlencoded body in BENCH_BODY.
local body = os.getenv("BENCH_BODY")
if body and body ~= "" then
  wrk.method = "POST"
  wrk.body = body
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  not_2xx = 0
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    not_2xx = not_2xx + 1
  end
end

function done(summary, latency, requests)
  local not_2xx_total = 0
  for _, thread in ipairs(threads) do
    not_2xx_total = not_2xx_total + (thread:get("not_2xx") or 0)
  end
  local errors = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "rps": %.3f, ' ..
    '"p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, "not_2xx": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}}\n',
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    not_2xx_total,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout))
end
