// The HTML report: its data (numbers worked out by hand beside the fixture), the escaping that
// keeps model outputs text, the samples and paired comparisons it embeds, and — when chromium
// is installed — the page as a browser draws it, with no console message or blocked request.
#include "reports/html_report.hpp"

#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "harness/store/result_store.hpp"
#include "metrics/confidence_interval.hpp"
#include "metrics/paired_bootstrap.hpp"
#include "reports/paired_comparison.hpp"
#include "tests/test_files.hpp"

using namespace sextant;
using namespace sextant::reports;
using nlohmann::json;

namespace {

const ReportContext kContext{"0.1.0", "abc1234", "2024-06-01T00:00:00Z", {"host", "Test CPU", 2}};

// Outputs that would run script or break out of an attribute if the page parsed them as markup.
const std::string kImgPayload = "<img src=x onerror=\"document.title='pwned'\">";
const std::string kScriptPayload = "</script><script>alert(1)</script>";
const std::string kQuotePayload = "\" onmouseover=\"x";
const std::string kBetaName = "beta \"q\" & <i>co</i>";
const std::string kLongPromptEnd = "Which answer is right?";

// Ten items per task; alpha gets items [0, alpha) right, beta items [10 - beta, 10).
struct TaskSpec {
  const char* dataset;
  const char* mode;
  const char* dimension;
  const char* metric;
  int alpha, beta;
};

// Hand-worked expectations (a dimension is the mean of its datasets, overall the mean of the five):
//   alpha: Exam (60 + 40) / 2 = 50, Language 50, Knowledge 30, Understanding 70,
//          Reasoning (20 + 60) / 2 = 40; overall 240 / 5 = 48
//   beta:  Exam (30 + 50) / 2 = 40, Language 80, Knowledge 10, Understanding 90,
//          Reasoning (40 + 50) / 2 = 45; overall 265 / 5 = 53
// ceval, alpha right on 0-5 and beta on 7-9: only alpha right 6 (0-5), only beta right 3
// (7-9), both wrong 1 (item 6), both right 0. alpha's ceval interval: 0.6 -/+ 1.96 *
// sqrt(0.24 * 10 / 9) / sqrt(10) = 0.6 -/+ 0.32006, shown as 27.99 – 92.01.
constexpr TaskSpec kTasks[] = {
    {"ceval", "few-shot", "Exam", "acc", 6, 3},
    {"mmlu", "few-shot", "Exam", "acc", 4, 5},
    {"wic", "zero-shot", "Language", "acc", 5, 8},
    {"triviaqa", "gen", "Knowledge", "exact_match", 3, 1},
    {"race", "zero-shot", "Understanding", "acc", 7, 9},
    {"gsm8k", "cot", "Reasoning", "exact_match", 2, 4},
    {"hellaswag", "zero-shot", "Reasoning", "acc_norm", 6, 5},
};

harness::SampleOutcome outcome(const TaskSpec& task, int item, bool right) {
  harness::SampleOutcome o;
  o.index = item;
  o.prompt_hash = "p" + std::to_string(item);
  o.prompt = std::string(task.dataset) + " question " + std::to_string(item) + "\nAnswer:";
  o.reference = "A";
  o.answer = right ? "A" : "B";
  o.output = " " + o.answer;
  o.score = right ? 1.0 : 0.0;
  if (std::string(task.dataset) == "ceval") {
    // The payloads sit in the first dataset, which the samples section opens on.
    if (item == 0) o.output = kImgPayload;
    if (item == 1) o.output = kScriptPayload;
    if (item == 2) o.reference = kQuotePayload;
    if (item == 3) o.prompt = "Line\xE2\x80\xA8separator & <b>bold</b>?\nAnswer:";
    if (item == 4) o.prompt = std::string(5000, 'x') + "\n" + kLongPromptEnd;
    if (item == 5) o.detail = {{"note", kScriptPayload}};
  }
  return o;
}

// One model's run over every task, written by the harness's own store.
void add_model_run(harness::ResultStore& store, const std::string& name, const std::string& identity,
                   const std::string& command, bool is_alpha, double shift = 0.0) {
  const std::int64_t run = store.begin_run({name, "models/" + identity + ".gguf", identity, command, "core"});
  for (const auto& t : kTasks) {
    const harness::TaskKey key{identity + ":" + t.dataset, t.dataset, t.mode, t.dimension, identity, "v1", t.metric};
    store.register_task(key, "{}");
    const int right = is_alpha ? t.alpha : t.beta;
    std::vector<harness::SampleOutcome> outcomes;
    std::vector<double> scores;
    for (int i = 0; i < 10; ++i) {
      outcomes.push_back(outcome(t, i, is_alpha ? i < right : i >= 10 - right));
      scores.push_back(outcomes.back().score);
    }
    store.add_outcomes(key.hash, outcomes);
    const auto ci = metrics::mean_interval(scores);
    store.set_scores(
        run, key,
        {{t.metric, ci.mean + shift, ci.lower + shift, ci.upper + shift, 10}, {"truncation_rate", 0, 0, 0, 10}});
  }
  store.finish_run(run);
}

std::filesystem::path html_fixture(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("sextant_html_" + name);
  std::filesystem::remove_all(dir);
  harness::ResultStore store(dir.string());
  add_model_run(store, "alpha", "a1a1a1a1a1a1a1a1", "sextant eval --model alpha", true);
  add_model_run(store, kBetaName, "b2b2b2b2b2b2b2b2", "sextant eval --model '" + kImgPayload + "'", false);
  return dir;
}

void set_step(const std::filesystem::path& dir, const std::string& identity, std::int64_t step) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open((dir / "sextant.db").string().c_str(), &db) == SQLITE_OK);
  const std::string sql = "UPDATE models SET step = " + std::to_string(step) + " WHERE identity = '" + identity + "'";
  CHECK(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
}

// A training run: "tiny-train" at steps 100..500, every score 4 points above the last.
std::filesystem::path training_fixture(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("sextant_html_" + name);
  std::filesystem::remove_all(dir);
  {
    harness::ResultStore store(dir.string());
    for (int k = 0; k < 5; ++k) {
      const std::string identity = "c0c0c0c0c0c0c0c" + std::to_string(k);
      add_model_run(store, "tiny-train", identity, "sextant eval --model ckpt", true, 0.04 * k);
    }
  }
  for (int k = 0; k < 5; ++k) set_step(dir, "c0c0c0c0c0c0c0c" + std::to_string(k), 100 * (k + 1));
  return dir;
}

Leaderboard board_of(const std::filesystem::path& dir) {
  return build_leaderboard({read_store(dir.string())}, kContext);
}

// The JSON the page carries, parsed back as the page's script parses it.
json page_data(const std::string& html) {
  const std::string open = "<script type=\"application/json\" id=\"sextant-data\">";
  const auto begin = html.find(open);
  REQUIRE(begin != std::string::npos);
  const auto end = html.find("</script>", begin);
  REQUIRE(end != std::string::npos);
  return json::parse(html.substr(begin + open.size(), end - begin - open.size()));
}

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("script-safe JSON escapes what could end a script element, and parses back", "[reports][html]") {
  const json data = {{"text", "</script><!-- & -->\xE2\x80\xA8\xE2\x80\xA9 \"q\" \\ <"}};
  const std::string safe = script_safe_json(data);
  CHECK(safe ==
        "{\"text\":\"\\u003c/script\\u003e\\u003c!-- \\u0026 --\\u003e\\u2028\\u2029 \\\"q\\\" \\\\ \\u003c\"}");
  CHECK(json::parse(safe) == data);
  // Bytes that are not UTF-8 are replaced rather than refused.
  CHECK(json::parse(script_safe_json({{"t", "a\xFF"}}))["t"] == "a\xEF\xBF\xBD");
}

TEST_CASE("the HTML report carries the leaderboard with its dimension means and intervals", "[reports][html]") {
  const Leaderboard board = board_of(html_fixture("data"));
  const std::string html = html_report(board, read_report_samples(board, kDefaultHtmlSamples));
  const json d = page_data(html);

  REQUIRE(d["models"].size() == 2);
  CHECK(d["models"][0]["label"] == "alpha");
  CHECK(d["models"][1]["label"] == kBetaName);
  CHECK(d["models"][0]["step"].is_null());
  CHECK(d["models"][0]["overall"]["display"] == "48.00");
  CHECK(d["models"][1]["overall"]["display"] == "53.00");
  const json& alpha_dims = d["models"][0]["dimensions"];
  REQUIRE(alpha_dims.size() == 5);
  const std::vector<std::string> expected_alpha = {"50.00", "50.00", "30.00", "70.00", "40.00"};
  for (std::size_t i = 0; i < 5; ++i) {
    CHECK(alpha_dims[i]["dimension"] == kDimensionOrder[i]);
    CHECK(alpha_dims[i]["display"] == expected_alpha[i]);
  }
  // Language has one dataset: its interval is that dataset's (wic, 0.5 of 10).
  const double half = 1.9599639845400538 * std::sqrt(0.25 * 10 / 9) / std::sqrt(10.0);
  CHECK(alpha_dims[1]["low"].get<double>() == Approx(0.5 - half));
  // Exam averages two: the half-width is 1.96 sqrt(se1^2 + se2^2) / 2 (ceval 0.6, mmlu 0.4, same se).
  const double se = std::sqrt(0.24 * 10 / 9) / std::sqrt(10.0);
  CHECK(alpha_dims[0]["high"].get<double>() == Approx(0.5 + 1.9599639845400538 * std::sqrt(2 * se * se) / 2));
  CHECK(d["dimensions"] == json({"Exam", "Language", "Knowledge", "Understanding", "Reasoning"}));

  REQUIRE(d["rows"].size() == 7);
  CHECK(d["rows"][0]["dataset"] == "ceval");
  const json& ceval_alpha = d["rows"][0]["cells"][0];
  CHECK(ceval_alpha["display"] == "60.00");
  CHECK(ceval_alpha["low"].get<double>() == Approx(0.279939).margin(1e-6));
  CHECK(ceval_alpha["samples"] == 10);
  CHECK(ceval_alpha["stored_samples"] == 10);
  CHECK(d["rows"][0]["cells"][1]["display"] == "30.00");
  CHECK(d["runs"][1]["command"] == "sextant eval --model '" + kImgPayload + "'");
  CHECK(html.find("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src "
                  "'unsafe-inline'; style-src 'unsafe-inline'; img-src data:\">") != std::string::npos);
}

TEST_CASE("model outputs in the HTML report stay text: no payload appears unescaped", "[reports][html]") {
  const Leaderboard board = board_of(html_fixture("escaping"));
  const std::string html = html_report(board, read_report_samples(board, kDefaultHtmlSamples));

  for (const std::string& payload : {kImgPayload, kScriptPayload, kQuotePayload, kBetaName, std::string("<b>bold</b>")})
    CHECK(html.find(payload) == std::string::npos);
  CHECK(html.find("<img") == std::string::npos);
  CHECK(html.find("\xE2\x80\xA8") == std::string::npos);
  CHECK(html.find("\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\\u003c/script\\u003e") != std::string::npos);
  CHECK(html.find("\\\" onmouseover=\\\"x") != std::string::npos);
  // The data element and the page's script are the only two scripts, each closed once.
  CHECK(count_of(html, "<script") == 2);
  CHECK(count_of(html, "</script>") == 2);
  // The page builds elements with textContent and setAttribute only.
  CHECK(html.find("innerHTML") == std::string::npos);
  CHECK(html.find("outerHTML") == std::string::npos);
  CHECK(html.find("insertAdjacentHTML") == std::string::npos);
  CHECK(html.find("document.write") == std::string::npos);

  // Every payload survives the round trip through the page's JSON exactly.
  const json d = page_data(html);
  const auto& strings = d["samples"]["strings"];
  const auto has = [&](const std::string& s) { return std::find(strings.begin(), strings.end(), s) != strings.end(); };
  CHECK(has(kImgPayload));
  CHECK(has(kScriptPayload));
  CHECK(has(kQuotePayload));
  CHECK(has("Line\xE2\x80\xA8separator & <b>bold</b>?\nAnswer:"));
  CHECK(has(json({{"note", kScriptPayload}}).dump()));
  CHECK(d["models"][1]["label"] == kBetaName);
}

TEST_CASE("the HTML report embeds the first N samples, cuts long texts and compares the models", "[reports][html]") {
  const Leaderboard board = board_of(html_fixture("samples"));
  const ReportSamples samples = read_report_samples(board, 5);
  REQUIRE(samples.cells.size() == 7);
  REQUIRE(samples.cells[0][0]);
  CHECK(samples.cells[0][0]->scores.size() == 10);
  REQUIRE(samples.cells[0][0]->samples.size() == 5);
  CHECK(samples.cells[0][0]->samples[4].item_index == 4);
  CHECK(samples.cells[0][0]->samples[1].output == kScriptPayload);
  CHECK(samples.cells[0][0]->samples[1].score == 1.0);
  CHECK(samples.cells[0][1]->samples[1].score == 0.0);

  const json d = html_report_data(board, samples);
  CHECK(d["samples"]["limit"] == 5);
  const json& first = d["samples"]["cells"][0][0];
  REQUIRE(first.size() == 5);
  // [item, prompt, output, answer, reference, score, flags, detail]
  const auto& strings = d["samples"]["strings"];
  CHECK(first[0][0] == 0);
  CHECK(strings[first[0][2].get<std::size_t>()] == kImgPayload);
  CHECK(strings[first[2][4].get<std::size_t>()] == kQuotePayload);
  CHECK(first[0][5] == 1.0);
  CHECK(first[0][6] == 1);  // extracted, not truncated
  // A 5023-byte prompt keeps its last 4000 bytes, the question among them.
  const std::string cut = strings[first[4][1].get<std::size_t>()];
  CHECK(cut.rfind("[… 1023 bytes cut …]\n", 0) == 0);
  CHECK(cut.size() == std::string("[… 1023 bytes cut …]\n").size() + 4000);
  CHECK(cut.substr(cut.size() - kLongPromptEnd.size()) == kLongPromptEnd);
  // The same prompt from both models is stored once.
  CHECK(first[3][1] == d["samples"]["cells"][0][1][3][1]);

  // One pair per dataset; ceval as worked out beside the fixture, over all 10 items.
  REQUIRE(d["comparisons"].size() == 7);
  const json& c = d["comparisons"][0];
  CHECK(c["row"] == 0);
  CHECK(c["a"] == 0);
  CHECK(c["b"] == 1);
  CHECK(c["shared"] == 10);
  CHECK(c["a_better"] == 6);
  CHECK(c["b_better"] == 3);
  CHECK(c["both_full"] == 0);
  CHECK(c["both_zero"] == 1);
  CHECK(c["binary"] == true);
  CHECK(c["difference"].get<double>() == Approx(0.3));
  const std::vector<double> a = {1, 1, 1, 1, 1, 1, 0, 0, 0, 0}, b = {0, 0, 0, 0, 0, 0, 0, 1, 1, 1};
  CHECK(c["p_value"].get<double>() == metrics::paired_bootstrap_means(a, b).p_value);

  const json none = html_report_data(board, read_report_samples(board, 0));
  CHECK(none["samples"]["cells"][0][0].empty());
  CHECK(none["comparisons"].size() == 7);  // the comparisons use every stored score
}

TEST_CASE("paired comparisons match items by index and count partial scores as ties or wins", "[reports][html]") {
  const std::vector<ItemScore> a = {{0, 1.0}, {1, 0.5}, {2, 0.0}, {5, 1.0}, {7, 0.25}};
  const std::vector<ItemScore> b = {{1, 0.5}, {2, 1.0}, {3, 1.0}, {5, 1.0}, {7, 0.0}};
  const auto c = compare_paired(a, b);
  REQUIRE(c);
  CHECK(c->shared == 4);  // items 1, 2, 5 and 7
  CHECK(c->a_better == 1);
  CHECK(c->b_better == 1);
  CHECK(c->both_full == 1);
  CHECK(c->tied_other == 1);
  CHECK_FALSE(c->binary);
  CHECK(c->test.difference == Approx((0.5 + 0 + 1 + 0.25 - 0.5 - 1 - 1 - 0) / 4));
  CHECK_FALSE(compare_paired(std::vector<ItemScore>{{0, 1.0}}, std::vector<ItemScore>{{1, 1.0}}));
  // A model against itself: no difference, p = 1.
  const auto same = compare_paired(a, a);
  REQUIRE(same);
  CHECK(same->test.p_value == 1.0);
}

TEST_CASE("training checkpoints carry their step into the labels and the HTML report", "[reports][html]") {
  const auto dir = training_fixture("steps");
  const StoreContents store = read_store(dir.string());
  REQUIRE(store.models.size() == 5);
  CHECK(store.models[0].step == std::optional<std::int64_t>(100));
  const Leaderboard board = build_leaderboard({store}, kContext);
  REQUIRE(board.models.size() == 5);
  CHECK(board.models[0].label == "tiny-train (step 100)");
  CHECK(board.models[4].label == "tiny-train (step 500)");
  const json d = html_report_data(board, read_report_samples(board, 3));
  CHECK(d["models"][2]["step"] == 300);
  // 0.48 overall at step 100, 4 points more at each step after.
  CHECK(d["models"][0]["overall"]["display"] == "48.00");
  CHECK(d["models"][4]["overall"]["display"] == "64.00");
  // Five checkpoints: every pair (10) on each of the 7 datasets.
  CHECK(d["comparisons"].size() == 70);
}

// ---- the page in a real browser

namespace {

std::string find_on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (!path) return {};
  std::stringstream dirs(path);
  for (std::string dir; std::getline(dirs, dir, ':');) {
    const auto candidate = std::filesystem::path(dir) / program;
    std::error_code ec;
    if (std::filesystem::is_regular_file(candidate, ec) && ::access(candidate.c_str(), X_OK) == 0)
      return candidate.string();
  }
  return {};
}

struct BrowserRun {
  int status = -1;
  std::string dom, log;
};

// Runs headless chromium on the page, with its own profile so that parallel tests do not meet;
// `action` is --dump-dom or --screenshot=PATH.
BrowserRun run_chromium(const std::string& chromium, const std::filesystem::path& dir, const std::string& url,
                        const std::string& action, const std::string& name) {
  const auto out = dir / (name + ".out"), err = dir / (name + ".log");
  const std::string command = "timeout 60 '" + chromium +
                              "' --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking "
                              "--enable-logging=stderr --v=0 --hide-scrollbars --user-data-dir='" +
                              (dir / (name + "-profile")).string() + "' " + action + " '" + url + "' > '" +
                              out.string() + "' 2> '" + err.string() + "'";
  BrowserRun run;
  const int status = std::system(command.c_str());
  run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.dom = testing::read_all(out.string());
  run.log = testing::read_all(err.string());
  return run;
}

// The lines in which the page spoke to the console (chromium logs them as CONSOLE) or the
// Content-Security-Policy blocked something; the page itself never logs.
std::vector<std::string> page_messages(const std::string& log) {
  std::vector<std::string> found;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);)
    if (line.find("CONSOLE") != std::string::npos || line.find("Content Security Policy") != std::string::npos ||
        line.find("Content-Security-Policy") != std::string::npos)
      found.push_back(line);
  return found;
}

// The DOM without its scripts: the page's code and the JSON are not what it drew.
std::string without_scripts(const std::string& dom) {
  return std::regex_replace(dom, std::regex("<script[^>]*>[\\s\\S]*?</script>"), "");
}

std::string unescape_html(std::string s) {
  const std::pair<const char*, const char*> entities[] = {
      {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&amp;", "&"}};
  for (const auto& [from, to] : entities)
    for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + 1)) s.replace(at, strlen(from), to);
  return s;
}

// The text of each cell of the table row with data-model="model".
std::vector<std::string> leaderboard_row(const std::string& dom, int model) {
  const auto begin = dom.find("<tr data-model=\"" + std::to_string(model) + "\">");
  if (begin == std::string::npos) return {};
  const std::string row = dom.substr(begin, dom.find("</tr>", begin) - begin);
  std::vector<std::string> cells;
  const std::regex cell("<td[^>]*>([\\s\\S]*?)</td>");
  for (auto it = std::sregex_iterator(row.begin(), row.end(), cell); it != std::sregex_iterator(); ++it)
    cells.push_back(unescape_html(std::regex_replace((*it)[1].str(), std::regex("<[^>]*>"), "")));
  return cells;
}

}  // namespace

TEST_CASE("the HTML report renders in headless chromium with the right numbers and no request", "[reports][html]") {
  const std::string chromium = find_on_path("chromium");
  if (chromium.empty()) {
    WARN("skipped: chromium is not on PATH (scripts/setup.sh installs it); the page was not rendered");
    return;
  }
  const auto dir = html_fixture("browser");
  const Leaderboard board = board_of(dir);
  const auto page = dir / "report.html";
  { std::ofstream(page, std::ios::binary) << html_report(board, read_report_samples(board, kDefaultHtmlSamples)); }
  const std::string url = "file://" + page.string();
  const BrowserRun run = run_chromium(chromium, dir, url, "--dump-dom", "dom");
  INFO("chromium log: " << dir / "dom.log");
  REQUIRE(run.status == 0);
  CHECK(page_messages(run.log).empty());
  for (const auto& line : page_messages(run.log)) UNSCOPED_INFO(line);

  const std::string drawn = without_scripts(run.dom);
  CHECK(drawn.find("<body data-rendered=\"yes\">") != std::string::npos);
  CHECK(drawn.find("data-problems") == std::string::npos);
  CHECK(drawn.find("<ul id=\"problems\" class=\"problems\" hidden=\"\"></ul>") != std::string::npos);
  // The payloads made no element: the title is unchanged, no <img>, no onmouseover, no <i>.
  CHECK(drawn.find("<title>Sextant report</title>") != std::string::npos);
  CHECK(drawn.find("pwned</title>") == std::string::npos);
  CHECK(drawn.find("<img") == std::string::npos);
  CHECK(drawn.find("<script") == std::string::npos);
  CHECK(drawn.find("<i>") == std::string::npos);
  CHECK_FALSE(std::regex_search(drawn, std::regex("<[a-zA-Z][^<>]*\\sonmouseover=")));
  CHECK_FALSE(std::regex_search(drawn, std::regex("<[a-zA-Z][^<>]*\\sonerror=")));
  // ... and shows as text.
  CHECK(drawn.find("<pre class=\"output\">&lt;img src=x onerror=\"document.title='pwned'\"&gt;</pre>") !=
        std::string::npos);
  CHECK(drawn.find("<pre class=\"output\">&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;</pre>") !=
        std::string::npos);
  CHECK(drawn.find("<pre class=\"reference\">\" onmouseover=\"x</pre>") != std::string::npos);

  // The leaderboard, best overall first: rank, model, then each dimension's datasets and average, overall.
  using Cells = std::vector<std::string>;
  CHECK(leaderboard_row(drawn, 1) == Cells{"1", kBetaName, "30.00", "50.00", "40.00", "80.00", "80.00", "10.00",
                                           "10.00", "90.00", "90.00", "40.00", "50.00", "45.00", "53.00"});
  CHECK(leaderboard_row(drawn, 0) == Cells{"2", "alpha", "60.00", "40.00", "50.00", "50.00", "50.00", "30.00", "30.00",
                                           "70.00", "70.00", "20.00", "60.00", "40.00", "48.00"});
  CHECK(drawn.find("<tr data-model=\"1\">") < drawn.find("<tr data-model=\"0\">"));
  // Hover text of alpha's ceval score: the interval and sample count.
  CHECK(drawn.find("acc: 60.00\n95% CI: 27.99 – 92.01\n10 samples") != std::string::npos);

  // Charts: the radar with a polygon per model; no steps, so the training note.
  CHECK(drawn.find("<svg viewBox=\"0 0 640 470\"") != std::string::npos);
  CHECK(drawn.find("id=\"radar-chart\"") != std::string::npos);
  CHECK(count_of(drawn, "<polygon points=") == 2);
  CHECK(drawn.find("id=\"no-training\"") != std::string::npos);

  // The samples of ceval (alpha), and ceval's paired comparison.
  CHECK(count_of(drawn, "<tr class=\"right\" data-item=") == 6);
  CHECK(count_of(drawn, "<tr class=\"wrong\" data-item=") == 4);
  CHECK(drawn.find("Showing 10 of the 10 embedded samples; the store holds 10.") != std::string::npos);
  CHECK(drawn.find("<th>alpha right, " + std::string("beta \"q\" &amp; &lt;i&gt;co&lt;/i&gt;") +
                   " wrong</th><td class=\"num\">6</td>") != std::string::npos);
  CHECK(drawn.find("<th>both wrong</th><td class=\"num\">1</td>") != std::string::npos);
  CHECK(drawn.find("Mean score difference (alpha − ") != std::string::npos);
  CHECK(drawn.find("over the 10 items both were scored on") != std::string::npos);

  const auto shot = dir / "report.png";
  const BrowserRun screenshot =
      run_chromium(chromium, dir, url, "--window-size=1400,2200 --screenshot='" + shot.string() + "'", "shot");
  CHECK(screenshot.status == 0);
  CHECK(std::filesystem::file_size(shot) > 10000);
  WARN("screenshot of the rendered report: " << shot.string());
}

TEST_CASE("the HTML report draws score-versus-step curves of training checkpoints in chromium", "[reports][html]") {
  const std::string chromium = find_on_path("chromium");
  if (chromium.empty()) {
    WARN("skipped: chromium is not on PATH (scripts/setup.sh installs it); the page was not rendered");
    return;
  }
  const auto dir = training_fixture("browser_steps");
  const Leaderboard board = board_of(dir);
  const auto page = dir / "report.html";
  { std::ofstream(page, std::ios::binary) << html_report(board, read_report_samples(board, 20)); }
  const BrowserRun run = run_chromium(chromium, dir, "file://" + page.string(), "--dump-dom", "dom");
  REQUIRE(run.status == 0);
  CHECK(page_messages(run.log).empty());
  const std::string drawn = without_scripts(run.dom);
  CHECK(drawn.find("data-rendered=\"yes\"") != std::string::npos);
  CHECK(drawn.find("data-problems") == std::string::npos);
  CHECK(drawn.find("id=\"no-training\"") == std::string::npos);
  // Five dimension charts and seven dataset charts, each one line of five points with a band.
  const auto dims = drawn.substr(drawn.find("id=\"dimension-curves\""));
  CHECK(count_of(drawn, "class=\"curve\"") == 12);
  CHECK(count_of(drawn, "<polygon class=\"band\"") == 12);
  CHECK(count_of(drawn, "<polyline points=") == 12);
  // Exam's average: 50 at step 100 rising by 4 a step; the hover text says so.
  CHECK(dims.find("tiny-train, step 500: 66.00") != std::string::npos);
  CHECK(dims.find("tiny-train, step 100: 50.00") != std::string::npos);
}
