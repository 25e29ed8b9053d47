// Answering the dashboard's requests from snapshots of the stores, re-read when their files change.
#include "reports/dashboard.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <tuple>

#include "core/content_hash.hpp"
#include "core/error.hpp"
#include "core/utc_time.hpp"
#include "reports/leaderboard.hpp"
#include "reports/machine_info.hpp"
#include "reports/store_reader.hpp"

namespace sextant::reports {

namespace {

using json = nlohmann::ordered_json;

// A store is re-read when its files change, and at least this often (a commit that leaves
// the WAL file's size and time as they were is rare, not impossible).
constexpr auto kMaxStaleness = std::chrono::seconds(5);
// items/s is measured over the progress rows seen in this window.
constexpr double kRateWindowSeconds = 60.0;

const char* const kReportPolicy =
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";
const char* const kLivePolicy =
    "default-src 'none'; connect-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";

// The page's live part: a bar at the top listing the unfinished runs' tasks, refreshed from
// /api/progress; the page reloads (keeping its scroll position) when the revision changes.
// Built with textContent like the rest of the page.
constexpr std::string_view kLiveScript = R"html(<style>
#sextant-live { position: sticky; top: 0; z-index: 10; background: #f3f5f9; border-bottom: 1px solid #d9dee7;
                padding: 6px 28px; font-size: 13px; }
#sextant-live p { margin: 0; color: #5c6675; }
#sextant-live .run { margin-top: 4px; }
#sextant-live .task { display: flex; gap: 10px; align-items: center; margin-left: 14px; }
#sextant-live .task .name { min-width: 16em; }
#sextant-live progress { width: 12em; }
</style>
<script>
'use strict';
(() => {
  const revision = '@REVISION@';
  const live = document.createElement('div');
  live.id = 'sextant-live';
  const status = document.createElement('p');
  const runs = document.createElement('div');
  live.append(status, runs);
  document.body.prepend(live);
  const scrollKey = 'sextant-live-scroll';
  const saved = sessionStorage.getItem(scrollKey);
  if (saved !== null) {
    sessionStorage.removeItem(scrollKey);
    window.scrollTo(0, Number(saved));
  }
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function render(p) {
    const n = p.runs.length;
    status.textContent = 'Live: ' + (n ? n + (n === 1 ? ' run' : ' runs') + ' in progress' : 'no run in progress') +
      ' · checked ' + new Date().toLocaleTimeString();
    runs.replaceChildren(...p.runs.map((r) => {
      const box = el('div', 'run');
      // A killed run stays unfinished in its store; say when one has gone quiet.
      const idle = r.updated_at ? (Date.parse(p.checked_at) - Date.parse(r.updated_at)) / 1000 : 0;
      box.append(el('div', 'head', 'run ' + r.run_id + (p.stores.length > 1 ? ' of ' + p.stores[r.store] : '') +
        ' · ' + r.model + ' · started ' + r.started_at + (r.tasks.length ? '' : ' · no task started yet') +
        (idle > 600 ? ' · no progress for ' + Math.round(idle / 60) + ' min (stopped?)' : '')));
      for (const t of r.tasks) {
        const bar = document.createElement('progress');
        bar.max = Math.max(t.total, 1);
        bar.value = t.done;
        const rate = typeof t.items_per_s === 'number' ? ' · ' + t.items_per_s.toFixed(1) + ' items/s' : '';
        const row = el('div', 'task');
        row.append(el('span', 'name', t.dataset + ':' + t.mode), bar,
          el('span', 'count', t.done + '/' + t.total + rate + ' · updated ' + t.updated_at));
        box.append(row);
      }
      return box;
    }));
  }
  async function poll() {
    try {
      const response = await fetch('/api/progress', {cache: 'no-store'});
      if (!response.ok) throw new Error('HTTP ' + response.status);
      const p = await response.json();
      if (p.revision !== revision) {
        sessionStorage.setItem(scrollKey, String(window.scrollY));
        location.reload();
        return;
      }
      render(p);
    } catch (e) {
      status.textContent = 'Live: the server does not answer (' + e.message + '); trying again';
    }
    setTimeout(poll, @POLL_MS@);
  }
  poll();
})();
</script>
)html";

// What a store's files looked like when last read: a commit changes the WAL's size or time.
struct FileStamp {
  bool exists = false;
  std::filesystem::file_time_type modified{};
  std::uintmax_t size = 0;
  bool operator==(const FileStamp&) const = default;
};

FileStamp stamp_of(const std::string& path) {
  FileStamp s;
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::is_regular_file(status)) return s;
  s.exists = true;
  s.modified = std::filesystem::last_write_time(path, ec);
  s.size = std::filesystem::file_size(path, ec);
  return s;
}

struct StoreState {
  std::string work_dir, path;
  FileStamp db, wal;
  std::optional<StoreContents> contents;  // absent when missing or unreadable
  std::string problem;                    // why it is absent
};

// Progress rows of one task as seen over time, for its rate.
struct Observation {
  double at = 0.0;  // seconds since the epoch (updated_at)
  std::int64_t done = 0;
};
using TaskRef = std::tuple<std::size_t, std::int64_t, std::string>;  // store, run, task hash

std::set<std::int64_t> unfinished_runs(const StoreContents& store) {
  std::set<std::int64_t> ids;
  for (const auto& r : store.runs)
    if (!r.finished_at) ids.insert(r.id);
  return ids;
}

json number_or_null(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

json run_json(std::size_t store, const StoredRun& r) {
  return {{"store", store},
          {"id", r.id},
          {"model", r.model},
          {"model_path", r.model_path},
          {"model_identity", r.model_identity},
          {"started_at", r.started_at},
          {"finished_at", r.finished_at ? json(*r.finished_at) : json(nullptr)},
          {"finished", r.finished_at.has_value()},
          {"command", r.command},
          {"suite", r.suite}};
}

HttpReply json_reply(const json& j) {
  return {200, "application/json", j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n", {}};
}

// A percent-decoded part of a request-target; absent when an escape is malformed. In a query
// '+' stands for a space.
std::optional<std::string> percent_decode(std::string_view s, bool query) {
  const auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      const int hi = hex(s[i + 1]), lo = hex(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += query && s[i] == '+' ? ' ' : s[i];
    }
  }
  return out;
}

struct Target {
  std::vector<std::string> segments;  // of the decoded path, "/api/runs" -> {"api", "runs"}
  std::map<std::string, std::string> query;
};

// The request-target split and checked; an error reply when it is malformed.
std::optional<HttpReply> parse_target(std::string_view raw, Target& target) {
  if (raw.size() > kMaxTargetBytes)
    return error_reply(414, fmt::format("the request-target is longer than {} bytes", kMaxTargetBytes));
  if (raw.empty() || raw[0] != '/') return error_reply(400, "the request-target is not a path starting with /");
  const std::size_t q = raw.find('?');
  const auto path = percent_decode(raw.substr(0, q), false);
  if (!path) return error_reply(400, "the path has a malformed %-escape");
  for (const char c : *path)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == '\\')
      return error_reply(400, "the path holds a control character or a backslash");
  std::size_t at = 1;
  while (at <= path->size()) {
    const std::size_t end = std::min(path->find('/', at), path->size());
    std::string segment = path->substr(at, end - at);
    if (segment == "." || segment == "..") return error_reply(400, "the path has a '.' or '..' segment");
    target.segments.push_back(std::move(segment));
    at = end + 1;
  }
  if (!target.segments.empty() && target.segments.back().empty()) target.segments.pop_back();  // "/" and "/x/"
  if (q == std::string_view::npos) return std::nullopt;
  std::string_view query = raw.substr(q + 1);
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const std::size_t eq = pair.find('=');
    const auto key = percent_decode(pair.substr(0, eq), true);
    const auto value = percent_decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), true);
    if (!key || !value) return error_reply(400, "the query has a malformed %-escape");
    if (!key->empty()) target.query[*key] = *value;
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
  }
  return std::nullopt;
}

// A decimal number of at most 18 digits (so it fits in int64); absent otherwise.
std::optional<std::int64_t> parse_number(const std::string& s) {
  if (s.empty() || s.size() > 18 || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  return std::stoll(s);
}

}  // namespace

struct Dashboard::State {
  DashboardOptions options;
  MachineInfo machine;
  std::mutex mutex;
  std::vector<StoreState> stores;
  std::chrono::steady_clock::time_point read_at{};
  bool read_once = false;
  std::string revision;  // of the runs, models and scores of every store (not of the progress)
  std::string html, html_revision;
  std::map<TaskRef, std::deque<Observation>> observations;

  void refresh();
  void observe_progress();
  std::optional<double> rate_of(const TaskRef& task) const;
  HttpReply route(const Target& target);
  HttpReply page();
  HttpReply runs();
  HttpReply run(const std::string& id_text, const Target& target, bool scores);
  HttpReply progress();
};

void Dashboard::State::refresh() {
  const auto now = std::chrono::steady_clock::now();
  const bool stale = !read_once || now - read_at >= kMaxStaleness;
  bool changed = false;
  for (auto& s : stores) {
    const FileStamp db = stamp_of(s.path), wal = stamp_of(s.path + "-wal");
    if (!stale && db == s.db && wal == s.wal) continue;
    s.db = db;
    s.wal = wal;
    changed = true;
    if (!db.exists) {
      s.contents.reset();
      s.problem = fmt::format("no result store yet (`sextant eval --work-dir {}` writes one)", s.work_dir);
      continue;
    }
    try {
      s.contents = read_store(s.work_dir);
      s.problem.clear();
    } catch (const std::exception& e) {
      // The last snapshot stays, and the next request reads again: a store being created has
      // its tables before its layout number for a moment.
      s.problem = e.what();
      s.db = FileStamp{};
    }
  }
  if (stale) {
    read_at = now;
    read_once = true;
  }
  if (!changed) return;

  ContentHash h;
  const auto field = [&h](const std::string& text) { h.add(text).add(std::string_view("\x1f", 1)); };
  for (const auto& s : stores) {
    field(s.contents ? "store" : "none");
    if (!s.contents) continue;
    for (const auto& r : s.contents->runs)
      for (const auto& f : {std::to_string(r.id), r.started_at, r.finished_at.value_or("-"), r.model, r.model_identity})
        field(f);
    for (const auto& m : s.contents->models) field(m.identity + (m.step ? "@" + std::to_string(*m.step) : ""));
    for (const auto& sc : s.contents->scores)
      field(fmt::format("{} {} {} {} {} {} {} {}", sc.run_id, sc.task_hash, sc.metric, sc.value, sc.ci_low, sc.ci_high,
                        sc.items, sc.version));
    field("\x1e");
  }
  revision = h.hex();
  observe_progress();
}

// Adds each unfinished task's latest row to its observations, and forgets finished runs.
void Dashboard::State::observe_progress() {
  std::map<TaskRef, std::deque<Observation>> kept;
  for (std::size_t i = 0; i < stores.size(); ++i) {
    if (!stores[i].contents) continue;
    const std::set<std::int64_t> running = unfinished_runs(*stores[i].contents);
    for (const auto& p : stores[i].contents->progress) {
      if (!running.count(p.run_id)) continue;
      const double at = parse_utc_seconds(p.updated_at);
      if (at < 0) continue;
      TaskRef ref{i, p.run_id, p.task_hash};
      std::deque<Observation> seen;
      if (auto it = observations.find(ref); it != observations.end()) seen = std::move(it->second);
      if (!seen.empty() && p.done < seen.back().done) seen.clear();
      if (seen.empty() || at > seen.back().at) seen.push_back({at, p.done});
      while (seen.size() > 2 && seen.back().at - seen[1].at >= kRateWindowSeconds) seen.pop_front();
      kept.emplace(std::move(ref), std::move(seen));
    }
  }
  observations = std::move(kept);
}

std::optional<double> Dashboard::State::rate_of(const TaskRef& task) const {
  const auto it = observations.find(task);
  if (it == observations.end() || it->second.size() < 2) return std::nullopt;
  const Observation& first = it->second.front();
  const Observation& last = it->second.back();
  if (last.at <= first.at) return std::nullopt;
  return static_cast<double>(last.done - first.done) / (last.at - first.at);
}

HttpReply Dashboard::State::route(const Target& target) {
  const auto& seg = target.segments;
  if (seg.empty() || (seg.size() == 1 && seg[0] == "index.html")) return page();
  if (seg[0] != "api") return error_reply(404, "no such page; the dashboard is at /");
  if (seg.size() == 2 && seg[1] == "runs") return runs();
  if (seg.size() == 2 && seg[1] == "progress") return progress();
  if (seg.size() == 3 && seg[1] == "runs") return run(seg[2], target, false);
  if (seg.size() == 4 && seg[1] == "runs" && seg[3] == "scores") return run(seg[2], target, true);
  return error_reply(404, "no such API path (/api/runs, /api/runs/{id}, /api/runs/{id}/scores, /api/progress)");
}

HttpReply Dashboard::State::page() {
  if (html_revision != revision || html.empty()) {
    std::vector<StoreContents> readable;
    for (const auto& s : stores)
      if (s.contents) readable.push_back(*s.contents);
    const ReportContext context{options.sextant_version, options.git_revision, utc_timestamp(), machine};
    const Leaderboard board = build_leaderboard(readable, context);
    html = live_page(html_report(board, read_report_samples(board, options.samples)), revision);
    html_revision = revision;
  }
  HttpReply reply{200, "text/html; charset=utf-8", html, {}};
  reply.headers.emplace_back("Content-Security-Policy", std::string(kLivePolicy) + "; frame-ancestors 'none'");
  return reply;
}

HttpReply Dashboard::State::runs() {
  json j;
  j["stores"] = json::array();
  j["runs"] = json::array();
  for (std::size_t i = 0; i < stores.size(); ++i) {
    const StoreState& s = stores[i];
    j["stores"].push_back({{"store", i},
                           {"work_dir", s.work_dir},
                           {"path", s.path},
                           {"readable", s.contents.has_value()},
                           {"problem", s.problem.empty() ? json(nullptr) : json(s.problem)}});
    if (s.contents)
      for (const auto& r : s.contents->runs) j["runs"].push_back(run_json(i, r));
  }
  return json_reply(j);
}

HttpReply Dashboard::State::run(const std::string& id_text, const Target& target, bool scores) {
  const auto id = parse_number(id_text);
  if (!id) return error_reply(400, fmt::format("the run id \"{}\" is not a number", id_text));
  std::optional<std::size_t> only;
  if (auto it = target.query.find("store"); it != target.query.end()) {
    const auto n = parse_number(it->second);
    if (!n) return error_reply(400, fmt::format("store=\"{}\" is not a number", it->second));
    if (*n >= static_cast<std::int64_t>(stores.size()))
      return error_reply(404, fmt::format("no store {} (there are {})", *n, stores.size()));
    only = static_cast<std::size_t>(*n);
  }
  std::vector<std::pair<std::size_t, const StoredRun*>> found;
  for (std::size_t i = 0; i < stores.size(); ++i) {
    if ((only && i != *only) || !stores[i].contents) continue;
    for (const auto& r : stores[i].contents->runs)
      if (r.id == *id) found.emplace_back(i, &r);
  }
  if (found.empty()) return error_reply(404, fmt::format("no run {}", *id));
  if (found.size() > 1)
    return error_reply(
        400, fmt::format("run {} is in {} stores; say which with ?store=N (see /api/runs)", *id, found.size()));
  const auto [store, r] = found.front();
  json j = run_json(store, *r);
  if (!scores) return json_reply(j);
  json list = json::array();
  for (const auto& s : stores[store].contents->scores) {
    if (s.run_id != *id) continue;
    list.push_back({{"task_hash", s.task_hash},
                    {"dataset", s.dataset},
                    {"mode", s.mode},
                    {"dimension", s.dimension},
                    {"metric", s.metric},
                    {"value", number_or_null(s.value)},
                    {"ci", {number_or_null(s.ci_low), number_or_null(s.ci_high)}},
                    {"samples", s.items},
                    {"version", s.version},
                    {"headline", s.headline}});
  }
  return json_reply({{"run", j}, {"scores", list}});
}

HttpReply Dashboard::State::progress() {
  json j;
  j["revision"] = revision;
  j["checked_at"] = utc_timestamp();
  j["stores"] = json::array();
  j["runs"] = json::array();
  for (std::size_t i = 0; i < stores.size(); ++i) {
    j["stores"].push_back(stores[i].work_dir);
    if (!stores[i].contents) continue;
    const StoreContents& c = *stores[i].contents;
    const std::set<std::int64_t> running = unfinished_runs(c);
    std::map<std::int64_t, std::vector<const StoredProgress*>> rows_of;
    for (const auto& p : c.progress)
      if (running.count(p.run_id)) rows_of[p.run_id].push_back(&p);
    for (const auto& r : c.runs) {
      if (r.finished_at) continue;
      json tasks = json::array();
      std::string updated_at;
      for (const StoredProgress* row : rows_of[r.id]) {
        const StoredProgress& p = *row;
        const auto rate = rate_of({i, r.id, p.task_hash});
        tasks.push_back({{"task_hash", p.task_hash},
                         {"dataset", p.dataset},
                         {"mode", p.mode},
                         {"done", p.done},
                         {"total", p.total},
                         {"items_per_s", rate ? json(*rate) : json(nullptr)},
                         {"updated_at", p.updated_at}});
        updated_at = std::max(updated_at, p.updated_at);
      }
      json run = {{"store", i},
                  {"run_id", r.id},
                  {"model", r.model},
                  {"command", r.command},
                  {"suite", r.suite},
                  {"started_at", r.started_at},
                  {"updated_at", updated_at.empty() ? json(nullptr) : json(updated_at)},
                  {"tasks", std::move(tasks)}};
      j["runs"].push_back(std::move(run));
    }
  }
  return json_reply(j);
}

Dashboard::Dashboard(DashboardOptions options) : state_(std::make_unique<State>()) {
  state_->machine = describe_machine();
  for (const auto& d : options.work_dirs) {
    StoreState s;
    s.work_dir = d;
    s.path = store_path(d);
    state_->stores.push_back(std::move(s));
  }
  state_->options = std::move(options);
}

Dashboard::~Dashboard() = default;

HttpReply Dashboard::respond(std::string_view method, std::string_view target) {
  HttpReply reply;
  if (method != "GET" && method != "HEAD") {
    reply = error_reply(405, "the dashboard answers GET and HEAD only");
    reply.headers.emplace_back("Allow", "GET, HEAD");
    return reply;
  }
  Target parsed;
  if (auto bad = parse_target(target, parsed)) return std::move(*bad);
  try {
    std::lock_guard lock(state_->mutex);
    state_->refresh();
    reply = state_->route(parsed);
  } catch (const std::exception& e) {
    reply = error_reply(500, e.what());
  }
  reply.headers.emplace_back("Cache-Control", "no-store");
  reply.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return reply;
}

HttpReply error_reply(int status, std::string_view message) {
  const json j = {{"error", message}, {"status", status}};
  return {status, "application/json", j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n", {}};
}

std::string live_page(const std::string& report_html, const std::string& revision) {
  std::string page = report_html;
  const std::size_t policy = page.find(kReportPolicy);
  if (policy == std::string::npos) fail("the report page has no Content-Security-Policy the dashboard knows");
  page.replace(policy, std::string_view(kReportPolicy).size(), kLivePolicy);
  const std::size_t body_end = page.rfind("</body>");
  if (body_end == std::string::npos) fail("the report page has no </body>");
  std::string script(kLiveScript);
  script.replace(script.find("@REVISION@"), 10, revision);
  script.replace(script.find("@POLL_MS@"), 9, std::to_string(kPollMilliseconds));
  page.insert(body_end, script);
  const std::size_t title = page.find("<title>Sextant report");
  if (title != std::string::npos) page.insert(title + 7, "Live: ");
  return page;
}

double parse_utc_seconds(std::string_view text) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, consumed = 0;
  const std::string s(text);
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &year, &month, &day, &hour, &minute, &second, &consumed) !=
          6 ||
      consumed != 19)
    return -1.0;
  double fraction = 0.0;
  std::size_t at = 19;
  if (at < s.size() && s[at] == '.') {
    double scale = 0.1;
    for (++at; at < s.size() && s[at] >= '0' && s[at] <= '9'; ++at, scale /= 10) fraction += (s[at] - '0') * scale;
  }
  if (at + 1 != s.size() || s[at] != 'Z') return -1.0;
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  return static_cast<double>(timegm(&tm)) + fraction;
}

}  // namespace sextant::reports
