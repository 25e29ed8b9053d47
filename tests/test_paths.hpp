// Where tests find their fixtures, the real model and the shared datasets.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

namespace sextant::testing {

inline std::string fixture(const std::string& relative) { return std::string(SEXTANT_SOURCE_DIR) + "/tests/fixtures/" + relative; }

// The real model: $SEXTANT_TEST_MODEL, else models/SmolLM2-135M-Instruct.Q4_1.gguf in the
// source tree (scripts/fetch-model.sh puts it there). Empty when absent.
inline std::string real_model_path() {
  if (const char* env = std::getenv("SEXTANT_TEST_MODEL")) return env;
  const std::string p = std::string(SEXTANT_SOURCE_DIR) + "/models/SmolLM2-135M-Instruct.Q4_1.gguf";
  return std::filesystem::exists(p) ? p : std::string();
}

}  // namespace sextant::testing

// Skips the rest of a test that needs the real model, saying why.
#define SEXTANT_REQUIRE_MODEL(path)                                                                  \
  const std::string path = sextant::testing::real_model_path();                                      \
  if (path.empty()) {                                                                                \
    WARN("skipped: the real model is absent (run scripts/fetch-model.sh or set SEXTANT_TEST_MODEL)"); \
    return;                                                                                          \
  }

namespace sextant::testing {

// The benchmark files: $SEXTANT_DATA_DIR (CI points it at the shared datasets). Empty when absent.
inline std::string data_dir() {
  const char* env = std::getenv("SEXTANT_DATA_DIR");
  return env && std::filesystem::is_directory(env) ? std::string(env) : std::string();
}

}  // namespace sextant::testing

// Skips the rest of a test that needs the benchmark files, saying why.
#define SEXTANT_REQUIRE_DATA(dir)                                                        \
  const std::string dir = sextant::testing::data_dir();                                  \
  if (dir.empty()) {                                                                     \
    WARN("skipped: the benchmark files are absent (set SEXTANT_DATA_DIR to shared/datasets)"); \
    return;                                                                              \
  }

namespace sextant::testing {

// The shared corpora (langid, pretraining text): $SEXTANT_CORPORA_DIR, else ../shared/corpora
// beside the source tree (where the project's shared folder sits). Empty when absent.
inline std::string corpora_dir() {
  if (const char* env = std::getenv("SEXTANT_CORPORA_DIR")) return std::filesystem::is_directory(env) ? env : "";
  const std::string p = std::string(SEXTANT_SOURCE_DIR) + "/../shared/corpora";
  return std::filesystem::is_directory(p) ? p : std::string();
}

}  // namespace sextant::testing

// Skips the rest of a test that needs the shared corpora, saying why.
#define SEXTANT_REQUIRE_CORPORA(dir)                                                            \
  const std::string dir = sextant::testing::corpora_dir();                                      \
  if (dir.empty()) {                                                                            \
    WARN("skipped: the shared corpora are absent (set SEXTANT_CORPORA_DIR to shared/corpora)"); \
    return;                                                                                     \
  }
