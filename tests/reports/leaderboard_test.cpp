// Reading result stores and merging them into a leaderboard: columns, latest-run-wins, dimension
// and overall means checked against numbers worked out by hand in report_fixture.hpp.
#include "reports/leaderboard.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "core/error.hpp"
#include "reports/store_reader.hpp"
#include "tests/reports/report_fixture.hpp"

using namespace sextant;
using namespace sextant::reports;

namespace {

const ReportContext kContext{"0.1.0", "abc1234", "2024-06-01T00:00:00Z", {"host", "Test CPU", 2}};

std::filesystem::path temp_root(const std::string& name) {
  return std::filesystem::temp_directory_path() / ("sextant_reports_" + name);
}

Leaderboard fixture_board(const std::string& name) {
  const auto dirs = testing::make_fixture_stores(temp_root(name));
  return build_leaderboard({read_store(dirs.a.string()), read_store(dirs.b.string())}, kContext);
}

const Row& row_of(const Leaderboard& board, const std::string& dataset) {
  const auto it =
      std::find_if(board.rows.begin(), board.rows.end(), [&](const Row& r) { return r.dataset == dataset; });
  REQUIRE(it != board.rows.end());
  return *it;
}

double dimension_of(const ModelColumn& m, const std::string& dimension) {
  const auto it = std::find_if(m.dimensions.begin(), m.dimensions.end(),
                               [&](const DimensionScore& d) { return d.dimension == dimension; });
  REQUIRE(it != m.dimensions.end());
  return it->score;
}

}  // namespace

TEST_CASE("the store reader returns runs and every score, unfinished runs without an end", "[reports]") {
  const auto dirs = testing::make_fixture_stores(temp_root("reader"));
  const StoreContents b = read_store(dirs.b.string());
  CHECK(b.path == (dirs.b / "sextant.db").string());
  REQUIRE(b.runs.size() == 2);
  CHECK(b.runs[0].id == 1);
  CHECK(b.runs[0].model == "alpha");
  CHECK(b.runs[0].model_path == "models/alpha.gguf");
  CHECK(b.runs[0].model_identity == "a1a1a1a1a1a1a1a1");
  CHECK(b.runs[0].started_at == "2024-05-01T08:00:00Z");
  CHECK(b.runs[0].finished_at == std::optional<std::string>("2024-05-01T09:00:00Z"));
  CHECK(b.runs[0].command == "sextant eval --model alpha");
  CHECK(b.runs[0].suite == "core");
  CHECK(b.runs[1].model == testing::kOddModel);
  CHECK_FALSE(b.runs[1].finished_at.has_value());
  // 7 + 3 headline scores, 10 truncation rates, 2 + 1 extraction rates (gen and cot tasks).
  CHECK(b.scores.size() == 23);
  const StoredScore& first = b.scores.front();
  CHECK(first.run_id == 1);
  CHECK(first.dataset == "ceval");
  CHECK(first.mode == "few-shot");
  CHECK(first.dimension == "Exam");
  CHECK(first.metric == "acc");
  CHECK(first.headline);
  CHECK(first.value == 0.40);
  CHECK(first.ci_low == Approx(0.35));
  CHECK(first.ci_high == Approx(0.45));
  CHECK(first.items == 100);
  CHECK(first.version == "c1");
  CHECK_FALSE(b.scores[1].headline);  // its truncation rate
}

TEST_CASE("the store reader reads a store that a running eval holds open", "[reports]") {
  const auto dir = temp_root("open_writer");
  std::filesystem::remove_all(dir);
  testing::FixtureStore writer(dir);
  writer.add_run(1, "2024-05-01T08:00:00Z", std::nullopt, "alpha", "a1a1a1a1a1a1a1a1", "sextant eval");
  writer.add_task(1, "ceval", "few-shot", "Exam", "acc", 0.25, 4, "c1");
  const StoreContents s = read_store(dir.string());
  REQUIRE(s.runs.size() == 1);
  CHECK(s.scores.size() == 2);
}

TEST_CASE("a missing store, a file that is not a store and another layout are errors naming the path", "[reports]") {
  const auto root = temp_root("errors");
  std::filesystem::remove_all(root);
  std::filesystem::create_directories(root / "empty");
  const std::string missing = (root / "empty" / "sextant.db").string();
  CHECK_THROWS_WITH(read_store((root / "empty").string()),
                    Catch::Contains(missing) && Catch::Contains("no result store"));
  CHECK_THROWS_WITH(read_store((root / "nowhere").string()),
                    Catch::Contains((root / "nowhere" / "sextant.db").string()));

  std::filesystem::create_directories(root / "text");
  std::ofstream(root / "text" / "sextant.db")
      << "this is not a database, just some text long enough to look like a file\n";
  CHECK_THROWS_WITH(read_store((root / "text").string()), Catch::Contains((root / "text" / "sextant.db").string()));

  { testing::FixtureStore old(root / "old", 1); }
  CHECK_THROWS_WITH(read_store((root / "old").string()), Catch::Contains((root / "old" / "sextant.db").string()) &&
                                                             Catch::Contains("store layout 1, expected 2"));
}

TEST_CASE("the leaderboard has a column per model, rows in dimension order, the latest run winning", "[reports]") {
  const Leaderboard board = fixture_board("columns");
  CHECK(board.context.git_revision == "abc1234");
  REQUIRE(board.stores.size() == 2);

  // Runs oldest first across both stores: b/1, a/2, a/1, b/2.
  REQUIRE(board.runs.size() == 4);
  CHECK(board.runs[0].store == 1);
  CHECK(board.runs[0].run.id == 1);
  CHECK(board.runs[1].store == 0);
  CHECK(board.runs[1].run.id == 2);
  CHECK(board.runs[2].store == 0);
  CHECK(board.runs[2].run.id == 1);
  CHECK(board.runs[3].run.model == testing::kOddModel);
  CHECK(board.started_at == std::optional<std::string>("2024-05-01T08:00:00Z"));
  CHECK_FALSE(board.finished_at.has_value());  // the odd run never finished

  REQUIRE(board.models.size() == 3);
  CHECK(board.models[0].label == "alpha");
  CHECK(board.models[0].runs == std::vector<std::size_t>{0, 2});
  CHECK(board.models[1].label == "beta");
  CHECK(board.models[2].label == testing::kOddModel);
  CHECK(board.models[2].identity == "c3c3c3c3c3c3c3c3");

  std::vector<std::string> order;
  for (const auto& r : board.rows) order.push_back(r.dimension + "/" + r.dataset + ":" + r.mode);
  CHECK(order == std::vector<std::string>{"Exam/ceval:few-shot", "Exam/mmlu:few-shot", "Language/wic:zero-shot",
                                          "Knowledge/triviaqa:gen", "Understanding/race:zero-shot",
                                          "Reasoning/commonsenseqa:zero-shot", "Reasoning/gsm8k:cot",
                                          "Reasoning/hellaswag:zero-shot"});

  // alpha's later run (a/1) replaced mmlu and gsm8k; its other datasets come from b/1.
  const Row& mmlu = row_of(board, "mmlu");
  REQUIRE(mmlu.cells[0]);
  CHECK(mmlu.cells[0]->score.value == 0.60);
  CHECK(mmlu.cells[0]->score.metric == "acc_circular");
  CHECK(mmlu.cells[0]->run == 2);
  CHECK(mmlu.metrics() == "acc_circular/acc");
  CHECK_FALSE(mmlu.cells[2]);
  const Row& gsm8k = row_of(board, "gsm8k");
  CHECK(gsm8k.cells[0]->score.value == 0.30);
  CHECK(gsm8k.cells[0]->version == "g2");
  CHECK(gsm8k.versions() == "g2/g1");
  CHECK(gsm8k.metrics() == "exact_match");
  const Row& ceval = row_of(board, "ceval");
  CHECK(ceval.cells[0]->score.value == 0.40);
  CHECK(ceval.cells[0]->run == 0);
  CHECK(ceval.versions() == "c1");

  // A cell carries its interval, sample count and the task's other metrics.
  const Cell& trivia = *row_of(board, "triviaqa").cells[1];
  CHECK(trivia.score.metric == "exact_match");
  CHECK(trivia.score.ci_low == Approx(0.05));
  CHECK(trivia.score.ci_high == Approx(0.15));
  CHECK(trivia.score.samples == 60);
  REQUIRE(trivia.other_metrics.size() == 2);
  CHECK(trivia.other_metrics[0].metric == "extraction_rate");
  CHECK(trivia.other_metrics[0].value == 0.95);
  CHECK(trivia.other_metrics[1].metric == "truncation_rate");
}

TEST_CASE("dimension scores are means of their datasets and overall the mean of the dimensions present", "[reports]") {
  const Leaderboard board = fixture_board("means");
  const ModelColumn& alpha = board.models[0];
  CHECK(dimension_of(alpha, "Exam") == Approx((0.40 + 0.60) / 2));
  CHECK(dimension_of(alpha, "Language") == Approx(0.30));
  CHECK(dimension_of(alpha, "Knowledge") == Approx(0.20));
  CHECK(dimension_of(alpha, "Understanding") == Approx(0.70));
  CHECK(dimension_of(alpha, "Reasoning") == Approx((0.30 + 0.50) / 2));
  REQUIRE(alpha.overall);
  CHECK(*alpha.overall == Approx(0.42));

  const ModelColumn& beta = board.models[1];
  CHECK(dimension_of(beta, "Exam") == Approx(0.40));
  CHECK(dimension_of(beta, "Reasoning") == Approx(0.30));
  REQUIRE(beta.overall);
  CHECK(*beta.overall == Approx(0.44));

  const ModelColumn& odd = board.models[2];
  REQUIRE(odd.dimensions.size() == 3);
  CHECK(odd.dimensions[0].dimension == "Exam");
  CHECK(odd.dimensions[1].dimension == "Knowledge");
  CHECK(odd.dimensions[2].dimension == "Reasoning");
  CHECK(odd.dimensions[2].datasets == 1);
  REQUIRE(odd.overall);
  CHECK(*odd.overall == Approx((0.90 + 0.50 + 0.60) / 3));

  CHECK(alpha.dimensions[0].datasets == 2);
  std::vector<std::string> alpha_order;
  for (const auto& d : alpha.dimensions) alpha_order.push_back(d.dimension);
  CHECK(alpha_order == std::vector<std::string>{"Exam", "Language", "Knowledge", "Understanding", "Reasoning"});
}

TEST_CASE("two models of the same name are told apart by their identity", "[reports]") {
  const auto dir = temp_root("same_name");
  std::filesystem::remove_all(dir);
  {
    testing::FixtureStore s(dir);
    s.add_run(1, "2024-05-01T08:00:00Z", "2024-05-01T09:00:00Z", "gamma", "1111111111111111", "sextant eval");
    s.add_run(2, "2024-05-01T10:00:00Z", "2024-05-01T11:00:00Z", "gamma", "2222222222222222", "sextant eval");
    s.add_task(1, "ceval", "few-shot", "Exam", "acc", 0.25, 4, "c1");
    s.add_task(2, "ceval", "few-shot", "Exam", "acc", 0.75, 4, "c1");
  }
  const Leaderboard board = build_leaderboard({read_store(dir.string())}, kContext);
  REQUIRE(board.models.size() == 2);
  CHECK(board.models[0].label == "gamma (11111111)");
  CHECK(board.models[1].label == "gamma (22222222)");
  REQUIRE(board.rows.size() == 1);
  CHECK(board.rows[0].cells[0]->score.value == 0.25);
  CHECK(board.rows[0].cells[1]->score.value == 0.75);
  CHECK(board.finished_at == std::optional<std::string>("2024-05-01T11:00:00Z"));
}

TEST_CASE("an empty store gives a leaderboard without models or rows", "[reports]") {
  const auto dir = temp_root("empty_store");
  std::filesystem::remove_all(dir);
  { testing::FixtureStore s(dir); }
  const Leaderboard board = build_leaderboard({read_store(dir.string())}, kContext);
  CHECK(board.runs.empty());
  CHECK(board.models.empty());
  CHECK(board.rows.empty());
  CHECK_FALSE(board.started_at);
  CHECK_FALSE(board.finished_at);
}

TEST_CASE("the CPU model comes from /proc/cpuinfo's model name, or the board name elsewhere", "[reports]") {
  CHECK(cpu_model_from_cpuinfo("processor\t: 0\nvendor_id\t: GenuineIntel\nmodel\t\t: 85\n"
                               "model name\t: Intel(R) Xeon(R) CPU @ 2.20GHz\nflags\t\t: fpu\n\n"
                               "processor\t: 1\nmodel name\t: Intel(R) Xeon(R) CPU @ 2.20GHz\n") ==
        "Intel(R) Xeon(R) CPU @ 2.20GHz");
  CHECK(cpu_model_from_cpuinfo(
            "processor\t: 0\nBogoMIPS\t: 108.00\n\nHardware\t: BCM2835\nModel\t\t: Raspberry Pi 4\n") ==
        "Raspberry Pi 4");
  CHECK(cpu_model_from_cpuinfo("processor\t: 0\n").empty());
  const MachineInfo m = describe_machine();
  CHECK_FALSE(m.hostname.empty());
  CHECK_FALSE(m.cpu.empty());
  CHECK(m.cores >= 1);
}
