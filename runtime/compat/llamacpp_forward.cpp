// One sequence through the model in llama.cpp's order of rounding, step for step as its
// graph for a llama-family model runs on the CPU backend with one batch of all tokens.
#include "runtime/compat/llamacpp_forward.hpp"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <limits>

#include "core/error.hpp"
#include "runtime/compat/llamacpp_numerics.hpp"
#include "runtime/cpu/thread_pool.hpp"
#include "runtime/half.hpp"

namespace sextant::runtime {

namespace {

// y (n, w.rows) = x (n, w.cols) . W^T as ggml computes a product of two or more columns on
// x86: Q4_1 and Q8_0 weights on activations quantized to 8 bits, in vec_dot's order (Q8_0
// goes through llamafile's GEMM, whose per-output order is the same); fp16 weights on
// activations rounded to fp16 and float weights on float activations, in tinyBLAS's order.
void product(const WeightMatrix& w, const std::vector<float>& x, std::int64_t n, std::vector<float>& y,
             ThreadPool& pool) {
  y.resize(static_cast<std::size_t>(n * w.rows));
  pool.parallel_for(n, [&](std::int64_t t) {
    const float* xt = x.data() + t * w.cols;
    float* yt = y.data() + t * w.rows;
    if (w.type == TensorType::F16) {
      std::vector<std::uint16_t> half(static_cast<std::size_t>(w.cols));
      for (std::int64_t i = 0; i < w.cols; ++i) half[static_cast<std::size_t>(i)] = float_to_fp16(xt[i]);
      for (std::int64_t r = 0; r < w.rows; ++r)
        yt[r] = llamacpp::tinyblas_dot_f16(reinterpret_cast<const std::uint16_t*>(w.row(r)), half.data(), 1, w.cols);
    } else if (w.type == TensorType::F32) {
      for (std::int64_t r = 0; r < w.rows; ++r)
        yt[r] = llamacpp::tinyblas_dot_f32(reinterpret_cast<const float*>(w.row(r)), xt, w.cols);
    } else {
      llamacpp::Q8Row row;
      llamacpp::quantize_row_q8(xt, w.cols, row);
      for (std::int64_t r = 0; r < w.rows; ++r) yt[r] = llamacpp::vec_dot(w, r, row);
    }
  });
}

// Why ggml would compute this weight's products in some other order ("" when it would not).
// tinyBLAS takes fp16 and float products only when k % 16 == 0 and rows % 4 == 0; Q4_0,
// Q4_K, Q2_K, IQ4_NL and MXFP4 are repacked on x86, the other K-quants and BF16 have kernels
// of their own.
std::string unsupported_weight(const WeightMatrix& w) {
  switch (w.type) {
    case TensorType::Q4_1:
    case TensorType::Q8_0:
      return "";
    case TensorType::F16:
    case TensorType::F32:
      if (w.cols % 16 == 0 && w.rows % 4 == 0) return "";
      return fmt::format("{} weights of {} x {} (tinyBLAS wants columns a multiple of 16, rows of 4)",
                         tensor_type_traits(w.type).name, w.rows, w.cols);
    default:
      return fmt::format("{} weights (not emulated: ggml repacks them or has other kernels for them)",
                         tensor_type_traits(w.type).name);
  }
}

}  // namespace

std::string llamacpp_forward_unsupported(const Model& model) {
  const ModelConfig& c = model.config();
  const ModelWeights& w = model.weights();
  switch (c.arch) {  // no default: a new architecture makes the compiler ask whether it is emulated
    case Architecture::Llama:
    case Architecture::Qwen2:  // llama.cpp's llama-style graph plus q / k / v biases
    case Architecture::InternLm2:
      break;
  }
  // A Hugging Face folder has its own q / k row order and rope pairing: its attention sums
  // group terms differently from the GGUF llama.cpp runs.
  if (std::filesystem::is_directory(model.path())) return "a Hugging Face folder (llama.cpp runs GGUF files)";
  if (c.head_dim % 16 != 0) return fmt::format("head size {} (not a multiple of 16)", c.head_dim);
  for (std::size_t layer = 0; layer < w.layers.size(); ++layer) {
    const LayerWeights& L = w.layers[layer];
    for (const auto& [name, m] : {std::pair{"attn_q", &L.wq},
                                  {"attn_k", &L.wk},
                                  {"attn_v", &L.wv},
                                  {"attn_output", &L.wo},
                                  {"ffn_gate", &L.w_gate},
                                  {"ffn_up", &L.w_up},
                                  {"ffn_down", &L.w_down}})
      if (std::string why = unsupported_weight(*m); !why.empty())
        return fmt::format("blk.{}.{}.weight: {}", layer, name, why);
  }
  if (std::string why = unsupported_weight(w.output); !why.empty()) return "the output head: " + why;
  return "";
}

void llamacpp_forward(const Model& model, const std::vector<TokenId>& tokens, std::vector<float>& logits,
                      ThreadPool& pool, const ForwardProbe& probe) {
  if (const std::string why = llamacpp_forward_unsupported(model); !why.empty())
    fail("{}: llama.cpp's arithmetic is not emulated for {}", model.path(), why);
  // One token: ggml's fp16 / float products leave tinyBLAS for vec_dot, another order.
  if (tokens.size() < 2) fail("llama.cpp's arithmetic is emulated for two or more tokens, not {}", tokens.size());
  const ModelConfig& c = model.config();
  const ModelWeights& w = model.weights();
  const std::int64_t n = static_cast<std::int64_t>(tokens.size()), d = c.n_embd, hd = c.head_dim, qd = c.q_dim(),
                     kvd = c.kv_dim();
  const std::int64_t group = c.n_head / c.n_head_kv;
  auto show = [&](const char* name, std::int64_t layer, const std::vector<float>& v) {
    if (probe) probe(name, layer, v.data(), static_cast<std::int64_t>(v.size()));
  };

  std::vector<float> x(static_cast<std::size_t>(n * d)), h(x.size()), q, k, v, attn(static_cast<std::size_t>(n * qd)),
      proj, gate, up;
  // h = RMSNorm(x) * weight, a row per token; x += y (ggml adds the residual as y + x).
  auto norm = [&](const float* weight) {
    pool.parallel_for(
        n, [&](std::int64_t t) { llamacpp::rms_norm_row(x.data() + t * d, weight, d, c.rms_eps, h.data() + t * d); });
  };
  auto add_to_x = [&](const std::vector<float>& y) {
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = y[i] + x[i];
  };
  for (std::int64_t t = 0; t < n; ++t) {
    if (tokens[t] < 0 || tokens[t] >= c.n_vocab)
      fail("token id {} is outside the vocabulary of {}", tokens[t], c.n_vocab);
    weight_row_to_float(w.token_embedding, tokens[t], x.data() + t * d);
  }

  // Angles per position, as ggml's rope cache computes them for each row.
  const float theta_scale = std::pow(static_cast<float>(c.rope_theta), -2.0f / static_cast<float>(c.rope_dims));
  const float freq_scale = static_cast<float>(1.0 / c.rope_linear_factor);
  const float* factors = c.rope_freq_factors.empty() ? nullptr : c.rope_freq_factors.data();
  std::vector<float> angles(static_cast<std::size_t>(n * c.rope_dims));
  for (std::int64_t t = 0; t < n; ++t)
    llamacpp::rope_cache(static_cast<float>(t), freq_scale, factors, theta_scale, c.rope_dims,
                         angles.data() + t * c.rope_dims);
  const bool adjacent = c.rope_style == RopeStyle::Adjacent;
  const std::int64_t pair_stride = adjacent ? 1 : c.rope_dims / 2;

  std::vector<std::uint16_t> q16(static_cast<std::size_t>(n * qd)), k16(static_cast<std::size_t>(n * kvd)),
      v16(k16.size());
  const float scale = 1.0f / std::sqrt(static_cast<float>(hd));
  for (std::int64_t layer = 0; layer < c.n_layer; ++layer) {
    const LayerWeights& L = w.layers[static_cast<std::size_t>(layer)];
    norm(L.attn_norm);
    show("attn_norm", layer, h);
    product(L.wq, h, n, q, pool);
    product(L.wk, h, n, k, pool);
    product(L.wv, h, n, v, pool);
    pool.parallel_for(n, [&](std::int64_t t) {
      if (L.bq)
        for (std::int64_t i = 0; i < qd; ++i) q[t * qd + i] += L.bq[i];
      if (L.bk)
        for (std::int64_t i = 0; i < kvd; ++i) k[t * kvd + i] += L.bk[i];
      if (L.bv)
        for (std::int64_t i = 0; i < kvd; ++i) v[t * kvd + i] += L.bv[i];
    });
    show("Qcur", layer, q);
    show("Kcur", layer, k);
    show("Vcur", layer, v);
    pool.parallel_for(n, [&](std::int64_t t) {
      const float* cs = angles.data() + t * c.rope_dims;
      for (std::int64_t hh = 0; hh < c.n_head; ++hh)
        llamacpp::rope_rotate(q.data() + t * qd + hh * hd, c.rope_dims / 2, pair_stride, adjacent, cs);
      for (std::int64_t hh = 0; hh < c.n_head_kv; ++hh)
        llamacpp::rope_rotate(k.data() + t * kvd + hh * hd, c.rope_dims / 2, pair_stride, adjacent, cs);
      for (std::int64_t i = 0; i < qd; ++i) q16[t * qd + i] = float_to_fp16(q[t * qd + i]);
      for (std::int64_t i = 0; i < kvd; ++i) {
        k16[t * kvd + i] = float_to_fp16(k[t * kvd + i]);
        v16[t * kvd + i] = float_to_fp16(v[t * kvd + i]);
      }
    });
    show("Qrope", layer, q);
    show("Krope", layer, k);

    // Per (head, token): kq over the keys up to the token, softmax, the probabilities to fp16
    // (ggml converts the second operand of an fp16 product), then the value product.
    pool.parallel_for(c.n_head * n, [&](std::int64_t job) {
      const std::int64_t head = job / n, t = job % n, kv_head = head / group;
      thread_local std::vector<float> kq, p;
      thread_local std::vector<std::uint16_t> p16;
      kq.resize(static_cast<std::size_t>(t + 1));
      p.resize(kq.size());
      p16.resize(kq.size());
      for (std::int64_t j = 0; j <= t; ++j)
        kq[j] = llamacpp::tinyblas_dot_f16(k16.data() + j * kvd + kv_head * hd, q16.data() + t * qd + head * hd, 1, hd);
      llamacpp::soft_max_row(kq.data(), t + 1, scale, p.data());
      for (std::int64_t j = 0; j <= t; ++j) p16[j] = float_to_fp16(p[j]);
      for (std::int64_t i = 0; i < hd; ++i)
        attn[t * qd + head * hd + i] =
            llamacpp::tinyblas_dot_f16(p16.data(), v16.data() + kv_head * hd + i, kvd, t + 1);
    });
    show("kqv_out", layer, attn);
    product(L.wo, attn, n, proj, pool);
    show("attn_out", layer, proj);
    add_to_x(proj);
    show("ffn_inp", layer, x);

    norm(L.ffn_norm);
    show("ffn_norm", layer, h);
    product(L.w_gate, h, n, gate, pool);
    product(L.w_up, h, n, up, pool);
    show("ffn_gate", layer, gate);
    show("ffn_up", layer, up);
    for (std::size_t i = 0; i < gate.size(); ++i) gate[i] = llamacpp::simd_silu(gate[i]) * up[i];
    show("ffn_swiglu", layer, gate);
    product(L.w_down, gate, n, proj, pool);
    show("ffn_out", layer, proj);
    add_to_x(proj);
    show("l_out", layer, x);
  }

  norm(w.output_norm);
  show("result_norm", -1, h);
  product(w.output, h, n, logits, pool);
}

}  // namespace sextant::runtime
