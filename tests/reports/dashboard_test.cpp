// The live dashboard: the progress table from harness to reader, the JSON API and page over
// stores that change under it, and the HTTP server's answers to good and malformed requests.
#include "reports/dashboard.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "core/error.hpp"
#include "harness/store/result_store.hpp"
#include "reports/dashboard_server.hpp"
#include "reports/store_reader.hpp"
#include "tests/reports/report_fixture.hpp"
#include "tests/test_files.hpp"

using namespace sextant;
using namespace sextant::reports;
using json = nlohmann::json;

namespace {

std::filesystem::path fresh_dir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("sextant_dashboard_" + name);
  std::filesystem::remove_all(dir);
  return dir;
}

json body_of(const HttpReply& r) { return json::parse(r.body); }

// Runs SQL on a store through a connection of its own, as another process would.
void sql(const std::filesystem::path& work_dir, const std::string& statement) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open((work_dir / "sextant.db").c_str(), &db) == SQLITE_OK);
  sqlite3_busy_timeout(db, 5000);
  char* err = nullptr;
  const int rc = sqlite3_exec(db, statement.c_str(), nullptr, nullptr, &err);
  INFO(statement << ": " << (err ? err : ""));
  sqlite3_free(err);
  sqlite3_close(db);
  REQUIRE(rc == SQLITE_OK);
}

const harness::TaskKey kTask{"feedfacefeedface", "arc_easy", "zero-shot", "Exam",
                             "0123456789abcdef", "e267d8",   "acc_norm"};

}  // namespace

TEST_CASE("progress rows go from the harness to the reader, updated in place", "[reports][serve]") {
  const auto dir = fresh_dir("progress");
  {
    harness::ResultStore store(dir.string());
    const std::int64_t run = store.begin_run({"tiny", "models/tiny.gguf", "0123456789abcdef", "sextant eval", ""});
    store.register_task(kTask, "{}");
    harness::TaskKey other = kTask;
    other.hash = "0000000000000001";
    other.dataset = "boolq";
    store.set_progress(run, kTask, 16, 64);
    store.set_progress(run, other, 0, 10);
    store.set_progress(run, kTask, 40, 64);
  }
  const StoreContents s = read_store(dir.string());
  REQUIRE(s.progress.size() == 2);
  // The order the tasks started, though arc_easy's row was rewritten last.
  CHECK(s.progress[0].dataset == "arc_easy");
  CHECK(s.progress[0].mode == "zero-shot");
  CHECK(s.progress[0].task_hash == "feedfacefeedface");
  CHECK(s.progress[0].done == 40);
  CHECK(s.progress[0].total == 64);
  CHECK(s.progress[1].dataset == "boolq");
  CHECK(s.progress[1].done == 0);
  CHECK(std::regex_match(s.progress[0].updated_at, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")));
  CHECK(parse_utc_seconds(s.progress[0].updated_at) > 1.7e9);
}

TEST_CASE("a store without the progress table reads, with no progress", "[reports][serve]") {
  const auto dirs = testing::make_fixture_stores(fresh_dir("old_layout"));  // the layout before the table
  const StoreContents s = read_store(dirs.b.string());
  CHECK(s.runs.size() == 2);
  CHECK(s.progress.empty());
  // Opening it with the harness adds the table, and readers of either age still read it.
  { harness::ResultStore store(dirs.b.string()); }
  CHECK(read_store(dirs.b.string()).progress.empty());
}

TEST_CASE("ISO 8601 UTC times parse with or without milliseconds", "[reports][serve]") {
  CHECK(parse_utc_seconds("1970-01-01T00:00:01Z") == 1.0);
  CHECK(parse_utc_seconds("1970-01-01T00:01:00.250Z") == Approx(60.25));
  CHECK(parse_utc_seconds("2024-05-01T12:00:00Z") == 1714564800.0);
  CHECK(parse_utc_seconds("2024-05-01 12:00:00") < 0);
  CHECK(parse_utc_seconds("2024-05-01T12:00:00.5Zx") < 0);
  CHECK(parse_utc_seconds("") < 0);
}

TEST_CASE("the dashboard API lists runs and a run's scores, and refuses bad paths", "[reports][serve]") {
  const auto dirs = testing::make_fixture_stores(fresh_dir("api"));
  Dashboard dashboard({{dirs.a.string(), dirs.b.string()}, 10, "0.1.0", "abc"});

  const HttpReply runs = dashboard.respond("GET", "/api/runs");
  REQUIRE(runs.status == 200);
  CHECK(runs.content_type == "application/json");
  const json r = body_of(runs);
  REQUIRE(r["runs"].size() == 4);
  CHECK(r["stores"].size() == 2);
  CHECK(r["stores"][1]["readable"] == true);
  CHECK(r["runs"][0] == json{{"store", 0},
                             {"id", 1},
                             {"model", "alpha"},
                             {"model_path", "models/alpha.gguf"},
                             {"model_identity", "a1a1a1a1a1a1a1a1"},
                             {"started_at", "2024-05-02T09:00:00Z"},
                             {"finished_at", "2024-05-02T10:00:00Z"},
                             {"finished", true},
                             {"command", "sextant eval --model alpha --datasets mmlu:few-shot,gsm8k:cot --circular"},
                             {"suite", ""}});
  CHECK(r["runs"][3]["finished_at"].is_null());
  CHECK(r["runs"][3]["model"] == testing::kOddModel);

  // Run 2 is in both stores: the store has to be named.
  CHECK(dashboard.respond("GET", "/api/runs/2/scores").status == 400);
  const HttpReply scores = dashboard.respond("GET", "/api/runs/2/scores?store=1");
  REQUIRE(scores.status == 200);
  const json s = body_of(scores);
  CHECK(s["run"]["model"] == testing::kOddModel);
  REQUIRE(s["scores"].size() == 7);  // three headline scores, three truncation rates, one extraction rate
  CHECK(s["scores"][0] == json{{"task_hash", "ceval:few-shot:2:c1"},
                               {"dataset", "ceval"},
                               {"mode", "few-shot"},
                               {"dimension", "Exam"},
                               {"metric", "acc"},
                               {"value", 0.90},
                               {"ci", {0.90 - 0.05, 0.90 + 0.05}},
                               {"samples", 5},
                               {"version", "c1"},
                               {"headline", true}});
  CHECK(dashboard.respond("GET", "/api/runs/2?store=0").status == 200);
  CHECK(body_of(dashboard.respond("GET", "/api/runs/2?store=0"))["model"] == "beta");

  const auto status = [&](std::string_view method, std::string_view target) {
    return dashboard.respond(method, target).status;
  };
  CHECK(status("GET", "/api/runs/abc/scores") == 400);
  CHECK(status("GET", "/api/runs/-1/scores") == 400);
  CHECK(status("GET", "/api/runs/99999999999999999999/scores") == 400);
  CHECK(status("GET", "/api/runs/7/scores") == 404);
  CHECK(status("GET", "/api/runs/1/scores?store=9") == 404);
  CHECK(status("GET", "/api/runs/1/scores?store=x") == 400);
  CHECK(status("GET", "/api/nothing") == 404);
  CHECK(status("GET", "/report.json") == 404);
  CHECK(status("GET", "/api/../etc/passwd") == 400);
  CHECK(status("GET", "/%2e%2e/etc/passwd") == 400);
  CHECK(status("GET", "/api/runs/%zz") == 400);
  CHECK(status("GET", "/api/%00") == 400);
  CHECK(status("GET", "http://example.com/") == 400);
  CHECK(status("GET", "*") == 400);
  CHECK(status("GET", "/" + std::string(kMaxTargetBytes, 'a')) == 414);
  CHECK(status("POST", "/api/runs") == 405);
  CHECK(status("DELETE", "/") == 405);
  const HttpReply post = dashboard.respond("POST", "/api/runs");
  CHECK(std::find(post.headers.begin(), post.headers.end(),
                  std::pair<std::string, std::string>("Allow", "GET, HEAD")) != post.headers.end());
  CHECK(body_of(post)["status"] == 405);
  // The query does not change the route.
  CHECK(status("GET", "/api/runs?x=1&y") == 200);
  CHECK(status("HEAD", "/api/progress") == 200);
}

TEST_CASE("the dashboard page is the HTML report, allowed to fetch from its server", "[reports][serve]") {
  const auto dirs = testing::make_fixture_stores(fresh_dir("page"));
  Dashboard dashboard({{dirs.a.string(), dirs.b.string()}, 10, "0.1.0", "abc"});
  const HttpReply page = dashboard.respond("GET", "/");
  REQUIRE(page.status == 200);
  CHECK(page.content_type == "text/html; charset=utf-8");
  CHECK(page.body.find("content=\"default-src 'none'; connect-src 'self'; script-src") != std::string::npos);
  CHECK(page.body.find("<title>Live: Sextant report</title>") != std::string::npos);
  CHECK(page.body.find("\"dataset\":\"commonsenseqa\"") != std::string::npos);
  CHECK(page.body.find("fetch('/api/progress'") != std::string::npos);
  const std::string revision = body_of(dashboard.respond("GET", "/api/progress"))["revision"];
  CHECK(revision.size() == 16);
  CHECK(page.body.find("const revision = '" + revision + "';") != std::string::npos);
  CHECK(dashboard.respond("GET", "/index.html").body == page.body);

  // The report's own page keeps forbidding every request; the live one is built from it.
  const std::string report = html_report(build_leaderboard({read_store(dirs.a.string())}, {}), {});
  CHECK(report.find("connect-src") == std::string::npos);
  CHECK(live_page(report, "0123456789abcdef").find("connect-src 'self'") != std::string::npos);
  CHECK_THROWS_AS(live_page("<html><body></body></html>", "x"), sextant::Error);
}

TEST_CASE("the dashboard follows a store as it appears, runs and finishes", "[reports][serve]") {
  const auto dir = fresh_dir("live");
  Dashboard dashboard({{dir.string()}, 10, "0.1.0", "abc"});
  json runs = body_of(dashboard.respond("GET", "/api/runs"));
  CHECK(runs["runs"].empty());
  CHECK(runs["stores"][0]["readable"] == false);
  CHECK(dashboard.respond("GET", "/").status == 200);  // a page with no rows
  const std::string empty_revision = body_of(dashboard.respond("GET", "/api/progress"))["revision"];

  harness::ResultStore store(dir.string());
  const std::int64_t run = store.begin_run({"tiny", "models/tiny.gguf", "0123456789abcdef", "sextant eval", "core"});
  store.register_task(kTask, "{}");
  store.set_progress(run, kTask, 0, 64);
  sql(dir, "UPDATE progress SET updated_at = '2024-05-01T12:00:00.000Z'");
  json p = body_of(dashboard.respond("GET", "/api/progress"));
  CHECK(p["revision"] != empty_revision);
  REQUIRE(p["runs"].size() == 1);
  CHECK(p["runs"][0]["run_id"] == run);
  CHECK(p["runs"][0]["model"] == "tiny");
  REQUIRE(p["runs"][0]["tasks"].size() == 1);
  CHECK(p["runs"][0]["tasks"][0]["done"] == 0);
  CHECK(p["runs"][0]["tasks"][0]["total"] == 64);
  CHECK(p["runs"][0]["tasks"][0]["items_per_s"].is_null());  // one row seen: no rate yet

  // 30 samples in 10 s.
  sql(dir, "UPDATE progress SET done = 30, updated_at = '2024-05-01T12:00:10.000Z'");
  p = body_of(dashboard.respond("GET", "/api/progress"));
  const json task = p["runs"][0]["tasks"][0];
  CHECK(task["done"] == 30);
  CHECK(task["items_per_s"] == Approx(3.0));
  CHECK(task["updated_at"] == "2024-05-01T12:00:10.000Z");
  CHECK(p["runs"][0]["updated_at"] == "2024-05-01T12:00:10.000Z");
  const std::string running_revision = p["revision"];  // progress alone does not change it

  store.set_scores(run, kTask, {{"acc_norm", 0.5, 0.4, 0.6, 64}});
  store.finish_run(run);
  p = body_of(dashboard.respond("GET", "/api/progress"));
  CHECK(p["runs"].empty());
  CHECK(p["revision"] != running_revision);
  const json scores = body_of(dashboard.respond("GET", "/api/runs/1/scores"));
  CHECK(scores["run"]["finished"] == true);
  REQUIRE(scores["scores"].size() == 1);
  CHECK(scores["scores"][0]["value"] == 0.5);
  CHECK(dashboard.respond("GET", "/").body.find("\"dataset\":\"arc_easy\"") != std::string::npos);
}

// ---- the server over real sockets

namespace {

// Sends raw bytes to the server, ends the sending side (unless told not to), and returns all it
// answers until it closes; "TIMEOUT" when it neither answers nor closes within 10 s.
std::string http_exchange(std::uint16_t port, const std::string& request, bool end_sending = true) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  timeval tv{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0);
  for (std::size_t sent = 0; sent < request.size();) {
    const ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may close early; what it answered is still to read
    sent += static_cast<std::size_t>(n);
  }
  if (end_sending) ::shutdown(fd, SHUT_WR);
  std::string answer;
  char buf[8192];
  for (;;) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      answer += "TIMEOUT";
      break;
    }
    if (n <= 0) break;
    answer.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return answer;
}

int status_of(const std::string& answer) {
  std::smatch m;
  return std::regex_search(answer, m, std::regex("^HTTP/1\\.[01] (\\d{3}) ")) ? std::stoi(m[1]) : -1;
}

std::string get_request(const std::string& target, const std::string& extra = "") {
  return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra + "Connection: close\r\n\r\n";
}

}  // namespace

TEST_CASE("the dashboard server answers requests and turns away malformed ones with 4xx", "[reports][serve]") {
  const auto dirs = testing::make_fixture_stores(fresh_dir("server"));
  Dashboard dashboard({{dirs.a.string(), dirs.b.string()}, 10, "0.1.0", "abc"});
  ServerOptions options;
  options.port = 0;
  options.handle_signals = false;
  options.read_timeout = std::chrono::milliseconds(1000);
  DashboardServer server(dashboard, options);
  REQUIRE(server.port() != 0);
  CHECK(server.url() == "http://127.0.0.1:" + std::to_string(server.port()) + "/");
  std::thread serving([&] { server.run(); });
  const std::uint16_t port = server.port();

  const std::string runs = http_exchange(port, get_request("/api/runs"));
  REQUIRE(status_of(runs) == 200);
  CHECK(runs.find("Content-Type: application/json") != std::string::npos);
  CHECK(json::parse(runs.substr(runs.find("\r\n\r\n") + 4))["runs"].size() == 4);

  const std::string page = http_exchange(port, get_request("/"));
  CHECK(status_of(page) == 200);
  CHECK(page.find("Content-Type: text/html; charset=utf-8") != std::string::npos);
  CHECK(page.find("\"dataset\":\"commonsenseqa\"") != std::string::npos);

  // Two requests on one connection; the second asks to close.
  const std::string both =
      http_exchange(port, "GET /api/progress HTTP/1.1\r\nHost: localhost\r\n\r\n" + get_request("/api/runs/1?store=0"));
  CHECK(std::regex_search(both, std::regex("^HTTP/1.1 200 [\\s\\S]*\r\n\r\n[\\s\\S]*HTTP/1.1 200 ")));

  const std::string head =
      http_exchange(port, "HEAD /api/runs HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  CHECK(status_of(head) == 200);
  CHECK(head.substr(head.find("\r\n\r\n") + 4).empty());
  CHECK(head.find("Content-Length: " + std::to_string(runs.size() - runs.find("\r\n\r\n") - 4)) != std::string::npos);

  const char garbage[] = "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage\r\n\r\n";
  CHECK(status_of(http_exchange(port, std::string(garbage, sizeof garbage - 1))) == 400);
  CHECK(status_of(http_exchange(
            port, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + std::string(100 * 1024, 'x') + "\r\n\r\n")) == 431);
  CHECK(status_of(http_exchange(port, get_request("/" + std::string(10 * 1024, 'a')))) == 414);
  const std::string post =
      http_exchange(port, "POST /api/runs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 11\r\n\r\n{\"a\": true}");
  CHECK(status_of(post) == 405);
  CHECK(post.find("Allow: GET, HEAD") != std::string::npos);
  CHECK(status_of(
            http_exchange(port, "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + std::to_string(200 * 1024) +
                                    "\r\n\r\n" + std::string(200 * 1024, 'x'))) == 405);
  CHECK(status_of(http_exchange(port, get_request("/", "Content-Length: 3\r\n") + "abc")) == 413);
  CHECK(status_of(http_exchange(port, get_request("/", "Transfer-Encoding: chunked\r\n") + "3\r\nabc\r\n0\r\n\r\n")) ==
        413);
  CHECK(status_of(http_exchange(port, get_request("/api/runs/abc/scores"))) == 400);
  CHECK(status_of(http_exchange(port, get_request("/api/../../etc/passwd"))) == 400);
  CHECK(status_of(http_exchange(port, get_request("/nope"))) == 404);
  CHECK(status_of(http_exchange(port, "GET / HTTP/1.1\r\nHost: attacker.example\r\n\r\n")) == 403);
  // A request that never ends is dropped after the read timeout, without an answer.
  CHECK(http_exchange(port, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n", false).empty());

  // Still answering after all that.
  CHECK(status_of(http_exchange(port, get_request("/api/runs"))) == 200);
  server.stop();
  serving.join();
}

TEST_CASE("the served page shows the progress of a running eval in chromium, with no request blocked",
          "[reports][serve]") {
  const std::string chromium = "/usr/bin/chromium";
  if (!std::filesystem::exists(chromium)) {
    WARN("skipped: chromium is absent (scripts/setup.sh installs it); the live page was not rendered");
    return;
  }
  const auto dir = fresh_dir("browser");
  {
    harness::ResultStore store(dir.string());
    const std::int64_t run = store.begin_run({"tiny", "models/tiny.gguf", "0123456789abcdef", "sextant eval", ""});
    harness::TaskKey odd = kTask;
    odd.hash = "0000000000000002";
    odd.dataset = "<img src=x onerror=alert(1)>";
    store.set_progress(run, kTask, 24, 64);
    store.set_progress(run, odd, 0, 9);
  }
  Dashboard dashboard({{dir.string()}, 10, "0.1.0", "abc"});
  ServerOptions options;
  options.port = 0;
  options.handle_signals = false;
  DashboardServer server(dashboard, options);
  std::thread serving([&] { server.run(); });
  const auto out = dir / "dom.html", log = dir / "chromium.log";
  // The virtual time budget lets the page's first poll of /api/progress come back before the dump.
  const std::string command = "timeout 60 '" + chromium +
                              "' --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking "
                              "--enable-logging=stderr --v=0 --virtual-time-budget=3000 --user-data-dir='" +
                              (dir / "profile").string() + "' --dump-dom '" + server.url() + "' > '" + out.string() +
                              "' 2> '" + log.string() + "'";
  const int status = std::system(command.c_str());
  server.stop();
  serving.join();
  REQUIRE(status == 0);
  const std::string dom = testing::read_all(out.string());
  const std::string chromium_log = testing::read_all(log.string());
  INFO("chromium log: " << log.string());
  CHECK(chromium_log.find("Content Security Policy") == std::string::npos);
  CHECK(chromium_log.find("Content-Security-Policy") == std::string::npos);
  // The page's own problem list stays empty (its script marks <body> when it is not).
  const std::string body_tag = dom.substr(dom.find("<body"), dom.find('>', dom.find("<body")) - dom.find("<body"));
  CHECK(body_tag.find("data-rendered=\"yes\"") != std::string::npos);
  CHECK(body_tag.find("data-problems") == std::string::npos);
  CHECK(dom.find("<p>Live: 1 run in progress") != std::string::npos);
  CHECK(dom.find("<div class=\"head\">run 1 · tiny · started ") != std::string::npos);
  CHECK(dom.find("<span class=\"name\">arc_easy:zero-shot</span><progress max=\"64\" value=\"24\"></progress>"
                 "<span class=\"count\">24/64 · updated ") != std::string::npos);
  // A dataset name with markup is text.
  CHECK(dom.find("<span class=\"name\">&lt;img src=x onerror=alert(1)&gt;:zero-shot</span>") != std::string::npos);
}
