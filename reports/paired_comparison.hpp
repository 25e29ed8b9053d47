// Two models on the same dataset, sample by sample: where one does better than the other, and
// whether the difference of their mean scores is more than chance (paired bootstrap).
#pragma once

#include <cstddef>
#include <optional>
#include <span>

#include "metrics/paired_bootstrap.hpp"
#include "reports/store_reader.hpp"

namespace sextant::reports {

struct PairedComparison {
  std::size_t shared = 0;      // items both models were scored on (matched by item index)
  std::size_t a_better = 0;    // A scored higher (a 0/1 metric: A right, B wrong)
  std::size_t b_better = 0;    // B scored higher
  std::size_t both_full = 0;   // the same score, 1 (both right)
  std::size_t both_zero = 0;   // the same score, 0 (both wrong)
  std::size_t tied_other = 0;  // the same partial score
  bool binary = true;          // every score of both is 0 or 1, so "right" and "wrong" apply
  // Mean of A minus mean of B over the shared items, its 95% interval and two-sided p-value.
  metrics::PairedBootstrapResult test;
};

// Compares A and B on the items both have (each list by item index, as read_task_samples gives
// it); nothing when they share none. The bootstrap is seeded, so a report is reproducible.
std::optional<PairedComparison> compare_paired(std::span<const ItemScore> a, std::span<const ItemScore> b,
                                               const metrics::BootstrapOptions& options = {});

}  // namespace sextant::reports
