// The JSON report against reports/report.schema.json, and the schema checker itself: it accepts
// what conforms and names the place of every violation.
#include "reports/json_report.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "core/error.hpp"
#include "reports/json_schema_check.hpp"
#include "reports/store_reader.hpp"
#include "tests/reports/report_fixture.hpp"

using namespace sextant;
using namespace sextant::reports;
using nlohmann::json;

namespace {

const ReportContext kContext{"0.1.0", "abc1234", "2024-06-01T00:00:00Z", {"host", "Test CPU", 2}};

json report_schema() {
  std::ifstream in(std::string(SEXTANT_SOURCE_DIR) + "/reports/report.schema.json");
  REQUIRE(in);
  return json::parse(in);
}

json fixture_report(const std::string& name) {
  const auto dirs = testing::make_fixture_stores(std::filesystem::temp_directory_path() / ("sextant_reports_" + name));
  const Leaderboard board = build_leaderboard({read_store(dirs.a.string()), read_store(dirs.b.string())}, kContext);
  return json::parse(json_report(board));  // through the text, as a reader gets it
}

bool mentions(const std::vector<std::string>& violations, const std::string& text) {
  for (const auto& v : violations)
    if (v.find(text) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("the JSON report holds the runs, models, scores and dimension means", "[reports]") {
  const json j = fixture_report("json_fields");
  CHECK(j["format"] == "sextant-report");
  CHECK(j["format_version"] == 1);
  CHECK(j["generated"]["sextant_version"] == "0.1.0");
  CHECK(j["generated"]["git_revision"] == "abc1234");
  CHECK(j["generated"]["machine"]["cpu"] == "Test CPU");
  CHECK(j["generated"]["machine"]["cores"] == 2);
  CHECK(j["started_at"] == "2024-05-01T08:00:00Z");
  CHECK(j["finished_at"].is_null());
  REQUIRE(j["runs"].size() == 4);
  CHECK(j["runs"][3]["model"] == testing::kOddModel);
  CHECK(j["runs"][3]["finished_at"].is_null());
  CHECK(j["runs"][3]["store"] == 1);

  REQUIRE(j["models"].size() == 3);
  CHECK(j["models"][0]["label"] == "alpha");
  CHECK(j["models"][0]["runs"] == json::array({0, 2}));
  CHECK(j["models"][0]["overall"].get<double>() == Approx(0.42));
  CHECK(j["models"][1]["overall"].get<double>() == Approx(0.44));
  CHECK(j["models"][2]["overall"].get<double>() == Approx(2.0 / 3));
  CHECK(j["models"][0]["dimensions"][4]["dimension"] == "Reasoning");
  CHECK(j["models"][0]["dimensions"][4]["score"].get<double>() == Approx(0.40));
  CHECK(j["models"][0]["dimensions"][4]["datasets"] == 2);

  REQUIRE(j["datasets"].size() == 8);
  const json& gsm8k = j["datasets"][6];
  CHECK(gsm8k["dataset"] == "gsm8k");
  CHECK(gsm8k["mode"] == "cot");
  CHECK(gsm8k["dimension"] == "Reasoning");
  REQUIRE(gsm8k["scores"].size() == 2);  // odd has no gsm8k score
  const json& alpha = gsm8k["scores"][0];
  CHECK(alpha["model"] == "alpha");
  CHECK(alpha["metric"] == "exact_match");
  CHECK(alpha["value"].get<double>() == Approx(0.30));
  CHECK(alpha["ci95"][0].get<double>() == Approx(0.25));
  CHECK(alpha["ci95"][1].get<double>() == Approx(0.35));
  CHECK(alpha["samples"] == 50);
  CHECK(alpha["version"] == "g2");
  CHECK(alpha["run"] == 2);
  CHECK(alpha["other_metrics"][0]["metric"] == "extraction_rate");
  CHECK(gsm8k["scores"][1]["model"] == "beta");
  CHECK(gsm8k["scores"][1]["version"] == "g1");
}

TEST_CASE("every report validates against report.schema.json", "[reports]") {
  const json schema = report_schema();
  CHECK(schema_violations(fixture_report("json_valid"), schema).empty());

  const auto dir = std::filesystem::temp_directory_path() / "sextant_reports_json_empty";
  std::filesystem::remove_all(dir);
  { testing::FixtureStore s(dir); }
  const json empty = json::parse(json_report(build_leaderboard({read_store(dir.string())}, kContext)));
  CHECK(schema_violations(empty, schema).empty());
  CHECK(empty["started_at"].is_null());
}

TEST_CASE("a broken report fails validation, each violation named by its place", "[reports]") {
  const json schema = report_schema();
  const json good = fixture_report("json_broken");

  json missing = good;
  missing.erase("models");
  CHECK(schema_violations(missing, schema) == std::vector<std::string>{"(root): missing required property \"models\""});

  json wrong_type = good;
  wrong_type["datasets"][0]["scores"][0]["value"] = "high";
  CHECK(schema_violations(wrong_type, schema) ==
        std::vector<std::string>{"/datasets/0/scores/0/value: expected number, got string"});

  json extra = good;
  extra["models"][1]["colour"] = "blue";
  CHECK(schema_violations(extra, schema) == std::vector<std::string>{"/models/1: unexpected property \"colour\""});

  json negative = good;
  negative["datasets"][2]["scores"][1]["samples"] = -3;
  CHECK(mentions(schema_violations(negative, schema), "/datasets/2/scores/1/samples: -3 is below the minimum 0"));

  json interval = good;
  interval["datasets"][0]["scores"][0]["other_metrics"][0]["ci95"].push_back(0.5);
  CHECK(mentions(schema_violations(interval, schema),
                 "/datasets/0/scores/0/other_metrics/0/ci95: has 3 item(s), more than 2"));

  json format = good;
  format["format"] = "results";
  CHECK(mentions(schema_violations(format, schema), "/format: \"results\" is not one of [\"sextant-report\"]"));

  json several = good;
  several["runs"][0]["id"] = 1.5;
  several["models"][0]["overall"] = "0.42";
  CHECK(schema_violations(several, schema).size() == 2);
}

TEST_CASE("the schema checker follows $ref, allows type lists and tells integers from numbers", "[reports]") {
  const json schema = json::parse(R"({
    "$defs": {"count": {"type": "integer", "minimum": 0, "maximum": 10}},
    "definitions": {"name": {"type": "string", "enum": ["a", "b"]}},
    "type": "object",
    "properties": {
      "n": {"$ref": "#/$defs/count"},
      "names": {"type": "array", "items": {"$ref": "#/definitions/name"}, "minItems": 1},
      "maybe": {"type": ["number", "null"]},
      "never": false
    },
    "additionalProperties": {"type": "boolean"}
  })");
  CHECK(schema_violations(json::parse(R"({"n": 3, "names": ["a"], "maybe": null, "flag": true})"), schema).empty());
  CHECK(schema_violations(json::parse(R"({"n": 2.0, "maybe": 1.5})"), schema).empty());
  CHECK(schema_violations(json::parse(R"({"n": 2.5})"), schema) ==
        std::vector<std::string>{"/n: expected integer, got number"});
  CHECK(schema_violations(json::parse(R"({"n": 11})"), schema) ==
        std::vector<std::string>{"/n: 11 is above the maximum 10"});
  CHECK(schema_violations(json::parse(R"({"names": ["a", "c"]})"), schema) ==
        std::vector<std::string>{"/names/1: \"c\" is not one of [\"a\",\"b\"]"});
  CHECK(schema_violations(json::parse(R"({"names": []})"), schema) ==
        std::vector<std::string>{"/names: has 0 item(s), fewer than 1"});
  CHECK(schema_violations(json::parse(R"({"maybe": "x"})"), schema) ==
        std::vector<std::string>{"/maybe: expected number or null, got string"});
  CHECK(schema_violations(json::parse(R"({"flag": 1})"), schema) ==
        std::vector<std::string>{"/flag: expected boolean, got integer"});
  CHECK(schema_violations(json::parse(R"({"never": 0})"), schema) ==
        std::vector<std::string>{"/never: no value is allowed here"});
  CHECK(schema_violations(json::parse(R"({"a/b~": 0})"), schema) ==
        std::vector<std::string>{"/a~1b~0: expected boolean, got integer"});
  CHECK(schema_violations(json::parse("[]"), schema) == std::vector<std::string>{"(root): expected object, got array"});
}

TEST_CASE("the schema checker refuses keywords it does not check and refs it cannot follow", "[reports]") {
  CHECK_THROWS_WITH(schema_violations(json("x"), json::parse(R"({"type": "string", "pattern": "^x$"})")),
                    Catch::Contains("keyword \"pattern\" is not supported"));
  // Also where the document never reaches: the schema as a whole promises only what is checked.
  CHECK_THROWS_WITH(schema_violations(json::object(), json::parse(R"({"properties": {"a": {"oneOf": []}}})")),
                    Catch::Contains("schema /properties/a: keyword \"oneOf\" is not supported"));
  CHECK_THROWS_WITH(schema_violations(json(1), json::parse(R"({"$defs": {"x": {"items": [true]}}})")),
                    Catch::Contains("tuple form"));
  CHECK_THROWS_WITH(schema_violations(json(1), json::parse(R"({"$ref": "#/$defs/nothing"})")),
                    Catch::Contains("points at nothing"));
  CHECK_THROWS_WITH(schema_violations(json(1), json::parse(R"({"$ref": "other.json#/x"})")),
                    Catch::Contains("not a pointer into this schema"));
  CHECK_THROWS_WITH(schema_violations(json(1), json::parse(R"({"$ref": "#"})")), Catch::Contains("nests too deeply"));
  CHECK_THROWS_AS(schema_violations(json(1), json::parse(R"({"minimum": "zero"})")), Error);
}
