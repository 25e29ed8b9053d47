// The dataset loaders on the real benchmark files (counts from their manifest) and on bad input.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "core/error.hpp"
#include "datasets/csv_reader.hpp"
#include "datasets/loaders.hpp"
#include "tests/test_files.hpp"
#include "tests/test_paths.hpp"

using sextant::testing::write_temp;

using namespace sextant::datasets;

TEST_CASE("csv reader handles quoted commas, quotes and newlines", "[datasets][csv]") {
  const auto path = write_temp("sextant_quotes.csv", "a,\"b,c\",\"say \"\"hi\"\"\"\r\n\"multi\nline\",2,3\n\nlast,,x");
  const auto records = read_csv(path);
  REQUIRE(records.size() == 3);
  CHECK(records[0].fields == std::vector<std::string>{"a", "b,c", "say \"hi\""});
  CHECK(records[1].fields == std::vector<std::string>{"multi\nline", "2", "3"});
  CHECK(records[1].line == 2);
  CHECK(records[2].fields == std::vector<std::string>{"last", "", "x"});
  CHECK(records[2].line == 5);
  CHECK_THROWS_WITH(read_csv(write_temp("sextant_open.csv", "a,b\n\"never closed,c\n")),
                    Catch::Contains("sextant_open.csv:2") && Catch::Contains("never closed"));
}

TEST_CASE("bad benchmark files are errors naming the file, line and field", "[datasets]") {
  CHECK_THROWS_WITH(load_hellaswag_text(write_temp("sextant_hs.txt", "ctx\n7\na\nb\nc\nd\n")),
                    Catch::Contains("sextant_hs.txt:2") && Catch::Contains("gold label"));
  CHECK_THROWS_WITH(load_hellaswag_text(write_temp("sextant_hs2.txt", "ctx\n1\na\n")), Catch::Contains("3 of its 6 lines"));
  CHECK_THROWS_WITH(load_arc_jsonl(write_temp("sextant_arc.jsonl", "{\"id\": \"x\", \"question\": {\"stem\": \"q\"}}\n")),
                    Catch::Contains("sextant_arc.jsonl:1") && Catch::Contains("answerKey"));
  CHECK_THROWS_WITH(load_arc_jsonl(write_temp("sextant_arc2.jsonl", "{\"id\": 1,")), Catch::Contains("sextant_arc2.jsonl:1"));
  const auto dir = std::filesystem::temp_directory_path() / "sextant_mmlu";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "x_test.csv") << "q,1,2,3,4,E\n";
  CHECK_THROWS_WITH(load_mmlu_cloze(dir.string()), Catch::Contains("x_test.csv:1") && Catch::Contains("answer \"E\""));
}

TEST_CASE("the shared benchmark files load with their published item counts", "[datasets][data]") {
  SEXTANT_REQUIRE_DATA(data);
  const auto hs = load_hellaswag_text(data + "/hellaswag/hellaswag_val_full.txt");
  CHECK(hs.size() == 10042);
  CHECK(hs[0].context == "Roof shingle removal: A man is sitting on a roof. he");
  CHECK(hs[0].gold == 3);
  CHECK(hs[0].choices[3] == " starts pulling up roofing on a roof.");
  CHECK(load_arc_jsonl(data + "/arc/ARC-Easy/ARC-Easy-Test.jsonl").size() == 2376);
  const auto arc_c = load_arc_jsonl(data + "/arc/ARC-Challenge/ARC-Challenge-Test.jsonl");
  CHECK(arc_c.size() == 1172);
  CHECK(arc_c[0].context.rfind("Question: ", 0) == 0);
  const auto mmlu = load_mmlu_cloze(data + "/mmlu/test");
  CHECK(mmlu.size() == 14042);
  CHECK(mmlu[0].context.rfind("The following are questions about abstract algebra.\nQuestion: Find the degree", 0) == 0);
  CHECK(mmlu[0].choices == std::vector<std::string>{" 0", " 4", " 2", " 6"});
  CHECK(mmlu[0].gold == 1);
}
