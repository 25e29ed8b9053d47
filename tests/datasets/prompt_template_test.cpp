// Prompt templates: fields, filters, literal braces, and errors naming the row and field.
#include "datasets/prompt_template.hpp"

#include <catch2/catch.hpp>

#include "core/error.hpp"

using namespace sextant::datasets;

namespace {

Record row() {
  Record r;
  r.origin = "data.jsonl:7";
  r.fields = nlohmann::json::parse(
      R"({"q": "  Who? ", "subject": "high_school_physics", "choices": ["red", "blue"], "n": 2, "ok": true,
    "sentence": "Ian ate because _ was hungry.", "text": "a b c last", "answer": "It is 3 <<1+2=3>>.\n#### 3"})");
  r.origin = "data.jsonl:7";
  return r;
}

}  // namespace

TEST_CASE("templates substitute fields and apply filters left to right", "[datasets][template]") {
  const Record r = row();
  CHECK(render_template("Q: {q|strip}\nA:", r) == "Q: Who?\nA:");
  CHECK(render_template("about {subject|words}", r) == "about high school physics");
  CHECK(render_template("{subject|upper|words}", r) == "HIGH SCHOOL PHYSICS");
  CHECK(render_template("{choices|options}", r) == "A. red\nB. blue");
  CHECK(render_template("{choices|join:, }", r) == "red, blue");
  CHECK(render_template("{n} {ok} {n|letter}", r) == "2 true C");
  CHECK(render_template("{sentence|before:_}|{sentence|after:_|strip}", r) == "Ian ate because |was hungry.");
  CHECK(render_template("{text|before_last: }/{text|after_last: }", r) == "a b c/last");
  CHECK(render_template("{answer|remove_spans:<<,>>|replace:\n#### => The answer is }.", r) ==
        "It is 3 . The answer is 3.");
  CHECK(render_template("{{literal}} {n}", r) == "{literal} 2");
  CHECK(template_fields("{a} {{b}} {c|lower}") == std::vector<std::string>{"a", "c"});
}

TEST_CASE("template errors name the row, the field and the filter", "[datasets][template]") {
  const Record r = row();
  CHECK_THROWS_WITH(render_template("{missing}", r), Catch::Contains("data.jsonl:7") && Catch::Contains("\"missing\""));
  CHECK_THROWS_WITH(render_template("{choices}", r), Catch::Contains("\"choices\"") && Catch::Contains("list"));
  CHECK_THROWS_WITH(render_template("{q|shout}", r), Catch::Contains("unknown filter \"shout\""));
  CHECK_THROWS_WITH(render_template("{q|before:#}", r), Catch::Contains("no \"#\""));
  CHECK_THROWS_WITH(render_template("{q", r), Catch::Contains("without"));
}
