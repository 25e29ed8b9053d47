// The naive Bayes language identifier: inline training, save and load, file errors, and accuracy on the shared langid
// corpora.
#include "trainer/data/language_identifier.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <numeric>

#include "core/error.hpp"
#include "tests/test_files.hpp"
#include "tests/test_paths.hpp"

using namespace sextant::trainer;

namespace {

std::vector<LabelledText> inline_examples() {
  std::vector<LabelledText> out;
  auto add = [&](const char* label, std::initializer_list<const char*> texts) {
    for (const char* t : texts) out.push_back({label, "train", t});
  };
  add("en",
      {"The weather is nice today and we are going to the park.",
       "She said that she would come back with the books tomorrow.",
       "They have been working on this project for three years.",
       "What do you think about the new house on the corner?", "It was the best of times, it was the worst of times.",
       "He walked through the forest until the night was falling."});
  add("de",
      {"Das Wetter ist heute schön und wir gehen in den Park.",
       "Sie sagte, dass sie morgen mit den Büchern zurückkommen würde.",
       "Sie arbeiten seit drei Jahren an diesem Projekt.", "Was hältst du von dem neuen Haus an der Ecke?",
       "Es war die beste und die schlechteste aller Zeiten.", "Er ging durch den Wald, bis die Nacht hereinbrach."});
  add("es",
      {"El tiempo es agradable hoy y vamos a ir al parque.", "Ella dijo que volvería mañana con los libros.",
       "Llevan tres años trabajando en este proyecto.", "¿Qué piensas de la casa nueva de la esquina?",
       "Era el mejor de los tiempos, era el peor de los tiempos.", "Caminó por el bosque hasta que cayó la noche."});
  add("ru", {"Сегодня хорошая погода, и мы идём в парк.", "Она сказала, что завтра вернётся с книгами.",
             "Они работают над этим проектом уже три года.", "Что ты думаешь о новом доме на углу?"});
  return out;
}

}  // namespace

TEST_CASE("a language identifier trained on a few sentences tells their languages apart", "[trainer]") {
  const auto examples = inline_examples();
  const LanguageIdentifier model = LanguageIdentifier::train(examples);
  CHECK(model.languages() == std::vector<std::string>{"de", "en", "es", "ru"});
  CHECK(model.classify("Where are the children going with their books?").language == "en");
  CHECK(model.classify("Wo gehen die Kinder mit ihren Büchern hin?").language == "de");
  CHECK(model.classify("¿Adónde van los niños con sus libros?").language == "es");
  CHECK(model.classify("Куда идут дети со своими книгами?").language == "ru");
  const std::vector<double> p = model.posteriors("Куда идут дети со своими книгами?");
  CHECK(std::accumulate(p.begin(), p.end(), 0.0) == Approx(1.0));
  const LanguageGuess guess = model.classify("Куда идут дети со своими книгами?");
  CHECK(guess.confidence == Approx(p[3]));
  CHECK(guess.confidence > 0.5);
  CHECK(guess.confidence <= 1.0);
  CHECK(model.temperature() > 0);
  // Case does not matter: the text is lowercased first.
  CHECK(model.posteriors("THE WEATHER IS NICE") == model.posteriors("the weather is nice"));
  // No n-grams at all: the (uniform) prior.
  for (double v : model.posteriors("   ")) CHECK(v == Approx(0.25));
}

TEST_CASE("a saved language identifier loads back with identical posteriors", "[trainer]") {
  LanguageIdentifierOptions options;
  options.bucket_bits = 12;
  const auto examples = inline_examples();
  const LanguageIdentifier model = LanguageIdentifier::train(examples, options);
  const auto path = (std::filesystem::temp_directory_path() / "sextant_langid_roundtrip.bin").string();
  model.save(path);
  const LanguageIdentifier loaded = LanguageIdentifier::load(path);
  CHECK(loaded.languages() == model.languages());
  CHECK(loaded.temperature() == model.temperature());
  for (const auto& e : examples) CHECK(loaded.posteriors(e.text) == model.posteriors(e.text));
  std::filesystem::remove(path);
}

TEST_CASE("loading a language identifier names the file on every failure", "[trainer]") {
  CHECK_THROWS_WITH(LanguageIdentifier::load("/nonexistent/langid.bin"),
                    Catch::Contains("/nonexistent/langid.bin") && Catch::Contains("cannot open"));
  const std::string bad_magic =
      sextant::testing::write_temp("sextant_langid_magic.bin", "NOTAMODEL-and-some-more-bytes");
  CHECK_THROWS_WITH(LanguageIdentifier::load(bad_magic), Catch::Contains(bad_magic) && Catch::Contains("bad magic"));

  LanguageIdentifierOptions options;
  options.bucket_bits = 10;
  const auto examples = inline_examples();
  const auto path = (std::filesystem::temp_directory_path() / "sextant_langid_whole.bin").string();
  LanguageIdentifier::train(examples, options).save(path);
  const std::string bytes = sextant::testing::read_all(path);
  const std::string truncated =
      sextant::testing::write_temp("sextant_langid_truncated.bin", bytes.substr(0, bytes.size() - 3));
  CHECK_THROWS_WITH(LanguageIdentifier::load(truncated),
                    Catch::Contains(truncated) && Catch::Contains("truncated: the priors and probability table take"));
  const std::string longer = sextant::testing::write_temp("sextant_langid_longer.bin", bytes + "x");
  CHECK_THROWS_WITH(LanguageIdentifier::load(longer), Catch::Contains(longer) && Catch::Contains("1 bytes after"));
  for (const auto& p : {path, bad_magic, truncated, longer}) std::filesystem::remove(p);
}

TEST_CASE("training a language identifier refuses one label and bad options", "[trainer]") {
  const std::vector<LabelledText> one = {{"en", "", "one language only"}, {"en", "", "still one"}};
  CHECK_THROWS_WITH(LanguageIdentifier::train(one), Catch::Contains("1 labels"));
  LanguageIdentifierOptions options;
  options.max_order = 0;
  CHECK_THROWS_AS(LanguageIdentifier::train(inline_examples(), options), sextant::Error);
}

TEST_CASE("labelled text readers name the file and line of a bad record", "[trainer]") {
  const std::string jsonl = sextant::testing::write_temp(
      "sextant_langid_bad.jsonl", "{\"lang\": \"en\", \"split\": \"train\", \"text\": \"fine\"}\n{\"lang\": \"en\"}\n");
  CHECK_THROWS_WITH(read_labelled_jsonl(jsonl), Catch::Contains(jsonl + ":2: text: missing"));
  const std::string tsv =
      sextant::testing::write_temp("sextant_langid_bad.tsv", "1\tcmn\t我母亲比我父亲大两岁。\n2 eng no tabs\n");
  CHECK_THROWS_WITH(read_tatoeba_tsv(tsv, "test"), Catch::Contains(tsv + ":2:"));
  const std::string good =
      sextant::testing::write_temp("sextant_langid_good.tsv", "1\tcmn\t我母亲比我父亲大两岁。\r\n2\tkab\tAzul.\n");
  const auto rows = read_tatoeba_tsv(good, "test");
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].label == "zh");
  CHECK(rows[0].text == "我母亲比我父亲大两岁。");
  CHECK(rows[1].label == "kab");  // no ISO 639-1 code: kept
  for (const auto& p : {jsonl, tsv, good}) std::filesystem::remove(p);
}

TEST_CASE("the language identifier is accurate on the held-out fortunes and Tatoeba sentences", "[trainer][data]") {
  SEXTANT_REQUIRE_CORPORA(corpora);
  const std::string dir = corpora + "/langid/";
  std::vector<LabelledText> train, fortunes_test;
  for (auto& e : read_labelled_jsonl(dir + "fortunes_langid.jsonl"))
    (e.split == "train" ? train : fortunes_test).push_back(e);
  for (const char* code : {"cat", "cmn", "eng", "fra", "glg", "ita", "jpn", "kor", "por", "spa"}) {
    const auto rows = read_tatoeba_tsv(dir + "tatoeba/" + code + "_1000.csv", "train");
    train.insert(train.end(), rows.begin(), rows.end());
  }
  auto tatoeba_test = read_tatoeba_tsv(dir + "tatoeba/testset_no_train_overlap.csv", "test");
  REQUIRE(fortunes_test.size() == 2608);
  REQUIRE(tatoeba_test.size() == 1896);

  const LanguageIdentifier model = LanguageIdentifier::train(train);
  CHECK(model.languages().size() == 18);
  for (const auto& [name, test, floor] :
       {std::tuple{"fortunes", &fortunes_test, 0.98}, std::tuple{"tatoeba", &tatoeba_test, 0.95}}) {
    std::map<std::string, std::pair<int, int>> per_language;  // correct, total
    int correct = 0, sure = 0, sure_correct = 0;
    for (const auto& e : *test) {
      const LanguageGuess g = model.classify(e.text);
      const bool ok = g.language == e.label;
      correct += ok;
      per_language[e.label].first += ok;
      per_language[e.label].second += 1;
      if (g.confidence >= 0.9) sure += 1, sure_correct += ok;
    }
    INFO(name);
    CHECK(correct >= floor * static_cast<double>(test->size()));
    for (const auto& [language, counts] : per_language) {
      INFO(language << ": " << counts.first << " of " << counts.second);
      CHECK(counts.first >= 0.85 * counts.second);
    }
    // The confidence means something: the guesses it is sure of are right.
    CHECK(sure >= 0.7 * static_cast<double>(test->size()));
    CHECK(sure_correct >= 0.99 * sure);
  }
}
