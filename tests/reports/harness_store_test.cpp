// The reports read what the harness writes: a store made by harness::ResultStore reads back
// through reports::read_store, so a change of layout on either side fails here first.
#include <catch2/catch.hpp>
#include <filesystem>

#include "harness/store/result_store.hpp"
#include "reports/leaderboard.hpp"
#include "reports/store_reader.hpp"

using namespace sextant;

TEST_CASE("a store written by the harness reads back into a leaderboard", "[reports]") {
  const auto dir = std::filesystem::temp_directory_path() / "sextant_reports_harness_store";
  std::filesystem::remove_all(dir);
  {
    harness::ResultStore store(dir.string());
    const std::int64_t run = store.begin_run({"tiny", "models/tiny.gguf", "0123456789abcdef", "sextant eval", "core"});
    const harness::TaskKey task{"feedfacefeedface", "arc_easy", "zero-shot", "Exam",
                                "0123456789abcdef", "e267d8",   "acc_norm"};
    store.register_task(task, "{}");
    store.set_scores(run, task, {{"acc_norm", 0.5, 0.4, 0.6, 40}, {"acc", 0.45, 0.35, 0.55, 40}});
    store.finish_run(run);
  }
  const reports::StoreContents s = reports::read_store(dir.string());
  REQUIRE(s.runs.size() == 1);
  CHECK(s.runs[0].model == "tiny");
  CHECK(s.runs[0].finished_at.has_value());
  REQUIRE(s.scores.size() == 2);
  CHECK(s.scores[0].metric == "acc_norm");
  CHECK(s.scores[0].headline);
  CHECK_FALSE(s.scores[1].headline);

  const reports::Leaderboard board = reports::build_leaderboard({s}, {});
  REQUIRE(board.rows.size() == 1);
  const reports::Cell& cell = *board.rows[0].cells.at(0);
  CHECK(cell.score.metric == "acc_norm");
  CHECK(cell.score.value == 0.5);
  CHECK(cell.score.samples == 40);
  CHECK(cell.version == "e267d8");
  CHECK(cell.task_hash == "feedfacefeedface");
  REQUIRE(board.models.at(0).overall);
  CHECK(*board.models[0].overall == 0.5);
}
