// The leaderboard table as CSV (parsed back with the datasets' RFC 4180 reader) and as
// Markdown (row count, escaping of pipes and line breaks).
#include <catch2/catch.hpp>
#include <filesystem>
#include <sstream>

#include "datasets/csv_reader.hpp"
#include "reports/csv_report.hpp"
#include "reports/leaderboard_table.hpp"
#include "reports/markdown_report.hpp"
#include "reports/store_reader.hpp"
#include "tests/reports/report_fixture.hpp"
#include "tests/test_files.hpp"

using namespace sextant;
using namespace sextant::reports;

namespace {

const ReportContext kContext{"0.1.0", "abc1234", "2024-06-01T00:00:00Z", {"host | rack 3", "Test CPU", 2}};

Leaderboard fixture_board(const std::string& name) {
  const auto dirs = testing::make_fixture_stores(std::filesystem::temp_directory_path() / ("sextant_reports_" + name));
  return build_leaderboard({read_store(dirs.a.string()), read_store(dirs.b.string())}, kContext);
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Cell separators of a Markdown table row: pipes not escaped by a backslash.
int unescaped_pipes(const std::string& line) {
  int n = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\\')
      ++i;
    else if (line[i] == '|')
      ++n;
  }
  return n;
}

}  // namespace

TEST_CASE("the leaderboard table has OpenCompass's columns, dimension separators, averages and overall", "[reports]") {
  const TextTable t = leaderboard_table(fixture_board("table"));
  CHECK(t.header ==
        std::vector<std::string>{"dataset", "version", "metric", "mode", "alpha", "beta", testing::kOddModel});
  // 5 dimension separators + 8 datasets + the "Average" separator + 5 dimensions + overall.
  REQUIRE(t.rows.size() == 20);
  using Cells = std::vector<std::string>;
  CHECK(t.rows[0] == Cells{"--------- Exam ---------", "-", "-", "-", "-", "-", "-"});
  CHECK(t.rows[1] == Cells{"ceval", "c1", "acc", "few-shot", "40.00", "30.00", "90.00"});
  CHECK(t.rows[2] == Cells{"mmlu", "m1", "acc_circular/acc", "few-shot", "60.00", "50.00", "-"});
  CHECK(t.rows[3][0] == "--------- Language ---------");
  CHECK(t.rows[8] == Cells{"race", "r1/r2", "acc", "zero-shot", "70.00", "80.00", "-"});
  CHECK(t.rows[9][0] == "--------- Reasoning ---------");
  CHECK(t.rows[10] == Cells{"commonsenseqa", "q1", "acc", "zero-shot", "-", "-", "60.00"});
  CHECK(t.rows[11] == Cells{"gsm8k", "g2/g1", "exact_match", "cot", "30.00", "20.00", "-"});
  CHECK(t.rows[13][0] == "--------- Average ---------");
  CHECK(t.rows[14] == Cells{"Exam", "-", "naive_average", "-", "50.00", "40.00", "90.00"});
  CHECK(t.rows[15] == Cells{"Language", "-", "naive_average", "-", "30.00", "60.00", "-"});
  CHECK(t.rows[18] == Cells{"Reasoning", "-", "naive_average", "-", "40.00", "30.00", "60.00"});
  CHECK(t.rows[19] == Cells{"Overall", "-", "naive_average", "-", "42.00", "44.00", "66.67"});
  CHECK(format_score("perplexity", 12.3456) == "12.35");
  CHECK(format_score("acc", 0.123456) == "12.35");
}

TEST_CASE("the CSV report parses back to the table's cells, odd model names included", "[reports]") {
  const Leaderboard board = fixture_board("csv");
  const TextTable t = leaderboard_table(board);
  const std::string csv = csv_report(board);
  CHECK(csv.find("\"odd, \"\"name\"\" | x\"") != std::string::npos);
  CHECK(csv.substr(0, 35) == "dataset,version,metric,mode,alpha,b");
  CHECK(csv.find("\r\n") != std::string::npos);

  const auto records = datasets::read_csv(testing::write_temp("sextant_reports_table.csv", csv));
  REQUIRE(records.size() == t.rows.size() + 1);
  CHECK(records[0].fields == t.header);
  for (std::size_t i = 0; i < t.rows.size(); ++i) CHECK(records[i + 1].fields == t.rows[i]);
  CHECK(records[0].fields[6] == testing::kOddModel);
  CHECK(records.back().fields[6] == "66.67");
}

TEST_CASE("CSV fields are quoted only when RFC 4180 needs it", "[reports]") {
  CHECK(csv_field("plain text") == "plain text");
  CHECK(csv_field("") == "");
  CHECK(csv_field("a,b") == "\"a,b\"");
  CHECK(csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(csv_field("two\nlines") == "\"two\nlines\"");
  CHECK(csv_field("cr\r") == "\"cr\r\"");
}

TEST_CASE("the Markdown table has a line per row and escapes pipes", "[reports]") {
  const Leaderboard board = fixture_board("markdown");
  const auto lines = lines_of(markdown_table(board));
  REQUIRE(lines.size() == 22);                                       // header, delimiter, 20 rows
  for (const auto& line : lines) CHECK(unescaped_pipes(line) == 8);  // 7 columns
  CHECK(lines[0].find("odd, \"name\" \\| x") != std::string::npos);
  CHECK(lines[0].rfind("| dataset ", 0) == 0);
  CHECK(lines[1].find("--:") != std::string::npos);  // model columns align right
  CHECK(lines[21].rfind("| Overall ", 0) == 0);
  CHECK(lines[21].find("| 42.00 |") != std::string::npos);
  // Padded: every line of the table is as wide as the header.
  for (const auto& line : lines) CHECK(line.size() == lines[0].size());
}

TEST_CASE("Markdown cells escape pipes, backslashes and line breaks", "[reports]") {
  CHECK(markdown_cell("a|b") == "a\\|b");
  CHECK(markdown_cell("back\\slash") == "back\\\\slash");
  CHECK(markdown_cell("one\ntwo\r\nthree\rfour") == "one<br>two<br>three<br>four");
  CHECK(markdown_cell("plain") == "plain");
}

TEST_CASE("the Markdown report holds the generation details, the table and the runs", "[reports]") {
  const Leaderboard board = fixture_board("markdown_report");
  const std::string md = markdown_report(board);
  CHECK(md.rfind("# Sextant report\n", 0) == 0);
  CHECK(md.find("by sextant 0.1.0 (git abc1234) on host \\| rack 3 (Test CPU, 2 cores)") != std::string::npos);
  CHECK(md.find("4 run(s) from 2024-05-01T08:00:00Z to (a run is unfinished)") != std::string::npos);
  CHECK(md.find(markdown_table(board)) != std::string::npos);
  const auto runs_at = md.find("## Runs\n\n");
  REQUIRE(runs_at != std::string::npos);
  const auto runs = lines_of(md.substr(runs_at + 9));
  REQUIRE(runs.size() == 6);  // header, delimiter, 4 runs
  for (const auto& line : runs) CHECK(unescaped_pipes(line) == 10);
  // The odd run's command holds a pipe and a line break; the row stays one line.
  CHECK(runs[5].find("'odd, \"name\" \\| x'<br>  --limit 5") != std::string::npos);
}
