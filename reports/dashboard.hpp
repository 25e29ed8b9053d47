// The live dashboard's answers, apart from HTTP itself: the HTML report of one or more result
// stores (regenerated when a store changes, with a script that follows running evaluations) and
// a small JSON API over the stores: runs, a run's scores, the progress of unfinished runs.
// The server (dashboard_server.hpp) hands it a method and a request-target, so tests call it
// directly.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "reports/html_report.hpp"

namespace sextant::reports {

struct DashboardOptions {
  std::vector<std::string> work_dirs;         // each may have no store yet: it shows once one is written
  std::size_t samples = kDefaultHtmlSamples;  // embedded per model and dataset, as `report --samples`
  std::string sextant_version, git_revision;
};

struct HttpReply {
  int status = 200;
  std::string content_type;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type and Content-Length
};

// The longest request-target answered; a longer one gets 414.
inline constexpr std::size_t kMaxTargetBytes = 2048;
// How often the page asks for /api/progress.
inline constexpr int kPollMilliseconds = 2000;

class Dashboard {
 public:
  explicit Dashboard(DashboardOptions options);
  ~Dashboard();
  Dashboard(const Dashboard&) = delete;
  Dashboard& operator=(const Dashboard&) = delete;

  // The answer to a request (HEAD is answered as GET; the server drops the body). Never
  // throws: a store that cannot be read is named in the answer, a bad request gets a 4xx.
  // Callable from several threads; the stores are read by one at a time.
  //   GET /                        the HTML report, live
  //   GET /api/runs                every run of every store
  //   GET /api/runs/{id}           one run; ?store=N where several stores have that id
  //   GET /api/runs/{id}/scores    the run's scores
  //   GET /api/progress            unfinished runs, per task done/total, items/s, updated_at
  HttpReply respond(std::string_view method, std::string_view target);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// {"error": message, "status": status} as application/json.
HttpReply error_reply(int status, std::string_view message);

// The report page turned into the served one: its Content-Security-Policy lets it fetch from
// its own origin, and a script follows /api/progress, reloading the page once the stores'
// revision differs from `revision`. Throws sextant::Error when the page lacks the policy.
std::string live_page(const std::string& report_html, const std::string& revision);

// Seconds since the epoch of an ISO 8601 UTC time ("2024-05-01T12:00:00Z", milliseconds
// optional); a negative number when the text is not one.
double parse_utc_seconds(std::string_view text);

}  // namespace sextant::reports
