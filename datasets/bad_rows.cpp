// Failing on, or counting, malformed rows.
#include "datasets/bad_rows.hpp"

#include "core/error.hpp"

namespace sextant::datasets {

void BadRows::report(const std::string& message) {
  if (!skip_) throw Error(message);
  ++count_;
  if (examples_.size() < 5) examples_.push_back(message);
}

}  // namespace sextant::datasets
