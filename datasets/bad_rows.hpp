// What to do with a malformed row: fail naming it (the default), or count it and go on
// (`--skip-bad-rows`), keeping the first few messages for the report.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sextant::datasets {

class BadRows {
 public:
  explicit BadRows(bool skip = false) : skip_(skip) {}
  // Throws sextant::Error with the message unless skipping; else records it.
  void report(const std::string& message);
  bool skipping() const { return skip_; }
  std::int64_t count() const { return count_; }
  const std::vector<std::string>& examples() const { return examples_; }

 private:
  bool skip_;
  std::int64_t count_ = 0;
  std::vector<std::string> examples_;
};

}  // namespace sextant::datasets
