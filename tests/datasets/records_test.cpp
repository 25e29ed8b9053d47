// Reading benchmark rows: CSV quoting, field paths, every source format, bad rows, and the
// real files' published row counts (from the shared datasets' manifest).
#include <zlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "core/error.hpp"
#include "datasets/csv_reader.hpp"
#include "datasets/field_path.hpp"
#include "datasets/source_spec.hpp"
#include "tests/test_files.hpp"
#include "tests/test_paths.hpp"

using namespace sextant::datasets;
using nlohmann::json;
using sextant::testing::write_temp;

namespace {

std::vector<Record> load(const json& spec, const std::string& dir, BadRows& bad) {
  return load_records(parse_source_spec(spec, "test"), dir, bad);
}

std::vector<Record> load(const json& spec, const std::string& dir) {
  BadRows bad;
  return load(spec, dir, bad);
}

std::string temp_dir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

}  // namespace

TEST_CASE("csv reader handles quoted commas, quotes and newlines", "[datasets][csv]") {
  const auto path = write_temp("sextant_quotes.csv", "a,\"b,c\",\"say \"\"hi\"\"\"\r\n\"multi\nline\",2,3\n\nlast,,x");
  const auto records = read_csv(path);
  REQUIRE(records.size() == 3);
  CHECK(records[0].fields == std::vector<std::string>{"a", "b,c", "say \"hi\""});
  CHECK(records[1].fields == std::vector<std::string>{"multi\nline", "2", "3"});
  CHECK(records[1].line == 2);
  CHECK(records[2].fields == std::vector<std::string>{"last", "", "x"});
  CHECK(records[2].line == 5);
  CHECK(read_csv(write_temp("sextant_tabs.tsv", "a\tb,c\n"), '\t')[0].fields == std::vector<std::string>{"a", "b,c"});
  CHECK_THROWS_WITH(read_csv(write_temp("sextant_open.csv", "a,b\n\"never closed,c\n")),
                    Catch::Contains("sextant_open.csv:2") && Catch::Contains("never closed"));
}

TEST_CASE("field paths walk objects, map over arrays and index them", "[datasets]") {
  const json row = json::parse(
      R"({"q": {"stem": "s", "choices": [{"text": "a", "label": "A"}, {"text": "b", "label": "B"}]}, "n": [5, 6]})");
  CHECK(*resolve_field_path(row, "q.stem") == "s");
  CHECK(*resolve_field_path(row, "q.choices[].text") == json({"a", "b"}));
  CHECK(*resolve_field_path(row, "q.choices[1].label") == "B");
  CHECK(*resolve_field_path(row, "n[0]") == 5);
  CHECK_FALSE(resolve_field_path(row, "q.missing").has_value());
  CHECK_FALSE(resolve_field_path(row, "n[7]").has_value());
  CHECK_THROWS_AS(resolve_field_path(row, "q[x]"), sextant::UsageError);
}

TEST_CASE("jsonl rows are mapped, and a bad row is an error naming file, line and field", "[datasets]") {
  const auto dir = temp_dir("sextant_jsonl");
  std::ofstream(dir + "/a.jsonl") << R"({"id": 1, "q": {"stem": "first"}})"
                                  << "\n\n"
                                  << R"({"id": 2, "q": {}})"
                                  << "\n{broken\n";
  const json spec = {{"format", "jsonl"}, {"path", "a.jsonl"}, {"fields", {{"question", "q.stem"}}}};
  CHECK_THROWS_WITH(load(spec, dir),
                    Catch::Contains("a.jsonl:3") && Catch::Contains("q.stem") && Catch::Contains("question"));
  BadRows bad(true);
  const auto rows = load(spec, dir, bad);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].fields["question"] == "first");
  CHECK(rows[0].fields["id"] == 1);
  CHECK(rows[0].origin == dir + "/a.jsonl:1");
  CHECK(bad.count() == 2);
  CHECK_THAT(bad.examples()[1], Catch::Contains("a.jsonl:4") && Catch::Contains("not JSON"));
  CHECK_THROWS_WITH(load({{"format", "jsonl"}, {"path", "none.jsonl"}}, dir), Catch::Contains("none.jsonl"));
  CHECK_THROWS_WITH(parse_source_spec({{"format", "yaml"}, {"path", "x"}}, "cfg.json: test"),
                    Catch::Contains("cfg.json: test.format"));
  CHECK_THROWS_WITH(parse_source_spec({{"format", "csv"}, {"path", "x"}, {"colums", {"a"}}}, "cfg.json: test"),
                    Catch::Contains("test.colums") && Catch::Contains("unknown key"));
}

TEST_CASE("csv sources: named columns, a field from the file name, lists gathered from columns", "[datasets]") {
  const auto dir = temp_dir("sextant_csv");
  std::filesystem::create_directories(dir + "/test");
  std::ofstream(dir + "/test/high_school_physics_test.csv") << "q1,a,b,c,d,B\n";
  std::ofstream(dir + "/test/anatomy_test.csv") << "q0,w,x,y,z,A\nshort,row\n";
  const json spec = {
      {"format", "csv"},         {"path", "test/*_test.csv"}, {"columns", {"question", "A", "B", "C", "D", "answer"}},
      {"file_field", "subject"}, {"file_suffix", "_test"},    {"lists", {{"choices", {"A", "B", "C", "D"}}}}};
  CHECK_THROWS_WITH(load(spec, dir), Catch::Contains("anatomy_test.csv:2") && Catch::Contains("2 fields, expected 6"));
  BadRows bad(true);
  const auto rows = load(spec, dir, bad);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].fields["subject"] == "anatomy");  // files in name order
  CHECK(rows[1].fields["subject"] == "high_school_physics");
  CHECK(rows[1].fields["choices"] == json({"a", "b", "c", "d"}));
  std::ofstream(dir + "/h.tsv") << "id\ttext\n7\thello, world\n";
  const auto tsv = load({{"format", "tsv"}, {"path", "h.tsv"}}, dir);
  REQUIRE(tsv.size() == 1);
  CHECK(tsv[0].fields["text"] == "hello, world");
}

TEST_CASE("text, aligned text, hellaswag text and c3 sources", "[datasets]") {
  const auto dir = temp_dir("sextant_text");
  std::ofstream(dir + "/en.txt") << "one\ntwo\n";
  std::ofstream(dir + "/fr.txt") << "un\ndeux\n";
  std::ofstream(dir + "/de.txt") << "eins\n";
  const auto lines = load({{"format", "text"}, {"path", "en.txt"}}, dir);
  REQUIRE(lines.size() == 2);
  CHECK(lines[1].fields["text"] == "two");
  const auto pairs = load({{"format", "text"}, {"files", {{"source", "en.txt"}, {"target", "fr.txt"}}}}, dir);
  REQUIRE(pairs.size() == 2);
  CHECK(pairs[1].fields["target"] == "deux");
  CHECK_THROWS_WITH(load({{"format", "text"}, {"files", {{"a", "en.txt"}, {"b", "de.txt"}}}}, dir),
                    Catch::Contains("same count"));

  std::ofstream(dir + "/hs.txt") << "ctx\n2\na\nb\nc\nd\nctx2\n9\na\nb\nc\nd\n";
  CHECK_THROWS_WITH(load({{"format", "hellaswag_text"}, {"path", "hs.txt"}}, dir),
                    Catch::Contains("hs.txt:8") && Catch::Contains("gold label"));
  std::ofstream(dir + "/hs2.txt") << "ctx\n1\na\n";
  CHECK_THROWS_WITH(load({{"format", "hellaswag_text"}, {"path", "hs2.txt"}}, dir),
                    Catch::Contains("3 of its 6 lines"));

  std::ofstream(dir + "/c3.json")
      << R"([[["A: hi", "B: hello"], [{"question": "q?", "choice": ["x", "y"], "answer": "y"}, {"question": "r?", "choice": ["z"], "answer": "z"}], "d-1"]])";
  const auto c3 = load({{"format", "c3_json"}, {"path", "c3.json"}}, dir);
  REQUIRE(c3.size() == 2);
  CHECK(c3[0].fields["context"] == json({"A: hi", "B: hello"}));
  CHECK(c3[1].fields["question"] == "r?");
  CHECK(c3[1].fields["id"] == "d-1-1");
}

TEST_CASE("upstream HellaSwag JSONL gets lm-evaluation-harness's preprocessing", "[datasets]") {
  const auto dir = temp_dir("sextant_hellaswag");
  // Expected values from lm-eval's hellaswag utils.preprocess (strip; " [title]" -> ". ";
  // drop "[...]"; "  " -> " ") and ctx_a + " " + ctx_b.capitalize(), run in Python.
  std::ofstream(dir + "/val.jsonl")
      << R"({"activity_label": "Personal Care and Style", "ctx_a": "[header] How to dye your hair [title] Pick a color. ", "ctx_b": "ON and ON", )"
      << R"("endings": [" [substeps] Mix it   well [title] now", "b", "c", "d"], "label": "2"})"
      << "\n";
  const auto rows = load({{"format", "hellaswag_jsonl"}, {"path", "val.jsonl"}}, dir);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].fields["context"] == "Personal Care and Style: How to dye your hair. Pick a color. On and on");
  CHECK(rows[0].fields["endings"][0] == " Mix it  well. now");
  CHECK(rows[0].fields["label"] == 2);
}

TEST_CASE("gzip-compressed files are read as their content", "[datasets]") {
  const auto dir = temp_dir("sextant_gz");
  gzFile f = gzopen((dir + "/rows.jsonl.gz").c_str(), "wb");
  REQUIRE(f);
  const std::string text = "{\"task_id\": \"HumanEval/0\"}\n{\"task_id\": \"HumanEval/1\"}\n";
  gzwrite(f, text.data(), static_cast<unsigned>(text.size()));
  gzclose(f);
  const auto rows = load({{"format", "jsonl"}, {"path", "rows.jsonl.gz"}}, dir);
  REQUIRE(rows.size() == 2);
  CHECK(rows[1].fields["task_id"] == "HumanEval/1");
}

TEST_CASE("the shared benchmark files load with their published row counts", "[datasets][data]") {
  SEXTANT_REQUIRE_DATA(data);
  struct Expect {
    json spec;
    std::size_t rows;
  };
  // Counts from shared/datasets/MANIFEST.md.
  const std::vector<Expect> expected{
      {{{"format", "hellaswag_text"}, {"path", "hellaswag/hellaswag_val_full.txt"}}, 10042},
      {{{"format", "jsonl"}, {"path", "arc/ARC-Easy/ARC-Easy-Test.jsonl"}}, 2376},
      {{{"format", "jsonl"}, {"path", "arc/ARC-Challenge/ARC-Challenge-Test.jsonl"}}, 1172},
      {{{"format", "csv"}, {"path", "mmlu/test/*_test.csv"}, {"columns", {"q", "A", "B", "C", "D", "answer"}}}, 14042},
      {{{"format", "csv"}, {"path", "mmlu/dev/*_dev.csv"}, {"columns", {"q", "A", "B", "C", "D", "answer"}}}, 285},
      {{{"format", "csv"}, {"path", "ceval/val/*_val.csv"}}, 1346},
      {{{"format", "csv"}, {"path", "ceval/dev/*_dev.csv"}}, 260},
      {{{"format", "jsonl"}, {"path", "boolq/dev.jsonl"}}, 3270},
      {{{"format", "jsonl"}, {"path", "nq_open/NQ-open.dev.jsonl"}}, 3610},
      {{{"format", "c3_json"}, {"paths", {"c3/c3-d-dev.json", "c3/c3-m-dev.json"}}}, 3816},
      {{{"format", "text"}, {"path", "lambada/lambada_test_plain_text.txt"}}, 5153},
      {{{"format", "jsonl"}, {"path", "gsm8k/test.jsonl"}}, 1319},
      {{{"format", "jsonl"}, {"path", "humaneval/HumanEval.jsonl"}}, 164},
      {{{"format", "jsonl"}, {"path", "humaneval/HumanEval.jsonl.gz"}}, 164},
      {{{"format", "jsonl"}, {"path", "winogrande/train_xs.jsonl"}}, 160},
      {{{"format", "text"}, {"files", {{"s", "flores200/dev/eng_Latn.dev"}, {"t", "flores200/dev/zho_Hans.dev"}}}},
       997},
  };
  for (const auto& e : expected) {
    INFO(e.spec.dump());
    CHECK(load(e.spec, data).size() == e.rows);
  }
}
