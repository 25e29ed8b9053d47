// The forward pass of one sequence in llama.cpp's arithmetic (llamacpp_numerics.hpp): the
// logits llama.cpp's CPU backend computes for a prompt evaluated in one batch (ubatch >= its
// length, no flash attention), to the bit where its kernels are the ones emulated (a Q4_1
// model with a Q4_0 / Q4_1 / Q8_0 head: all of it). For checking against llama.cpp, not for
// evaluation: it is plain scalar code, tens of times slower than forward().
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "runtime/model/model.hpp"

namespace sextant::runtime {

class ThreadPool;

// Called with each intermediate tensor (llama.cpp's names: "attn_norm", "Qcur", "kqv_out",
// "ffn_out", "l_out", ...), layer (-1 for none), row-major data and its element count; for
// finding the first step where two runtimes part.
using ForwardProbe =
    std::function<void(const std::string& name, std::int64_t layer, const float* data, std::int64_t count)>;

// Why `model` cannot run in llama.cpp's arithmetic ("" when it can): only the weight types
// whose products ggml computes with vec_dot at any batch size (Q4_1), fp16-cached keys and
// values, and no attention variant llama.cpp would treat differently.
std::string llamacpp_forward_unsupported(const Model& model);

// Logits (tokens.size(), n_vocab) of every position of one sequence starting at position 0.
void llamacpp_forward(const Model& model, const std::vector<TokenId>& tokens, std::vector<float>& logits,
                      ThreadPool& pool, const ForwardProbe& probe = {});

}  // namespace sextant::runtime
