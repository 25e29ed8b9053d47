// Matching two models' per-sample scores by item and testing their difference.
#include "reports/paired_comparison.hpp"

#include <vector>

namespace sextant::reports {

std::optional<PairedComparison> compare_paired(std::span<const ItemScore> a, std::span<const ItemScore> b,
                                               const metrics::BootstrapOptions& options) {
  PairedComparison c;
  std::vector<double> scores_a, scores_b;
  const auto is_binary = [](double s) { return s == 0.0 || s == 1.0; };
  // Both lists are sorted by item index: a merge finds the shared items.
  for (std::size_t i = 0, j = 0; i < a.size() && j < b.size();) {
    if (a[i].item_index < b[j].item_index) {
      ++i;
    } else if (b[j].item_index < a[i].item_index) {
      ++j;
    } else {
      const double x = a[i++].score, y = b[j++].score;
      scores_a.push_back(x);
      scores_b.push_back(y);
      c.binary = c.binary && is_binary(x) && is_binary(y);
      if (x > y)
        ++c.a_better;
      else if (y > x)
        ++c.b_better;
      else if (x == 1.0)
        ++c.both_full;
      else if (x == 0.0)
        ++c.both_zero;
      else
        ++c.tied_other;
    }
  }
  c.shared = scores_a.size();
  if (c.shared == 0) return std::nullopt;
  c.test = metrics::paired_bootstrap_means(scores_a, scores_b, options);
  return c;
}

}  // namespace sextant::reports
