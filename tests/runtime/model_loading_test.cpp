// Loading models: clear errors for files that are not usable models.
#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "runtime/model/chat_template.hpp"
#include "runtime/model/model.hpp"
#include "tests/test_paths.hpp"

using namespace sextant::runtime;

TEST_CASE("loading a gguf without model hyperparameters names the missing key", "[runtime][model_loading]") {
  CHECK_THROWS_WITH(Model::load(sextant::testing::fixture("gguf/all_types.gguf")),
                    Catch::Contains("all_types.gguf") && Catch::Contains("llama.embedding_length"));
}

TEST_CASE("loading a missing file names it", "[runtime][model_loading]") {
  CHECK_THROWS_WITH(Model::load("/nonexistent/model.gguf"), Catch::Contains("/nonexistent/model.gguf"));
}

TEST_CASE("the real model loads with its published shape", "[runtime][model_loading][model]") {
  SEXTANT_REQUIRE_MODEL(path);
  const auto m = Model::load(path);
  const ModelConfig& c = m->config();
  CHECK(c.n_layer == 30);
  CHECK(c.n_embd == 576);
  CHECK(c.n_head == 9);
  CHECK(c.n_head_kv == 3);
  CHECK(c.n_ff == 1536);
  CHECK(c.n_vocab == 49152);
  CHECK(c.tied_embeddings);
  CHECK(c.rope_theta == 100000.0);
  const ChatTemplate t = chat_template_for(*m);
  CHECK(t.format == ChatFormat::ChatMl);
  CHECK(render_chat(t, {{"user", "Hi"}}, true) ==
        "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n"
        "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
}
