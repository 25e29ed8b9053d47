// Exact deduplication: which earlier document each document repeats byte for byte.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

namespace sextant::trainer {

// For each document, the index of the first document with the same bytes: its own index
// when no earlier document has them. Documents are grouped by a 64-bit content hash and
// compared byte for byte within a group, so a hash collision never merges two documents.
std::vector<std::size_t> first_exact_duplicates(std::span<const std::string_view> documents);

}  // namespace sextant::trainer
