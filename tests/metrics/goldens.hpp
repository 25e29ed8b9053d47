// The reference values in tests/fixtures/metrics/goldens.json, made by scripts/gen/metric_goldens.py.
#pragma once

#include <cmath>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/test_paths.hpp"

namespace sextant::testing {

// Parsed once: several test files read the same 300 KB file.
inline const nlohmann::json& metric_goldens() {
  static const nlohmann::json goldens = [] {
    std::ifstream in(fixture("metrics/goldens.json"), std::ios::binary);
    return nlohmann::json::parse(std::string(std::istreambuf_iterator<char>(in), {}));
  }();
  return goldens;
}

inline std::vector<std::string> strings_of(const nlohmann::json& list) { return list.get<std::vector<std::string>>(); }

inline std::vector<std::vector<std::string>> string_lists_of(const nlohmann::json& lists) {
  return lists.get<std::vector<std::vector<std::string>>>();
}

// |actual - expected| <= tolerance, exactly (Catch's Approx adds a relative epsilon).
inline bool within(double actual, double expected, double tolerance) {
  return std::fabs(actual - expected) <= tolerance;
}

}  // namespace sextant::testing
