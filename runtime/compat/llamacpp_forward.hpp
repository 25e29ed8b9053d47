// The forward pass of one sequence in llama.cpp's arithmetic (llamacpp_numerics.hpp): the
// logits llama.cpp's CPU backend computes for a prompt of two or more tokens evaluated in one
// batch (ubatch >= its length, no flash attention; keys and values cached in fp16, as
// llama.cpp does whatever Sextant's own cache type), to the bit. For checking against
// llama.cpp, not for evaluation: plain scalar code, tens of times slower than forward().
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "runtime/model/model.hpp"

namespace sextant::runtime {

class ThreadPool;

// Called with each intermediate tensor (llama.cpp's names where it has one: "attn_norm",
// "Qcur", "kqv_out", "ffn_out", "l_out", ...; "Qrope" / "Krope" for q and k after rotation),
// layer (-1 for none), row-major data and its element count; for finding the first step
// where two runtimes part.
using ForwardProbe =
    std::function<void(const std::string& name, std::int64_t layer, const float* data, std::int64_t count)>;

// Why `model` cannot run in llama.cpp's arithmetic ("" when it can): a llama, qwen2 or internlm2 GGUF file, head
// size a multiple of 16, and layer and output weights in Q4_1, Q8_0, F16 or F32 (the types
// whose products ggml computes in an order emulated here), as llama.cpp runs them on x86
// without AMX.
std::string llamacpp_forward_unsupported(const Model& model);

// Logits (tokens.size(), n_vocab) of every position of one sequence of two or more tokens
// starting at position 0; throws sextant::Error naming the file and what is not emulated.
void llamacpp_forward(const Model& model, const std::vector<TokenId>& tokens, std::vector<float>& logits,
                      ThreadPool& pool, const ForwardProbe& probe = {});

}  // namespace sextant::runtime
