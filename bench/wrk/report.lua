-- Load script for the HTTP benchmarks, run by bench/_wrk.py (which sets the variables below).
--
-- Configured through the environment rather than script arguments: setup() runs in wrk's
-- main Lua state, which never receives the arguments, and it is setup() that hands each
-- thread its token.
--
--   BENCH_WRK_METHOD  request method (default GET)
--   BENCH_WRK_TOKENS  API tokens separated by spaces, one per wrk thread; each thread's
--                     connections send "Authorization: Token <its token>"
--   BENCH_WRK_EXPECT  the one status that counts as success (default: any 2xx)
--   BENCH_WRK_DISTINCT  "1": every request's address is new (a `bench` query parameter
--                     counting per thread), so that no answer can come from a cache
--
-- done() prints "bench.<key> <value>" lines after wrk's own report, for _wrk.py to parse.

local tokens = {}
for token in string.gmatch(os.getenv("BENCH_WRK_TOKENS") or "", "%S+") do
   tokens[#tokens + 1] = token
end
local expect = tonumber(os.getenv("BENCH_WRK_EXPECT") or "")

-- Main state only: every thread, in setup() order, so done() can read their counters.
local threads = {}

function setup(thread)
   threads[#threads + 1] = thread
   thread:set("thread_number", #threads)
   if #tokens > 0 then
      thread:set("token", tokens[#threads])
   end
end

-- Thread states from here to response(). Globals, so done() can read them with thread:get.
unexpected = {}  -- status -> count of responses with a status other than the expected
sample = ""      -- the first such response, for the error message

function init(args)
   -- wrk builds its one static request after init(), from the wrk table.
   wrk.method = os.getenv("BENCH_WRK_METHOD") or "GET"
   if wrk.method ~= "GET" then
      wrk.body = ""  -- so the request carries Content-Length: 0, as an HTTP client's would
   end
   if token then
      wrk.headers["Authorization"] = "Token " .. token
   end
end

if os.getenv("BENCH_WRK_DISTINCT") == "1" then
   local sent = 0
   function request()
      sent = sent + 1
      local separator = string.find(wrk.path, "?", 1, true) and "&" or "?"
      return wrk.format(nil, wrk.path .. separator .. "bench=" .. thread_number .. "-" .. sent)
   end
end

-- wrk's own status error count only covers statuses above 399: a 204 (an empty queue) or a
-- redirect would pass unnoticed without this.
function response(status, headers, body)
   local ok
   if expect then
      ok = status == expect
   else
      ok = status >= 200 and status < 300
   end
   if not ok then
      unexpected[status] = (unexpected[status] or 0) + 1
      if sample == "" then
         sample = status .. ": " .. (string.sub(body or "", 1, 200):gsub("%s+", " "))
      end
   end
end

function done(summary, latency, requests)
   local function put(key, value)
      io.write(string.format("bench.%s %s\n", key, value))
   end
   put("duration_us", string.format("%.0f", summary.duration))
   put("requests", string.format("%.0f", summary.requests))
   put("p50_us", string.format("%.0f", latency:percentile(50)))
   put("p99_us", string.format("%.0f", latency:percentile(99)))
   for _, kind in ipairs({ "connect", "read", "write", "timeout" }) do
      put("socket_errors." .. kind, string.format("%.0f", summary.errors[kind]))
   end
   local totals, first = {}, ""
   for _, thread in ipairs(threads) do
      for status, count in pairs(thread:get("unexpected")) do
         totals[status] = (totals[status] or 0) + count
      end
      if first == "" then
         first = thread:get("sample")
      end
   end
   for status, count in pairs(totals) do
      put("status." .. status, string.format("%.0f", count))
   end
   put("sample", first)
end
