-- wrk script for the benchmark (bench/run.py sets the environment):
--   BENCH_METHOD  GET or POST          BENCH_PATH    the path to request
--   BENCH_COOKIE  Cookie header value  BENCH_BODY    form body; every "@N@" becomes a unique id per request
--   BENCH_PREFIX  prefix of that id, unique per run, so usernames never repeat across runs
-- At the end it prints one line: BENCH_JSON {...} with counts by status, socket errors and latency percentiles.

local method = os.getenv("BENCH_METHOD") or "GET"
local path = os.getenv("BENCH_PATH") or "/"
local cookie = os.getenv("BENCH_COOKIE") or ""
local body_template = os.getenv("BENCH_BODY") or ""
local prefix = os.getenv("BENCH_PREFIX") or "bench"

local threads = {}

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  counter = 0
  statuses = {}
end

function request()
  local headers = { ["Cookie"] = cookie }
  local body = nil
  if method == "POST" then
    counter = counter + 1
    local id = prefix .. "-" .. thread_id .. "-" .. counter
    body = string.gsub(body_template, "@N@", id)
    headers["Content-Type"] = "application/x-www-form-urlencoded"
  end
  return wrk.format(method, path, headers, body)
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      total[status] = (total[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(total) do
    table.insert(parts, string.format('"%s": %d', status, count))
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "statuses": {%s}, ' ..
    '"socket_errors": %d, "timeouts": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, table.concat(parts, ", "),
    e.connect + e.read + e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
