// The SIMD attention kernel, written once over a small set of vector operations (`Simd`, which
// the including file defines for its instruction set, with fast_exp() operation for
// operation as exp()). The lanes of a register hold (token, query head) pairs while scores
// and weights are computed, and elements of a head while outputs accumulate; the order is
// that of attention.hpp. Included by attention_avx2.cpp and attention_avx512.cpp only.

namespace {

constexpr int kLanes = Simd::kLanes;

// Where each position's key and value rows are.
struct Rows {
  const void* const* k;
  const void* const* v;
  std::int64_t count;
};

template <bool kHalf>
inline Simd::Vec load_row(const void* row, std::int64_t i, int n) {
  if constexpr (kHalf) return Simd::load_half_n(static_cast<const std::uint16_t*>(row) + i, n);
  else return Simd::load_n(static_cast<const float*>(row) + i, n);
}

// Outputs of the pairs in `out` (kPairs >= their count): out[l][c..] = sum of weights * values.
template <bool kHalf, int kPairs>
void accumulate_outputs(const AttentionInput& in, const Rows& rows, const float* weights, const std::int32_t* lengths,
                        float* const* out, int n_pairs) {
  const std::int64_t seen_by_all = in.length;  // the first token's length, the shortest
  for (std::int64_t c = 0; c < in.head_dim; c += kLanes) {
    const int n = static_cast<int>(std::min<std::int64_t>(kLanes, in.head_dim - c));
    typename Simd::Vec o[kPairs];
    for (int l = 0; l < kPairs; ++l) o[l] = Simd::zero();
    // Positions every pair sees, then the few that only the block's later tokens see (a
    // pair skips those rather than adding 0 * value, which an infinite value would make NaN).
    std::int64_t g = 0;
    for (; g < seen_by_all; ++g) {
      const typename Simd::Vec v = load_row<kHalf>(rows.v[g], in.head_offset + c, n);
      const float* w = weights + g * kLanes;
      for (int l = 0; l < kPairs; ++l) o[l] = Simd::fma(Simd::set1(w[l]), v, o[l]);
    }
    for (; g < rows.count; ++g) {
      const typename Simd::Vec v = load_row<kHalf>(rows.v[g], in.head_offset + c, n);
      const float* w = weights + g * kLanes;
      for (int l = 0; l < n_pairs; ++l)
        if (g < lengths[l]) o[l] = Simd::fma(Simd::set1(w[l]), v, o[l]);
    }
    for (int l = 0; l < n_pairs; ++l) Simd::store_n(out[l] + c, o[l], n);
  }
}

// Pairs first_pair .. first_pair + n_pairs - 1 (n_pairs <= kLanes), pair = token * n_q + head.
template <bool kHalf>
void attention_lanes(const AttentionInput& in, const Rows& rows, std::int64_t first_pair, int n_pairs, float* scratch) {
  using Vec = typename Simd::Vec;
  const std::int64_t d = in.head_dim;
  alignas(64) float qt[512 * kLanes];  // qt[i * kLanes + lane]: element i of each pair's query
  alignas(64) std::int32_t lengths[kLanes];
  float* out[kLanes];
  for (int l = 0; l < kLanes; ++l) {
    const bool used = l < n_pairs;
    const std::int64_t pair = first_pair + (used ? l : 0), j = pair / in.n_q, h = pair % in.n_q;
    lengths[l] = static_cast<std::int32_t>(in.length + j);
    out[l] = in.out + j * in.out_stride + h * d;
    const float* query = in.q + j * in.q_stride + h * d;
    for (std::int64_t i = 0; i < d; i += 8) {
      alignas(64) float eight[kLanes];
      Vec v = used ? Simd::load_n(query + i, 8) : Simd::zero();
      if (kHalf) v = Simd::round_to_half(v);
      Simd::store(eight, v);
      for (int u = 0; u < 8; ++u) qt[(i + u) * kLanes + l] = eight[u];
    }
  }

  // Scores, four positions at a time sharing each load of the queries.
  float* scores = scratch;  // scores[g * kLanes + lane]
  Vec max = Simd::set1(-INFINITY);
  const Vec scale = Simd::set1(in.scale);
  auto score_rows = [&](std::int64_t g, auto count) {
    constexpr int kRows = decltype(count)::value;
    alignas(64) float buffer[kRows][512];
    const float* k[kRows];
    for (int u = 0; u < kRows; ++u) {
      if constexpr (kHalf) {
        const auto* row = static_cast<const std::uint16_t*>(rows.k[g + u]) + in.head_offset;
        for (std::int64_t i = 0; i < d; i += 8) Simd::store_n(buffer[u] + i, Simd::load_half_n(row + i, 8), 8);
        k[u] = buffer[u];
      } else {
        k[u] = static_cast<const float*>(rows.k[g + u]) + in.head_offset;
      }
    }
    Vec acc[kRows];
    for (int u = 0; u < kRows; ++u) acc[u] = Simd::zero();
    for (std::int64_t i = 0; i < d; ++i) {
      const Vec qi = Simd::load(qt + i * kLanes);
      for (int u = 0; u < kRows; ++u) acc[u] = Simd::fma(qi, Simd::set1(k[u][i]), acc[u]);
    }
    for (int u = 0; u < kRows; ++u) {
      const Vec s = Simd::select(Simd::below(lengths, g + u), Simd::mul(acc[u], scale), Simd::set1(-INFINITY));
      Simd::store(scores + (g + u) * kLanes, s);
      max = Simd::max(max, s);
    }
  };
  std::int64_t g = 0;
  for (; g + 4 <= rows.count; g += 4) score_rows(g, std::integral_constant<int, 4>());
  for (; g < rows.count; ++g) score_rows(g, std::integral_constant<int, 1>());

  // Softmax over the positions each pair sees; the others get weight 0.
  Vec sum = Simd::zero();
  for (g = 0; g < rows.count; ++g) {
    const Vec e = Simd::select(Simd::below(lengths, g), Simd::exp(Simd::sub(Simd::load(scores + g * kLanes), max)), Simd::zero());
    Simd::store(scores + g * kLanes, e);
    sum = Simd::add(sum, e);
  }
  for (g = 0; g < rows.count; ++g) Simd::store(scores + g * kLanes, Simd::div(Simd::load(scores + g * kLanes), sum));

  if (n_pairs <= 4) accumulate_outputs<kHalf, 4>(in, rows, scores, lengths, out, n_pairs);
  else if (n_pairs <= 8) accumulate_outputs<kHalf, 8>(in, rows, scores, lengths, out, n_pairs);
  else accumulate_outputs<kHalf, kLanes>(in, rows, scores, lengths, out, n_pairs);
}

void attention(const AttentionInput& in, float* scratch) {
  thread_local std::vector<const void*> k_rows, v_rows;
  const std::int64_t positions = in.length + in.n_tokens - 1;
  k_rows.clear();
  v_rows.clear();
  const std::size_t element = in.fp16 ? 2 : 4;
  for (std::int64_t s = 0; s < in.n_spans; ++s)
    for (std::int64_t r = 0; r < in.spans[s].count && static_cast<std::int64_t>(k_rows.size()) < positions; ++r) {
      const std::size_t offset = static_cast<std::size_t>(r * in.row_stride) * element;
      k_rows.push_back(static_cast<const std::uint8_t*>(in.spans[s].k) + offset);
      v_rows.push_back(static_cast<const std::uint8_t*>(in.spans[s].v) + offset);
    }
  const Rows rows{k_rows.data(), v_rows.data(), positions};
  const std::int64_t pairs = in.n_q * in.n_tokens;
  for (std::int64_t first = 0; first < pairs; first += kLanes) {
    const int n = static_cast<int>(std::min<std::int64_t>(kLanes, pairs - first));
    if (in.fp16) attention_lanes<true>(in, rows, first, n, scratch);
    else attention_lanes<false>(in, rows, first, n, scratch);
  }
}

}  // namespace
